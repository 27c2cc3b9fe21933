#!/usr/bin/env bash
# Measures the JSON decoders of issue 19 on the recorded answers and writes
# bench/decoders/RESULTS.md (the "Decoder choice (issue 19)" section that
# bench/run.sh appends to BENCHMARKS.md): BenchmarkDecodeAnswer of this
# module (encoding/json, go-json-experiment, json-iterator) and of the
# vendor packages of the main module (the one-pass readers, and
# encoding/json beside them), in alternating passes, so that both sets see
# the same load; the table shows medians over the passes.
#
#   bench/decoders/run.sh                       # 5 passes of 200ms each
#   PASSES=3 BENCHTIME=100ms bench/decoders/run.sh
set -euo pipefail
cd "$(dirname "$0")"

PASSES=${PASSES:-5}
BENCHTIME=${BENCHTIME:-200ms}
RAW=results.txt
PKGS="./cloudstack/ ./e24/ ./huaweibcs/ ./onezone/ ./zstack/"
: > "$RAW"

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "go: $(go version)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "cores: $(nproc)"
  echo "1-minute load before: $(cut -d' ' -f1 /proc/loadavg)"
  echo "passes × benchtime: $PASSES × $BENCHTIME"
  echo "commands: \`(cd ../.. && go test -run '^\$' -bench '^BenchmarkDecodeAnswer\$' -benchmem -benchtime $BENCHTIME $PKGS)\` and \`go test -run '^\$' -bench '^BenchmarkDecodeAnswer\$' -benchmem -benchtime $BENCHTIME .\`, alternating"
} > machine.txt

vendors() { (cd ../.. && go test -run '^$' -bench '^BenchmarkDecodeAnswer$' -benchmem -benchtime "$BENCHTIME" $PKGS); }
libraries() { go test -run '^$' -bench '^BenchmarkDecodeAnswer$' -benchmem -benchtime "$BENCHTIME" .; }

for i in $(seq "$PASSES"); do
  echo "== pass $i/$PASSES"
  if [ $((i % 2)) -eq 1 ]; then
    vendors 2>&1 | tee -a "$RAW"
    libraries 2>&1 | tee -a "$RAW"
  else
    libraries 2>&1 | tee -a "$RAW"
    vendors 2>&1 | tee -a "$RAW"
  fi
done
echo "1-minute load after: $(cut -d' ' -f1 /proc/loadavg)" >> machine.txt

go run ./table -in "$RAW" -machine machine.txt > RESULTS.md
echo "wrote bench/decoders/RESULTS.md"
