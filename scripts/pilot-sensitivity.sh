#!/usr/bin/env bash
# Sobol' sensitivity of fee collection at month 24 (week 104) in the pilot and in its baseline:
# expands, runs and collects scenarios/sweeps/pilot_sobol.txtpb and baseline_sobol.txtpb (12 behaviour
# parameters, Saltelli N = 1024, 4 seeds per point, 57344 runs each) and runs analysis/sobol_indices.py
# on both. Ends with two markdown tables, also written to OUTDIR/{pilot,baseline}_sobol.md (and .csv).
#
#   scripts/pilot-sensitivity.sh [--resume] [OUTDIR (build/pilot-sensitivity)]
#
# OUTDIR/pilot and OUTDIR/baseline are the sweep folders (docs/sweeps.md), about 0.7 GB each. They are
# started afresh each time: a sweep skips the runs a folder already holds, and its identity covers the
# design and the base scenario but not the engine's code, so a rerun after a model change would reuse
# the old runs. --resume keeps them (to finish an interrupted run of this script with the same binary).
# Environment: COURTYARD_BIN (default build/engine/cli/courtyard, else build-sobol/engine/cli/courtyard),
# THREADS (default all cores), PYTHON (default /usr/bin/python3), BOOTSTRAP (default 1000).
set -euo pipefail
cd "$(dirname "$0")/.."
resume=0
if [ "${1:-}" = "--resume" ]; then resume=1; shift; fi
out=${1:-build/pilot-sensitivity}
bin=${COURTYARD_BIN:-}
if [ -z "$bin" ]; then
  for b in build/engine/cli/courtyard build-sobol/engine/cli/courtyard; do
    if [ -x "$b" ]; then bin=$b; break; fi
  done
fi
[ -n "$bin" ] && [ -x "$bin" ] || { echo "pilot-sensitivity: no courtyard binary (set COURTYARD_BIN or build one)" >&2; exit 2; }
threads=${THREADS:-$(nproc)}
py=${PYTHON:-/usr/bin/python3}
boot=${BOOTSTRAP:-1000}
mkdir -p "$out"
start=$(date +%s)
echo "pilot-sensitivity: $("$bin" --version | head -1); commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- engine proto 2>/dev/null || echo ' (engine/ or proto/ modified)'); $threads threads; into $out"

for which in pilot baseline; do
  sweep=scenarios/sweeps/${which}_sobol.txtpb
  dir=$out/$which
  if [ -e "$dir" ] && [ $resume = 0 ]; then
    if [ -f "$dir/manifest.txt" ]; then
      rm -rf "$dir"
    else
      echo "pilot-sensitivity: $dir exists and is not a sweep folder; choose another OUTDIR" >&2; exit 2
    fi
  fi
  t0=$(date +%s)
  "$bin" sweep expand "$sweep" -o "$out/${which}_design.csv"
  rc=0
  "$bin" sweep run "$sweep" --out "$dir" --threads "$threads" --quiet || rc=$?
  # 1: some runs failed (recorded in $dir/failed/); the analysis leaves their base rows out and says so
  if [ $rc = 1 ]; then
    echo "pilot-sensitivity: WARNING: some $which runs failed; see $bin sweep status $dir --list" >&2
  elif [ $rc != 0 ]; then
    echo "pilot-sensitivity: $which sweep stopped (exit $rc)" >&2; exit $rc
  fi
  "$bin" sweep collect "$dir"
  echo "pilot-sensitivity: $which sweep took $(( $(date +%s) - t0 )) s"
  "$py" analysis/sobol_indices.py "$dir" --summary collection_w104 --bootstrap "$boot" \
    --csv "$out/${which}_sobol.csv" --markdown "$out/${which}_sobol.md" \
    --title "Sobol' indices of collection at week 104, $which ($sweep)"
done

echo
echo "pilot-sensitivity: done in $(( $(date +%s) - start )) s"
echo
cat "$out/pilot_sobol.md"
echo
cat "$out/baseline_sobol.md"
