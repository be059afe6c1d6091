#!/usr/bin/env bash
# Runs one scenario on 1, 2 and 8 threads and compares every dataset of the three result files.
# usage: COURTYARD=... PYTHON=... thread_invariance.sh SCENARIO WORKDIR [RUN OPTIONS...]
set -euo pipefail
scenario=$1 work=$2
shift 2
rm -rf "$work" && mkdir -p "$work"
for t in 1 2 8; do
  "$COURTYARD" run "$scenario" --steps 52 --threads "$t" -o "$work/t$t.h5" --progress none --quiet "$@"
done
"$PYTHON" "$(dirname "$0")/compare_runs.py" "$work/t1.h5" "$work/t2.h5" "$work/t8.h5"
