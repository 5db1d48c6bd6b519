#!/usr/bin/env bash
# Runs `aftsweep bench step|features|scheduler` and regenerates docs/benchmarks.md from their --json output, with the
# command, commit, machine and load average of every measurement. Run it on a quiet machine: the numbers are only as
# good as the machine is idle (the load average is recorded next to each one so a reader can judge).
#
#   experiments/bench.sh             # everything (about 15-20 minutes on 2 idle cores)
#   experiments/bench.sh --quick     # a few steps and trials of each: checks the script, numbers mean little (CI)
#
# Options: --work DIR (raw JSON, default .aftsweep/bench[-quick]), --doc FILE (default docs/benchmarks.md, or
# <work>/benchmarks.md with --quick), --kinds LIST (e.g. scheduler: run only these benchmarks and keep the other
# sections of the existing doc). The scheduler runs on SQLite and on PostgreSQL: $AFTSWEEP_POSTGRES if set (a
# database the benchmark may create a schema in), else a throwaway server (scripts/postgres-local.sh) in <work>/postgres.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
quick=0; work=""; doc=""; kinds="step features scheduler"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --work) work="$2"; shift ;;
    --doc) doc="$2"; shift ;;
    --kinds) kinds="${2//,/ }"; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "experiments/bench.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
suffix=""; [ "$quick" = 1 ] && suffix="-quick"
work="${work:-$root/.aftsweep/bench$suffix}"
rm -rf "$work/json" "$work/store" "$work/cache" "$work/postgres"; mkdir -p "$work/json"
work="$(cd "$work" && pwd)"
if [ -z "$doc" ]; then
  if [ "$quick" = 1 ]; then doc="$work/benchmarks.md"; else doc="$root/docs/benchmarks.md"; fi
fi

source "$root/experiments/lib.sh"
resolve_aftsweep "$root" "$work/build.log"
record_build "$root" "$work"

index="$work/index.tsv"
printf 'kind\tname\tcommand\tload\tseconds\texit\n' >"$index"
# bench KIND NAME ARGS...: runs `aftsweep bench KIND ARGS --json` into json/NAME.json and indexes it.
bench() {
  local kind="$1" name="$2"; shift 2
  local load; load="$(cut -d' ' -f1 /proc/loadavg)"
  echo "== bench $kind $* (load $load)"
  local t0; t0=$(date +%s)
  set +e
  (cd "$work" && $aftsweep bench "$kind" "$@" --json >"$work/json/$name.json" 2>"$work/json/$name.err")
  local code=$?
  set -e
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$name" "aftsweep bench $kind $*" "$load" "$(( $(date +%s) - t0 ))" "$code" >>"$index"
  [ "$code" = 0 ] || { echo "   exit $code:"; tail -n 5 "$work/json/$name.err"; }
}

wants() { [[ " $kinds " == *" $1 "* ]]; }

if [ "$quick" = 1 ]; then
  step_steps=2; text_steps=1; rows=4096; repeat=1; teacher_rows=16; teacher_repeat=1; trials=(100); silos=(1 2); fsync_trials=100; locality_trials=40
else
  step_steps=20; text_steps=10; rows=65536; repeat=5; teacher_rows=256; teacher_repeat=3; trials=(2000 8000); silos=(1 2 4); fsync_trials=8000; locality_trials=1000
fi

if wants step; then
bench step step-cnn-small --model cnn-small --batch 128 --methods stl,aft,kd,rkd --steps "$step_steps" --threads 1
bench step step-mlp --model mlp --batch 128 --methods stl,aft,kd,rkd,btuning,ft,kernel-kd,aft-rbf --steps $((step_steps * 2)) --threads 1
bench step step-text-transformer --model text-transformer --batch 64 --methods stl,aft,kd --steps "$text_steps" --threads 1
bench step step-cnn-small-2threads --model cnn-small --batch 128 --methods stl,aft --steps "$step_steps" --threads 2
# The pre-trained students the experiments fine-tune, at the batches they use (teacher width: MiniLM+Arctic 768, ResNet-18 512).
bench step step-bert-2-layers --model bert --init onnx:minilm --layers 0,3 --seq-len 64 --batch 32 --teacher-dim 768 --methods stl,aft,kd --steps "$text_steps" --threads 1
bench step step-bert-6-layers --model bert --init onnx:minilm --seq-len 64 --batch 32 --teacher-dim 768 --methods stl,aft,kd --steps "$text_steps" --threads 1
bench step step-resnet18-32px --model resnet18 --init onnx:resnet18-imagenet --image-size 32 --batch 128 --methods stl,aft,kd --steps "$step_steps" --threads 1
bench step step-resnet18-64px --model resnet18 --init onnx:resnet18-imagenet --image-size 64 --batch 64 --methods stl,aft,kd --steps "$text_steps" --threads 1
bench step step-dan --model dan --init onnx:minilm --seq-len 64 --batch 64 --teacher-dim 768 --methods stl,aft,kd --steps $((step_steps * 15)) --threads 1

fi

if wants features; then
bench features features-store --rows "$rows" --dim 512 --repeat "$repeat" --store "$work/store" --cache "$work/cache"
bench features features-cifar10 --rows 1024 --dim 512 --repeat 1 --store "$work/store" --cache "$work/cache" \
  --grid "$root/experiments/image-cifar10.json" --teacher-rows "$teacher_rows" --teacher-repeat "$teacher_repeat"
bench features features-sst2 --rows 1024 --dim 512 --repeat 1 --store "$work/store" --cache "$work/cache" \
  --grid "$root/experiments/text-sst2.json" --teacher-rows "$((teacher_rows * 4))" --teacher-repeat "$teacher_repeat"

fi

if wants scheduler; then
  if [ -z "${AFTSWEEP_POSTGRES:-}" ]; then
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    eval "$("$root/scripts/postgres-local.sh" start "$work/postgres" "$port")"
    trap '"$root/scripts/postgres-local.sh" stop "$work/postgres" || true' EXIT
  fi
  export AFTSWEEP_POSTGRES
  for state in sqlite postgres; do
    for k in "${silos[@]}"; do
      for n in "${trials[@]}"; do
        bench scheduler "scheduler-$state-$k-$n" --trials "$n" --silos "$k" --state "$state"
      done
    done
  done
  # Power-loss durability: SQLite fsyncs every commit batch (PostgreSQL's default already flushes every commit).
  bench scheduler "scheduler-sqlite-fsync-2-$fsync_trials" --trials "$fsync_trials" --silos 2 --state sqlite --fsync
  # Placement by feature locality: 16 sets of 2 MB, each silo's cache 60% of them; FIFO, then by locality.
  bench scheduler "scheduler-locality-2-$locality_trials" --locality --trials "$locality_trials" --silos 2
fi

keep=()
[ "$kinds" = "step features scheduler" ] || [ "$quick" = 1 ] || keep=(--keep-from "$doc")
python3 "$root/experiments/bench_report.py" --work "$work" --doc "$doc" $([ "$quick" = 1 ] && echo --quick) "${keep[@]}"
echo "== wrote $doc"
if grep -qv $'\t0$' <(tail -n +2 "$index"); then echo "some benchmarks failed (see $index)" >&2; exit 1; fi
