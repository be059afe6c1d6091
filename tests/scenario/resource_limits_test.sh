#!/usr/bin/env bash
# Refusals that must happen without allocating or recursing (docs/scenario-format.md, "Limits" and
# "Resource limits"): each command runs with its address space held to 400 MB and its stack to 1 MB, so a
# refusal that first allocated the run (gigabytes) or recursed per nesting level would crash (exit 134 or
# 139) instead of exiting 65. No timing is measured.
#
# usage: resource_limits_test.sh COURTYARD_EXE SOURCE_DIR
set -u
exe=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

# expect CODE NEEDLE -- ARGS...: runs `courtyard ARGS` under the limits
expect() {
  local code=$1 needle=$2
  shift 3
  local err
  # under ASan or TSan (make sanitize / make tsan) the shadow memory needs terabytes of address space:
  # only the stack is held there, the memory bound is this test's in `make test`
  local vmem="ulimit -v ${VMEM_KB:-400000};"
  [[ -n ${COURTYARD_SANITIZED:-} ]] && vmem=""
  err=$( (eval "$vmem"; ulimit -s 1024; MALLOC_ARENA_MAX=2 "$exe" "$@" 2>&1 >/dev/null) )
  local rc=$?
  if [[ $rc -ne $code ]]; then
    echo "FAIL courtyard $*: exit $rc, expected $code: ${err:0:400}"
    failed=1
  elif [[ -n $needle && $err != *"$needle"* ]]; then
    echo "FAIL courtyard $*: stderr lacks '$needle': ${err:0:400}"
    failed=1
  else
    echo "ok   courtyard ${*:1:2}"
  fi
}

inv=$src/tests/scenario/invalid
python3 -c "print('z{'*16000+'}'*16000)" > "$tmp/d.txtpb"
python3 -c "print('['*16000+']'*16000)" > "$tmp/d.json"
python3 -c "print('x'*1000000)" > "$tmp/l.txtpb"
expect 65 "nested more than 64 levels" -- validate "$tmp/d.txtpb"
expect 65 "nested more than 64 levels" -- validate "$tmp/d.json"
expect 65 "more than the limit of 64 KiB" -- validate "$tmp/l.txtpb"
expect 65 "households, more than the limit" -- validate "$inv/37_too_many_households.txtpb"
expect 65 "households, more than the limit" -- run "$inv/37_too_many_households.txtpb" -o "$tmp/out.h5"
expect 65 "more than the limit of 1024 MiB" -- run "$inv/38_block_buffer_too_large.txtpb" -o "$tmp/out.h5"
expect 65 "must be in (0, 10000]" -- run "$inv/39_package_months.txtpb" -o "$tmp/out.h5"
expect 65 "more than 10000000 runs" -- sweep expand "$src/tests/sweep/invalid/30_run_count_overflow.txtpb"
expect 65 "nested more than 64 levels" -- sweep expand "$src/tests/sweep/invalid/27_nesting_too_deep.txtpb"
# --threads far past the hardware: lowered, with a note; the run completes in 4 GB (it grew to 16.8 GB;
# the room is for a worker stack per hardware thread on a large machine)
VMEM_KB=4000000 expect 0 "hardware threads here; using" -- run "$src/tests/scenario/valid/minimal.txtpb" --threads 2147483647 \
  -o "$tmp/threads.h5" --quiet --progress none
exit $failed
