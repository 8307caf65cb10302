#!/usr/bin/env bash
# ganvae's default VAE (binarised Fashion-MNIST) next to its PyTorch twin trained for the same number of steps, for
# several seeds (issue 6). Both are scored by ganvae's evaluator: the PyTorch weights are written into a copy of the
# ganvae run (train_vae.py --into-run; the round trip is exact), so the only difference left is the training.
#   bash bench/pytorch/compare-vae.sh OUT_DIR STEPS IWAE_IMAGES SEED...   e.g. runs/compare-vae 2340 100 1 2 3
#   /usr/bin/python3 bench/pytorch/compare_vae.py OUT_DIR                   the table
set -euo pipefail
usage="usage: compare-vae.sh OUT_DIR STEPS IWAE_IMAGES SEED..."
out=${1:?$usage} steps=${2:?$usage} images=${3:?$usage}
shift 3
[ $# -gt 0 ] || { echo "compare-vae.sh: give at least one seed ($usage)" >&2; exit 2; }
cd "$(dirname "$0")/../.."
mkdir -p "$out"
for seed in "$@"; do
  ours="$out/ganvae-seed$seed"
  [ -f "$ours/model/decoder/model.json" ] || node bin/ganvae.js train vae --seed "$seed" --max-steps "$steps" --out "$ours" 2>&1 | tail -n 2
done
[ -f "$out/eval-set/run.json" ] || node --import tsx bench/pytorch/export-vae-eval-set.ts "$out/ganvae-seed$1" "$out/eval-set" > /dev/null
for seed in "$@"; do
  theirs="$out/pytorch-seed$seed"
  if [ ! -f "$theirs/pytorch.json" ]; then
    rm -rf "$theirs" && mkdir -p "$theirs"
    cp -r "$out/ganvae-seed$seed/run.json" "$out/ganvae-seed$seed/model" "$theirs/"
    (cd bench/pytorch && /usr/bin/python3 train_vae.py "../../$out/eval-set" --seed "$seed" --k 0 \
      --into-run "../../$theirs" --out "../../$theirs/pytorch.json") > "$theirs/train.log"
  fi
done
for seed in "$@"; do
  for run in "$out/ganvae-seed$seed" "$out/pytorch-seed$seed"; do
    [ -f "$run/eval/metrics.json" ] || node bin/ganvae.js eval --run "$run" --vae-only --iwae-images 1 > /dev/null
    [ -f "$run/iwae.json" ] || node --import tsx bench/pytorch/ganvae-iwae.ts "$run" "$run/iwae.json" --images "$images" 2>> "$run/iwae.log"
  done
done
