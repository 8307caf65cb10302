#!/usr/bin/env bash
# Issue 14's quality comparison on emoji (64x64 RGB): one job at a time, so that each has the machine to itself, then
# every run scored by `ganvae eval --data emoji` (the emoji extractor) into its own eval/ folder.
#   full  per seed: ganvae --preset lite (its recipe: hinge loss, DiffAugment), ganvae --preset dcgan64, and the
#         PyTorch twin of the lite run (train_gan.py on the same training images, exported by ganvae's loader),
#         30 minutes each: OUT_DIR/{lite,dcgan64,lite-pytorch}-seedS
#   few   per seed: a seeded subset of 100 emoji (the same images for every seed), lite with and without DiffAugment
#         (--augment none), 20 minutes each: OUT_DIR/{lite-diffaug,lite-noaug}-seedS
#   bash bench/pytorch/compare-lite.sh full runs/compare-lite 1 2 3
#   bash bench/pytorch/compare-lite.sh few runs/compare-lite-100 1 2 3
#   /usr/bin/python3 bench/pytorch/compare_gan.py OUT_DIR       the table
# A job whose results exist is skipped, so an interrupted comparison continues where it stopped. For quick checks of
# the script, the environment may replace: MINUTES (budget per job), DATA (source; default emoji), SAMPLES (images
# scored per run; default 10000), EVAL_FLAGS (more `ganvae eval` flags, e.g. "--extractor DIR"), TRAIN_FLAGS (more
# `ganvae train gan` flags), SUBSET_SEED (which 100 images; default 1).
set -euo pipefail
usage="usage: compare-lite.sh full|few OUT_DIR SEED..."
mode=${1:?$usage}
out=${2:?$usage}
shift 2
[ $# -gt 0 ] || { echo "compare-lite.sh: give at least one seed; $usage" >&2; exit 2; }
case "$mode" in
  full) minutes=${MINUTES:-30} ;;
  few) minutes=${MINUTES:-20} ;;
  *) echo "compare-lite.sh: the mode is full or few, got '$mode'; $usage" >&2; exit 2 ;;
esac
data=${DATA:-emoji}
samples=${SAMPLES:-10000}
read -ra eval_flags <<< "${EVAL_FLAGS:-}"
read -ra train_flags <<< "${TRAIN_FLAGS:-}"
cd "$(dirname "$0")/../.."
mkdir -p "$out"

# train RUN_DIR FLAGS...: a ganvae GAN run for the budget (the epoch count never ends it first); skipped once exported.
train() {
  local run=$1
  shift
  [ -f "$run/model/generator/model.json" ] && return
  node bin/ganvae.js train gan --max-minutes "$minutes" --epochs 1000000 --out "$run" "$@" "${train_flags[@]}" 2>&1 | tail -n 2
}

# twin RUN_DIR TWIN_DIR SEED: the PyTorch twin of a ganvae run, on its training images, for the budget it ran under.
twin() {
  local run=$1 theirs=$2 seed=$3
  [ -f "$theirs/summary.json" ] && return
  node --import tsx bench/pytorch/gan-spec.ts "$run" > "$theirs.spec.json"
  node --import tsx bench/pytorch/export-dataset.ts --run "$run" --npy "$theirs.train.npy"
  local seconds
  seconds=$(node -e 'console.log(require(require("node:path").resolve(process.argv[1])).config.maxMinutes * 60)' "$run/run.json")
  /usr/bin/python3 bench/pytorch/train_gan.py "$theirs.spec.json" --data "$theirs.train.npy" --seconds "$seconds" --seed "$seed" \
    --samples "$samples" --log-every 500 --out "$theirs" | tail -c 300
  echo
  rm "$theirs.train.npy"
}

# score FOLDER: `ganvae eval` of a run folder, or of a twin's samples/, against $data's test split into FOLDER/eval.
score() {
  local folder=$1
  [ -f "$folder/eval/metrics.json" ] && return
  if [ -f "$folder/run.json" ]; then
    node bin/ganvae.js eval --run "$folder" --data "$data" --n "$samples" --no-floor "${eval_flags[@]}" --out "$folder/eval" > /dev/null
  else
    node bin/ganvae.js eval --images "$folder/samples" --data "$data" --n "$samples" --no-floor "${eval_flags[@]}" --out "$folder/eval" > /dev/null
  fi
}

runs=()
for seed in "$@"; do
  if [ "$mode" = full ]; then
    train "$out/lite-seed$seed" --data "$data" --preset lite --seed "$seed"
    train "$out/dcgan64-seed$seed" --data "$data" --preset dcgan64 --seed "$seed"
    twin "$out/lite-seed$seed" "$out/lite-pytorch-seed$seed" "$seed"
    runs+=("$out/lite-seed$seed" "$out/dcgan64-seed$seed" "$out/lite-pytorch-seed$seed")
  else
    # 111 images, of which the folder source holds out floor(10%) = 11 as its test split: 100 to train on.
    subset="$out/images-subset${SUBSET_SEED:-1}"
    if [ ! -d "$subset" ]; then
      rm -rf "$subset.partial"
      node --import tsx bench/pytorch/export-dataset.ts --data "$data" --subset 111 --seed "${SUBSET_SEED:-1}" --png-dir "$subset.partial"
      mv "$subset.partial" "$subset"
    fi
    train "$out/lite-diffaug-seed$seed" --data "folder:$subset" --preset lite --augment diffaug --seed "$seed"
    train "$out/lite-noaug-seed$seed" --data "folder:$subset" --preset lite --augment none --seed "$seed"
    runs+=("$out/lite-diffaug-seed$seed" "$out/lite-noaug-seed$seed")
  fi
done
for run in "${runs[@]}"; do
  score "$run"
done
echo "compare-lite.sh: scored ${#runs[@]} runs in $out; the table: /usr/bin/python3 bench/pytorch/compare_gan.py $out"
