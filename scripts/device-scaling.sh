#!/usr/bin/env bash
# Thread scaling on a lent many-core machine (issue "Performance", items 1, 3, 5 and 6), in two halves:
#
#   scripts/device-scaling.sh pack
#       here, after `make build`: copies the Release `courtyard`, the shared libraries `ldd` lists (all but
#       libc, libm, libresolv and the loader) and GNU time into .bench/ (ignored by git), with the commit.
#   scripts/device-scaling.sh run [--quick] [THREADS... (1 2 4 8 16)]
#       there (the device tool: carry [".bench"], no package archive, no git): prints the machine, then
#       1. the scale benchmark (benchmarks/scale.txtpb, 1 M households, 52 weeks, every metric every week)
#          at each thread count, as scripts/scale-benchmark.sh does;
#       2. scenarios/city_10k.txtpb (governance, 156 weeks, every 4 weeks) at each thread count;
#       3. scenarios/national_old_compounds.txtpb (about 39 M households) at the largest thread count,
#          with wall time and peak memory (item 5: under 60 s and 16 GB on 16 cores).
#       --quick shrinks every run (about 100 courtyards; national cut to 2,000 compounds) to check the script.
#
# Each line is prefixed with what produced it; the "time" and "phases" lines are the engine's own. Outputs go
# to a temporary folder, removed at the end. BUILD-NOTES.md ("Measuring on the 16-core device machine") says
# why the libraries travel with the binary.
set -euo pipefail
cd "$(dirname "$0")/.."
bench=.bench

pack() {
  local bin=build/engine/cli/courtyard
  [ -x "$bin" ] || { echo "device-scaling: $bin is missing; run 'make build' first" >&2; exit 2; }
  rm -rf "$bench"
  mkdir -p "$bench/lib"
  cp "$bin" "$bench/courtyard"
  ldd "$bin" | awk '$3 ~ /^\// {print $3}' | while read -r lib; do
    case "$(basename "$lib")" in
      libc.so.*|libm.so.*|libresolv.so.*|ld-linux*) ;;
      *) cp -L "$lib" "$bench/lib/" ;;
    esac
  done
  cp /usr/bin/time "$bench/time"
  git rev-parse --short HEAD > "$bench/COMMIT"
  echo "device-scaling: packed $(du -sh "$bench" | cut -f1) into $bench (commit $(cat "$bench/COMMIT"))"
}

run() {
  local quick=0
  if [ "${1:-}" = "--quick" ]; then quick=1; shift; fi
  local threads=("$@")
  [ ${#threads[@]} -gt 0 ] || threads=(1 2 4 8 16)
  [ -x "$bench/courtyard" ] || { echo "device-scaling: $bench/courtyard is missing; run 'pack' here first" >&2; exit 2; }
  export LD_LIBRARY_PATH="$PWD/$bench/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  local bin="$PWD/$bench/courtyard" timer="$PWD/$bench/time"
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

  echo "== machine: $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//');" \
       "$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); commit $(cat "$bench/COMMIT");" \
       "load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC')"

  local n=10000; [ $quick = 1 ] && n=100
  echo "== scale benchmark: $n courtyards, 52 weeks, every metric every week"
  COURTYARD_BIN="$bin" bash scripts/scale-benchmark.sh "$n" "${threads[@]}" | sed 's/^/[scale] /'

  local city=()
  [ $quick = 1 ] && city=(--set 'courtyard_kinds[0].count=60' --set 'courtyard_kinds[1].count=28'
                         --set 'courtyard_kinds[2].count=16')
  echo "== city_10k: governance on, 156 weeks, metrics every 4 weeks"
  for t in "${threads[@]}"; do
    "$bin" run scenarios/city_10k.txtpb -o "$tmp/city.h5" --force --threads "$t" --progress none "${city[@]}" |
      grep -E '^(population|time|phases)' | sed "s/^/[city threads=$t] /"
  done

  local top=${threads[-1]} national=()
  [ $quick = 1 ] && national=(--set 'courtyard_kinds[0].count=900' --set 'courtyard_kinds[1].count=800'
                             --set 'courtyard_kinds[2].count=300')
  echo "== national_old_compounds: $top threads (wall, user CPU, peak resident memory from GNU time)"
  "$timer" -f "[national threads=$top] wall %e s, user %U s, system %S s, peak resident %M KB" \
    "$bin" run scenarios/national_old_compounds.txtpb -o "$tmp/national.h5" --force --threads "$top" \
      --progress none "${national[@]}" 2>&1 |
    grep -E '^(population|time|phases|\[national)' | sed 's/^\([pt]\)/[national] \1/'
}

case "${1:-}" in
  pack) pack ;;
  run) shift; run "$@" ;;
  *) echo "usage: scripts/device-scaling.sh pack | run [--quick] [THREADS...]" >&2; exit 2 ;;
esac
