#!/usr/bin/env bash
# The scale benchmark: a generated scenario of N courtyards x about 100 households, 52 weeks, output on.
# Prints household-steps per second for each thread count.
#   scripts/scale-benchmark.sh [COURTYARDS (10000)] [THREADS... (all cores)]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}; shift || true
threads=("$@"); [ ${#threads[@]} -gt 0 ] || threads=("$(nproc)")
bin=${COURTYARD_BIN:-build/engine/cli/courtyard}
out=${TMPDIR:-/tmp}/courtyard-scale-$$.h5
trap 'rm -f "$out"' EXIT
old=$((n * 7 / 10)); managed=$((n - old))
echo "scale benchmark: $n courtyards, 52 weeks, output on; $(nproc) cores; commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
for t in "${threads[@]}"; do
  "$bin" run benchmarks/scale.txtpb -o "$out" --force --threads "$t" --progress none \
    --set "courtyard_kinds[0].count=$old" --set "courtyard_kinds[1].count=$managed" |
    grep -E '^(population|run|time|phases)' | sed "s/^/[threads=$t] /"
done
