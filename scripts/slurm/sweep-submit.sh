#!/bin/bash
# Submits a courtyard sweep as Slurm job arrays of at most MaxArraySize tasks each, then `sweep collect`
# after all of them. Run it on the login node (it calls sbatch; it runs no simulation itself).
#
#   scripts/slurm/sweep-submit.sh SWEEP.txtpb OUT_DIR [options] [-- extra sbatch options]
#
#   --runs-per-task K   runs in each array task (default 1)
#   --max-array-size M  the cluster's MaxArraySize (default: from `scontrol show config`, else 1001);
#                       each array has task ids 0 .. M-1 and its TASK_OFFSET says where its chunk starts
#   --only ids          submit only tasks holding these runs' ids: failed, missing or not-done (default:
#                       every run of the sweep; `courtyard sweep status OUT_DIR --ids ...` lists them)
#   --parallel P        at most P tasks of each array at once (%P)
#   --dry-run           print the sbatch commands instead of running them
#
# With --only, the runs to do are written to OUT_DIR/resubmit-<time>.txt and the tasks are blocks of that
# list (RUN_LIST). The arrays use scripts/slurm/sweep.sbatch beside this script; COURTYARD names the
# binary (default build/engine/cli/courtyard), SBATCH the submit command (default sbatch).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
courtyard=${COURTYARD:-build/engine/cli/courtyard}
sbatch_cmd=${SBATCH:-sbatch}
usage="usage: sweep-submit.sh SWEEP.txtpb OUT_DIR [--runs-per-task K] [--max-array-size M] [--only failed|missing|not-done] [--parallel P] [--dry-run] [-- sbatch options]"
[ $# -ge 2 ] || { echo "$usage" >&2; exit 64; }
sweep=$1 out=$2
shift 2
per_task=1 max_array="" only="" parallel="" dry=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs-per-task) per_task=$2; shift 2 ;;
    --max-array-size) max_array=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --parallel) parallel=$2; shift 2 ;;
    --dry-run) dry=1; shift ;;
    --) shift; break ;;
    *) echo "$usage" >&2; exit 64 ;;
  esac
done
if [ -z "$max_array" ]; then
  max_array=$(scontrol show config 2>/dev/null | awk -F= '/^MaxArraySize/ {gsub(/ /, "", $2); print $2}')
  max_array=${max_array:-1001}
fi
case "$per_task$max_array" in *[!0-9]*) echo "sweep-submit.sh: --runs-per-task and --max-array-size take whole numbers" >&2; exit 64 ;; esac
[ "$per_task" -ge 1 ] && [ "$max_array" -ge 1 ] || { echo "sweep-submit.sh: both must be at least 1" >&2; exit 64; }

# the runs: the whole design, or those not done yet
export_list=""
if [ -n "$only" ]; then
  ids=$("$courtyard" sweep status "$out" --ids "$only" || true)
  [ -n "$ids" ] || { echo "sweep-submit.sh: no $only runs in $out"; exit 0; }
  list="$out/resubmit-$(date -u +%Y%m%dT%H%M%S).txt"
  echo "$ids" | tr ',' '\n' > "$list"
  runs=$(wc -l < "$list")
  export_list=",RUN_LIST=$(cd "$(dirname "$list")" && pwd)/$(basename "$list")"
else
  runs=$(( $("$courtyard" sweep expand "$sweep" | wc -l) - 1 ))
fi
tasks=$(( (runs + per_task - 1) / per_task ))
echo "sweep-submit.sh: $runs runs, $per_task a task: $tasks tasks in arrays of at most $max_array"

submit() {
  if [ "$dry" = 1 ]; then
    echo "$sbatch_cmd $*" >&2
    echo "JOB-$offset"
  else
    "$sbatch_cmd" --parsable "$@"
  fi
}
deps=""
offset=0
while [ "$offset" -lt "$tasks" ]; do
  n=$(( tasks - offset < max_array ? tasks - offset : max_array ))
  array="0-$((n - 1))${parallel:+%$parallel}"
  job=$(submit --array="$array" --export="ALL,TASK_OFFSET=$offset$export_list" "$@" "$here/sweep.sbatch" "$sweep" "$out" "$per_task" | tail -n 1)
  deps="$deps:${job%%;*}"
  offset=$((offset + n))
done
submit --dependency="afterany$deps" --job-name=courtyard-collect "$@" --wrap "$courtyard sweep collect $out" > /dev/null
echo "sweep-submit.sh: submitted; collect runs after jobs ${deps#:}"
