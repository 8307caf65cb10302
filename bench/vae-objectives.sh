#!/usr/bin/env bash
# Test NLL of the VAE's new objectives against the defaults (issue 18): `--objective iwae --k 5` against the ELBO,
# and `--prior vamp` against N(0, I), on binarised Fashion-MNIST (vae28), at equal wall time and at equal steps.
#   bash bench/vae-objectives.sh OUT_DIR [MINUTES] [SEEDS] [IWAE_K] [IWAE_IMAGES] [ELBO_IMAGES]
#   e.g. bash bench/vae-objectives.sh runs/vae-objectives 4 "1 2" 500 50 2000; then
#   node --import tsx bench/vae-objectives.ts OUT_DIR          the table
# Per seed: `elbo`, `iwae5` and `vamp` each train for MINUTES of wall time (equal time); `elbo-at-iwae5` and
# `elbo-at-vamp` train the ELBO default for as many steps as `iwae5` and `vamp` reached (equal steps). Every run is
# scored by `ganvae eval --vae-only` on the same test images and importance samples, and by per-image IWAE estimates
# (bench/pytorch/ganvae-iwae.ts: the first IWAE_IMAGES of the fixed 1000-image subset, the same samples per image in
# every run) for paired differences. Finished steps are skipped, so a stopped script continues; each run's load
# average before and after is kept in OUT_DIR/<run>/load.txt.
set -euo pipefail
usage="usage: vae-objectives.sh OUT_DIR [MINUTES=4] [SEEDS=\"1 2\"] [IWAE_K=500] [IWAE_IMAGES=50] [ELBO_IMAGES=2000]"
out=${1:?$usage} minutes=${2:-4} seeds=${3:-1 2} iwae_k=${4:-500} iwae_images=${5:-50} elbo_images=${6:-2000}
cd "$(dirname "$0")/.."
mkdir -p "$out"

# train NAME SEED FLAGS...: one run into OUT_DIR/NAME-seedSEED unless it has finished.
train() {
  local run="$out/$1-seed$2" seed=$2
  shift 2
  [ -f "$run/model/decoder/model.json" ] && return
  rm -rf "$run"
  local before
  before=$(cut -d' ' -f1-3 /proc/loadavg)
  node bin/ganvae.js train vae --seed "$seed" --out "$run" "$@" 2>&1 | tail -n 1
  echo "load average before: $before; after: $(cut -d' ' -f1-3 /proc/loadavg); nproc $(nproc)" > "$run/load.txt"
}

# steps RUN: the step a finished run stopped at.
steps() { node -e "console.log(JSON.parse(require('fs').readFileSync('$1/checkpoints/latest/state.json', 'utf8')).step)"; }

for seed in $seeds; do
  train elbo "$seed" --max-minutes "$minutes"
  train iwae5 "$seed" --objective iwae --k 5 --max-minutes "$minutes"
  train vamp "$seed" --prior vamp --pseudo-inputs 500 --max-minutes "$minutes"
  train elbo-at-iwae5 "$seed" --max-steps "$(steps "$out/iwae5-seed$seed")"
  train elbo-at-vamp "$seed" --max-steps "$(steps "$out/vamp-seed$seed")"
done
for run in "$out"/*-seed*; do
  [ -f "$run/eval/metrics.json" ] || node bin/ganvae.js eval --run "$run" --vae-only \
    --iwae-k "$iwae_k" --iwae-images "$iwae_images" --elbo-images "$elbo_images" > "$run/eval.log" 2>&1 \
    || echo "vae-objectives.sh: the evaluation of $run failed (see $run/eval.log); run the script again to retry" >&2
done
# Per-image IWAE estimates with the same images and importance samples for every run, for paired differences.
for run in "$out"/*-seed*; do
  [ -f "$run/iwae-per-image.json" ] || node --import tsx bench/pytorch/ganvae-iwae.ts "$run" "$run/iwae-per-image.json" \
    --images "$iwae_images" --k "$iwae_k" > /dev/null 2> "$run/iwae-per-image.log" \
    || echo "vae-objectives.sh: the per-image IWAE of $run failed (see $run/iwae-per-image.log); run the script again to retry" >&2
done
node --import tsx bench/vae-objectives.ts "$out"
