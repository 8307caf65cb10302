#!/usr/bin/env bash
# ganvae's default GAN run next to its PyTorch twin given the same wall-clock budget, for several seeds (issue 5).
# Runs one job at a time so that each has the machine to itself; then scores all of them with `ganvae eval`.
#   bash bench/pytorch/compare-gan.sh OUT_DIR SEED...        e.g. bash bench/pytorch/compare-gan.sh runs/compare-gan 1 2 3
#   /usr/bin/python3 bench/pytorch/compare_gan.py OUT_DIR     the table
# TRAIN_FLAGS adds `ganvae train gan` flags to every ganvae run (the twin follows them through the run's spec), e.g.
#   TRAIN_FLAGS="--loss hinge --lr-d 4e-4" bash bench/pytorch/compare-gan.sh runs/compare-gan-hinge 1 2 3
set -euo pipefail
read -ra train_flags <<< "${TRAIN_FLAGS:-}"
out=${1:?usage: compare-gan.sh OUT_DIR SEED...}
shift
[ $# -gt 0 ] || { echo "compare-gan.sh: give at least one seed" >&2; exit 2; }
cd "$(dirname "$0")/../.."
mkdir -p "$out"
for seed in "$@"; do
  ours="$out/ganvae-seed$seed" theirs="$out/pytorch-seed$seed"
  if [ ! -f "$ours/model/generator/model.json" ]; then
    node bin/ganvae.js train gan --seed "$seed" --out "$ours" "${train_flags[@]}" 2>&1 | tail -n 3
  fi
  node --import tsx bench/pytorch/gan-spec.ts "$ours" > "$out/spec-seed$seed.json"
  if [ ! -f "$theirs/summary.json" ]; then
    # The budget ganvae ran under (its --max-minutes), counted from the first step as ganvae counts it.
    seconds=$(node -e 'const c = require(require("node:path").resolve(process.argv[1])).config; console.log(c.maxMinutes * 60)' "$ours/run.json")
    /usr/bin/python3 bench/pytorch/train_gan.py "$out/spec-seed$seed.json" --seconds "$seconds" --seed "$seed" --log-every 500 --out "$theirs" | tail -c 300
  fi
done
for seed in "$@"; do
  [ -f "$out/ganvae-seed$seed/eval/metrics.json" ] || node bin/ganvae.js eval --run "$out/ganvae-seed$seed" --no-floor > /dev/null
  [ -f "$out/pytorch-seed$seed/eval/metrics.json" ] ||
    node bin/ganvae.js eval --images "$out/pytorch-seed$seed/samples" --data fashion-mnist --no-floor --out "$out/pytorch-seed$seed/eval" > /dev/null
done
