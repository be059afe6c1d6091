#!/usr/bin/env bash
# Runs ctest in a sanitizer build and fails on any sanitizer report, even one from a command whose exit
# code a test does not look at (a report is written to BUILD/sanitizer-logs/, not to the test's stderr).
# usage: run-ctest.sh asan|tsan BUILD_DIR [CTEST ARGS...]     (from `make sanitize` / `make tsan`)
set -uo pipefail
kind=$1 build=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$build" && pwd)
logs=$build/sanitizer-logs
rm -rf "$logs" && mkdir -p "$logs"

case $kind in
  asan)
    # halt_on_error: the first report ends the process; detect_leaks: LeakSanitizer at exit.
    export ASAN_OPTIONS="log_path=$logs/asan:halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1:strict_init_order=1"
    export UBSAN_OPTIONS="log_path=$logs/ubsan:print_stacktrace=1:halt_on_error=1:suppressions=$here/ubsan.supp"
    export LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0"
    ;;
  tsan)
    export TSAN_OPTIONS="log_path=$logs/tsan:halt_on_error=0:second_deadlock_stack=1:suppressions=$here/tsan.supp:print_suppressions=0"
    ;;
  *) echo "usage: run-ctest.sh asan|tsan BUILD_DIR [CTEST ARGS...]" >&2; exit 64 ;;
esac
export COURTYARD_SANITIZED=$kind   # tests that hold the address space with ulimit -v skip that part

(cd "$build" && ctest --output-on-failure --timeout 1800 "$@")
rc=$?

reports=$(find "$logs" -type f | sort)
if [[ -n $reports ]]; then
  echo "== $kind: $(echo "$reports" | wc -l) sanitizer report(s) in $logs:"
  for f in $reports; do
    echo "---- $f"
    head -c 6000 "$f"
  done
  exit 1
fi
echo "== $kind: no sanitizer reports (ctest exit $rc)"
exit $rc
