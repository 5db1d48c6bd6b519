#!/usr/bin/env bash
# Runs the paper-reproduction grids in experiments/ through `aftsweep run` and regenerates docs/results.md and
# docs/results.json from the tool's own outputs (results tables, paired comparisons and figures), with the command,
# commit, machine and wall time of each run.
#
#   experiments/run.sh                 # the full CPU-scale reproduction (about 1-2 hours on 2 cores)
#   experiments/run.sh --mini          # the same grids shrunk (2 seeds, 4 steps, 48 rows): a smoke test, what CI runs
#   experiments/run.sh --only text-sst2,image-cifar10
#
# Options: --work DIR (state, outputs, logs; default .aftsweep/experiments[-mini]), --doc FILE (default
# docs/results.md for full runs, <work>/results.md for --mini), --slots N (default 2), --retry-failed (re-queue trials
# that failed in an earlier run, e.g. of a full disk, before waiting). Re-running resumes: finished
# trials are kept in <work>/state and never re-run; grids share that state, so a trial two grids have in common (the
# same method, lambda, teachers, seed and data) runs once.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mini=0; only=""; slots=2; work=""; doc=""; retry=""
while [ $# -gt 0 ]; do
  case "$1" in
    --mini) mini=1 ;;
    --retry-failed) retry="--retry-failed" ;;
    --only) only="$2"; shift ;;
    --slots) slots="$2"; shift ;;
    --work) work="$2"; shift ;;
    --doc) doc="$2"; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "experiments/run.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

# Grids share the trials they have in common (baselines-sst2 and the main grid's stl/linear-probe/kd/aft on the combined
# teachers, robustness and image-cifar10's clean cells): each runs once. The main claims' grids come first, so an
# interrupted run has reported the most claims.
grids=(text-sst2 image-cifar10 baselines-sst2 ablation-sst2 text-mrpc
       regime-sst2-dan-250 regime-sst2-dan-1000 regime-sst2-dan-4000 regime-sst2-bert-250 regime-sst2-bert-1000
       robustness-cifar10-noise)
if [ -n "$only" ]; then IFS=',' read -r -a grids <<<"$only"; fi
for name in "${grids[@]}"; do
  [ -f "$root/experiments/$name.json" ] || { echo "experiments/run.sh: no grid experiments/$name.json" >&2; exit 2; }
done

suffix=""; [ "$mini" = 1 ] && suffix="-mini"
work="${work:-$root/.aftsweep/experiments$suffix}"
mkdir -p "$work/grids" "$work/out" "$work/logs"
work="$(cd "$work" && pwd)"
if [ -z "$doc" ]; then
  if [ "$mini" = 1 ]; then doc="$work/results.md"; else doc="$root/docs/results.md"; fi
fi

source "$root/experiments/lib.sh"
resolve_aftsweep "$root" "$work/logs/build.log"
record_build "$root" "$work"

# Grids name their data relative to experiments/; the copies we run live elsewhere, so make those paths absolute.
# --mini keeps every method and combo but two seeds (the fewest that give a paired interval), one lambda, 4 steps and
# 48 rows per split.
for name in "${grids[@]}"; do
  filter='def abs: if startswith("/") then . else $base + "/" + . end;
          .dataset.train |= (if type == "array" then map(abs) else abs end)
          | .dataset.test |= (if type == "array" then map(abs) else abs end)
          | del(."$schema")'
  if [ "$mini" = 1 ]; then
    filter="$filter"' | .seeds = [0, 1] | .selection.seeds = [0] | .training.steps = 4 | .training.batchSize = 16
          | .dataset.limit = {"train": 48, "test": 48}
          | .methods |= map_values(if has("lambdas") then .lambdas |= .[:1] else . end)'
  fi
  jq --arg base "$root/experiments" "$filter" "$root/experiments/$name.json" >"$work/grids/$name.json"
done

# One row per grid and invocation, kept across invocations: the report sums a grid's wall time over the runs that
# resumed it and takes the last exit code.
runs="$work/runs.tsv"
[ -f "$runs" ] || printf 'name\tcommand\tseconds\texit\tstarted\n' >"$runs"
failed=0
for name in "${grids[@]}"; do
  echo "== $name"
  command="aftsweep run experiments/$name.json --state <work>/state --out <work>/out/$name --slots $slots"
  [ "$mini" = 1 ] && command="$command   (--mini copy of the grid)"
  started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"; t0=$(date +%s)
  set +e
  $aftsweep run "$work/grids/$name.json" --state "$work/state" --out "$work/out/$name" --slots "$slots" $retry \
    2> >(tee "$work/logs/$name.err" >&2) | tee "$work/logs/$name.out" | grep -v '^\s*$' | tail -n 3
  code=${PIPESTATUS[0]}
  set -e
  seconds=$(( $(date +%s) - t0 ))
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$command" "$seconds" "$code" "$started" >>"$runs"
  echo "   exit $code after ${seconds}s"
  # 1 = the sweep finished with failed trials: still reported (the tables flag it); 2 or 130 = nothing to report.
  if [ "$code" != 0 ] && [ "$code" != 1 ]; then failed=1; fi
done

python3 "$root/experiments/report.py" --work "$work" --doc "$doc" --root "$root" --grids "$(IFS=,; echo "${grids[*]}")" $([ "$mini" = 1 ] && echo --mini)
echo "== wrote $doc and ${doc%.md}.json"
exit $failed
