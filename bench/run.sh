#!/usr/bin/env bash
# Runs every cloudkeys benchmark and writes BENCHMARKS.md at the repository
# root. Needs only Go (and the Go module proxy, or a warm module cache, for
# the bench/peers module). Takes about 15 minutes on a 2-core machine.
#
#   bench/run.sh                 # COUNT=5 runs of each benchmark
#   COUNT=1 BENCHTIME=200ms STREAM_COUNT=1 bench/run.sh   # a quick look
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=${COUNT:-5}
STREAM_COUNT=${STREAM_COUNT:-3}
BENCHTIME=${BENCHTIME:-1s}
OUT=${OUT:-bench/results}
mkdir -p "$OUT"
rm -f "$OUT"/*.txt

# Who else is using the machine: sampled every 10 s while the benchmarks run.
sample() {
  while true; do
    {
      date -u +%H:%M:%S
      cut -d' ' -f1-3 /proc/loadavg
      # other go test processes (e.g. someone fuzzing) that were not started here
      ps -eo pid,pcpu,args --no-headers | grep -cE '[.]test .*-test[.](fuzz|fuzzworker)' || true
    } | paste -sd' ' >> "$OUT/load.txt"
    sleep 10
  done
}
sample &
sampler=$!
trap 'kill $sampler 2>/dev/null || true' EXIT

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "go: $(go version)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "cores: $(nproc)"
  echo "kernel: $(uname -sr)"
  echo "count: $COUNT"
  echo "stream_count: $STREAM_COUNT"
  echo "benchtime: $BENCHTIME"
} > "$OUT/machine.txt"

# go test -count N runs each sub-benchmark N times in a row (all sdk runs,
# then all lean runs); a change in the machine's load between them would
# bias the ratio. So each pass runs every benchmark once, and the passes
# repeat: sdk and lean alternate, and both see the same load.
run() { # file, passes, then the go test command
  local file=$1 passes=$2; shift 2
  echo "== $* (x$passes)" >> "$OUT/commands.txt"
  for i in $(seq "$passes"); do
    echo "== pass $i/$passes: $*"
    "$@" 2>&1 | tee -a "$OUT/$file"
  done
}

run overhead.txt "$COUNT" go test -run '^$' -bench '^(BenchmarkGetKey|BenchmarkListKeys)$' -benchmem -benchtime "$BENCHTIME" ./bench/
# client only: the same calls served recorded answers from memory (no network, no fake)
run canned.txt "$COUNT" go test -run '^$' -bench '^(BenchmarkCannedGetKey|BenchmarkCannedListKeys)$' -benchmem -benchtime "$BENCHTIME" ./bench/
run signers.txt "$COUNT" go test -run '^$' -bench '^(BenchmarkSign|BenchmarkSignAttempt)$' -benchmem -benchtime "$BENCHTIME" ./bench/ ./cloudstack/ ./e24/
# bench/peers: Huawei's signer, and whole calls of apache/cloudstack-go and
# Huawei's HcHttpClient beside cloudkeys (loopback and canned), each pair
# adjacent in every pass
run peers.txt "$COUNT" bash -c "cd bench/peers && go test -count=1 -run . -bench . -benchmem -benchtime $BENCHTIME ."
run concurrency.txt "$COUNT" go test -run '^$' -bench '^BenchmarkConcurrentGetKey$' -benchtime 1x -timeout 60m ./bench/
run stream.txt "$STREAM_COUNT" go test -run '^$' -bench '^BenchmarkStreamListKeys$' -benchtime 1x -timeout 60m ./bench/

# the JSON decoders on the recorded answers (issue 19): bench/decoders/RESULTS.md
echo "== bench/decoders/run.sh (x$COUNT)" >> "$OUT/commands.txt"
PASSES="$COUNT" bash bench/decoders/run.sh

kill $sampler 2>/dev/null || true
echo "== bench/fleet.sh (audit and rotation at scale)" >> "$OUT/commands.txt"
OUT="$OUT" NO_REPORT=1 bash bench/fleet.sh
go run ./bench/report -in "$OUT" -out BENCHMARKS.md
# the decoder comparison measured above goes at the end
{ echo; cat bench/decoders/RESULTS.md; } >> BENCHMARKS.md
echo "wrote BENCHMARKS.md"
