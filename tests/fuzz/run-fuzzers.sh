#!/usr/bin/env bash
# Runs each libFuzzer target for SECONDS, one after the other (`make fuzz FUZZ_SECONDS=N`).
# The working corpus grows in BUILD/fuzz-corpus/NAME (kept between runs), crashers land in
# BUILD/fuzz-artifacts/NAME/, the log of each run in BUILD/fuzz-logs/NAME.log. Seeds: the saved corpus
# tests/fuzz/corpus/NAME and the scenario or sweep files of the repository; the dictionary is
# generated from the schema (make-dict.py). Exit 1 if any target found a crash, leak, timeout or OOM.
#
# usage: run-fuzzers.sh BUILD_DIR SECONDS [TARGET...]     (TARGET: scenario_text scenario_json override sweep)
set -uo pipefail
build=$(cd "$1" && pwd)
seconds=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=(scenario_text scenario_json override sweep)

python3 "$here/make-dict.py" "$src/proto" > "$build/fuzz.dict"

seeds() {
  case $1 in
    scenario_text) echo "$src/scenarios" "$src/tests/scenario/valid" ;;
    sweep) echo "$src/scenarios/sweeps" ;;
  esac
}

failed=0
for t in "${targets[@]}"; do
  exe=$build/tests/fuzz/${t}_fuzz
  corpus=$build/fuzz-corpus/$t
  artifacts=$build/fuzz-artifacts/$t
  mkdir -p "$corpus" "$artifacts" "$build/fuzz-logs"
  log=$build/fuzz-logs/$t.log
  echo "== $t: $seconds s"
  # -rss_limit_mb: the input limits (64 MiB files) and resource limits keep a load far below this
  # -timeout: one input loading for more than 10 s is a finding (a hang)
  # shellcheck disable=SC2046
  "$exe" -max_total_time="$seconds" -dict="$build/fuzz.dict" -artifact_prefix="$artifacts/" \
    -max_len=65536 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    "$corpus" "$here/corpus/$t" $(seeds "$t") > "$log" 2>&1
  rc=$?
  grep -E "^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|^#[0-9]+.*DONE" "$log" | sed "s/^/   /"
  if [[ $rc -ne 0 ]]; then
    echo "   FOUND (exit $rc): $(ls "$artifacts")"
    grep -m3 -E "ERROR|SUMMARY|terminate|deadly" "$log" | sed "s/^/   /"
    failed=1
  fi
done
exit $failed
