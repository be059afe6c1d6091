#!/usr/bin/env bash
# Checks tests/sanitize/lsan.supp against Open MPI (`make sanitize`, test sanitize_lsan_mpi): under
# `mpirun -n 3`, lsan_mpi_probe (MPI started and finished as the sweep's MPI runner does it)
#   1. without the suppressions: LeakSanitizer reports Open MPI's own leaks (so there is something to
#      suppress, and this check sees reports at all);
#   2. with them: no report;
#   3. with them and a leak of ours (COURTYARD_PROBE_LEAK=1, 4321 bytes from leak_of_ours() on each rank):
#      every rank reports that leak, and nothing else.
# The ranks write their reports into this check's own folder, not into run-ctest.sh's sanitizer-logs/
# (the leak of case 3 is deliberate), and exit 0 whatever they report (exitcode=0): mpirun would otherwise
# kill the other ranks when the first one fails, cutting their reports short. The options are those of
# run-ctest.sh plus fast_unwind_on_malloc=0, which sweep_mpi also gets (lsan.supp says why).
# usage: lsan_mpi_check.sh MPIRUN PROBE SUPPRESSIONS WORK_DIR
set -uo pipefail
mpirun=$1 probe=$2 supp=$3 work=$4
failures=0
check() {  # check NAME CONDITION-STATUS [DETAIL]
  if [[ $2 -eq 0 ]]; then echo "PASS $1"; else echo "FAIL $1"; [[ -n ${3:-} ]] && echo "  $3"; failures=$((failures + 1)); fi
}

run_probe() {  # run_probe LOGDIR SUPPRESSIONS-OR-EMPTY [LEAK]
  rm -rf "$1" && mkdir -p "$1"
  local lsan="print_suppressions=0"
  [[ -n $2 ]] && lsan="suppressions=$2:$lsan"
  COURTYARD_PROBE_LEAK=${3:-} \
  ASAN_OPTIONS="log_path=$1/asan:halt_on_error=1:detect_leaks=1:exitcode=0:fast_unwind_on_malloc=0" \
  LSAN_OPTIONS=$lsan \
    timeout 120 "$mpirun" --allow-run-as-root --oversubscribe -n 2 "$probe" >"$1.out" 2>&1
  echo $?
}

# 1. Open MPI's leaks are there
rc=$(run_probe "$work/unsuppressed" "")
n=$(find "$work/unsuppressed" -type f | wc -l)
check "without lsan.supp the probe runs (exit $rc)" "$rc"
[[ $n -eq 2 ]] && grep -q 'in ompi_mpi_init' "$work"/unsuppressed/* ; s=$?
check "without lsan.supp each rank reports Open MPI's leaks ($n reports)" $s

# 2. all of them suppressed
rc=$(run_probe "$work/suppressed" "$supp")
n=$(find "$work/suppressed" -type f | wc -l)
check "with lsan.supp the probe runs (exit $rc)" "$rc"
[[ $n -eq 0 ]]; s=$?
check "with lsan.supp there is no report ($n reports)" $s "$(cat "$work"/suppressed/* 2>/dev/null | head -40)"

# 3. a leak of ours still reported, alone
rc=$(run_probe "$work/ours" "$supp" 1)
n=$(find "$work/ours" -type f | wc -l)
check "with a leak of ours the probe runs (exit $rc)" "$rc"
[[ $n -eq 2 ]]; s=$?
check "with a leak of ours every rank reports ($n reports)" $s
bad=0
for f in "$work"/ours/*; do
  [[ -f $f ]] || continue
  leaks=$(grep -c 'leak of' "$f")
  if [[ $leaks -ne 1 ]] || ! grep -q 'Direct leak of 4321 byte(s) in 1 object(s)' "$f" \
     || ! grep -q 'in leak_of_ours .*lsan_mpi_probe.cpp' "$f"; then
    bad=1
    echo "  $f: $leaks leak(s):"; head -30 "$f"
  fi
done
check "each report holds our 4321-byte leak from leak_of_ours and nothing else" $bad

echo "$failures failed"
[[ $failures -eq 0 ]]
