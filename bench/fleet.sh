#!/usr/bin/env bash
# Measures the fleet commands at scale and refreshes BENCHMARKS.md (section
# 6): "cloudkeys audit" over 50,000 keys (10,000 per vendor's fake; Huawei in
# ten projects of 1,000, as its API allows) and at a tenth of that, each
# vendor alone, and "cloudkeys rotate" of 1,000 keys at --concurrency 16 —
# wall time and peak resident memory of the cloudkeys process. Needs only Go.
# About 20 seconds a run on a 2-core machine.
#
#   bench/fleet.sh              # RUNS=3 runs, medians in BENCHMARKS.md
#   RUNS=1 bench/fleet.sh
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
OUT=${OUT:-bench/results}
mkdir -p "$OUT"
rm -f "$OUT/fleet.txt"
for i in $(seq "$RUNS"); do
  echo "== fleet run $i/$RUNS"
  go run ./bench/fleet -out "$OUT/fleet.run.txt"
  cat "$OUT/fleet.run.txt" >> "$OUT/fleet.txt"
done
rm -f "$OUT/fleet.run.txt"
if [ "${NO_REPORT:-}" = "" ]; then
  go run ./bench/report -in "$OUT" -out BENCHMARKS.md
  echo "wrote BENCHMARKS.md"
fi
