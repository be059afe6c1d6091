#!/usr/bin/env bash
# sanitize_tsan_probe: ThreadSanitizer reports the deliberate race of tsan_probe.cpp and nothing on its
# ordinary parallel_for hand-over (tsan_probe.cpp). The probe writes its reports into its own folder,
# not into the run's sanitizer-logs (where any report fails `make tsan`).
# usage: tsan_probe_test.sh PROBE WORK_DIR
set -uo pipefail
probe=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
line=$(grep -n 'if (race) ++shared' "$here/tsan_probe.cpp" | cut -d: -f1)
rm -rf "$work" && mkdir -p "$work"
fail=0

TSAN_OPTIONS="log_path=$work/quiet:halt_on_error=0" "$probe" quiet >"$work/quiet.out" 2>&1
rc=$?
n=$(cat "$work"/quiet.[0-9]* 2>/dev/null | grep -c 'WARNING: ThreadSanitizer')
if [[ $rc -eq 0 && $n -eq 0 ]]; then
  echo "ok: quiet: no report (the hand-over through oneTBB is seen as synchronised)"
else
  echo "FAIL: quiet: exit $rc, $n report(s); is oneTBB instrumented? (tests/sanitize/README.md)"
  cat "$work"/quiet.[0-9]* 2>/dev/null | head -n 60
  fail=1
fi

TSAN_OPTIONS="log_path=$work/race:halt_on_error=0" "$probe" race >"$work/race.out" 2>&1
rc=$?
reports=("$work"/race.[0-9]*)  # TSan's log files, race.PID
if [[ $rc -eq 66 && -f ${reports[0]} ]] && grep -q 'WARNING: ThreadSanitizer: data race' "${reports[@]}" &&
   grep -q "tsan_probe.cpp:$line " "${reports[@]}"; then
  echo "ok: race: reported (exit 66, a data race at tsan_probe.cpp:$line)"
else
  echo "FAIL: race: exit $rc, the deliberate race at tsan_probe.cpp:$line was not reported"
  cat "$work"/race.out
  fail=1
fi
exit $fail
