#!/usr/bin/env bash
# Issue 17's bf16 quality check at equal steps: the default GAN (`ganvae train gan`) and the default VAE
# (`ganvae train vae`) trained for the same number of steps in fp32 and with --precision bf16, per seed, one job
# at a time, each scored by `ganvae eval`; then bench/precision-quality.ts prints the tables and the verdicts.
#   bash bench/precision-quality.sh OUT_DIR SEED...      e.g. bash bench/precision-quality.sh runs/precision 1 2 3
# A run whose results exist is skipped, so an interrupted check continues where it stopped. The environment may
# replace GAN_STEPS (default 3000), VAE_STEPS (default 2000), EVAL_FLAGS (more `ganvae eval` flags for the GAN, e.g.
# "-n 1000") and VAE_EVAL_FLAGS (for the VAE, e.g. "--iwae-k 100"), and ONLY ("gan", "vae" or both).
set -euo pipefail
out=${1:?usage: precision-quality.sh OUT_DIR SEED...}
shift
[ $# -gt 0 ] || { echo "precision-quality.sh: give at least one seed" >&2; exit 2; }
read -ra eval_flags <<< "${EVAL_FLAGS:-}"
read -ra vae_eval_flags <<< "${VAE_EVAL_FLAGS:-}"
read -ra families <<< "${ONLY:-gan vae}"
declare -A steps=([gan]=${GAN_STEPS:-3000} [vae]=${VAE_STEPS:-2000})
# The network a finished run exports last, per family.
declare -A exported=([gan]=generator [vae]=decoder)
for family in "${families[@]}"; do
  [ -v "steps[$family]" ] || { echo "precision-quality.sh: ONLY names an unknown family '$family'; known: gan vae" >&2; exit 2; }
done
cd "$(dirname "$0")/.."
node bin/ganvae.js doctor | grep -q '^bf16 *native' ||
  { echo "precision-quality.sh: bf16 is not native on this CPU (ganvae doctor); the check needs avx512_bf16 or AMX" >&2; exit 2; }
mkdir -p "$out"
for seed in "$@"; do
  for family in "${families[@]}"; do
    for precision in fp32 bf16; do
      run="$out/$family-$precision-seed$seed"
      if [ ! -f "$run/model/${exported[$family]}/model.json" ]; then
        echo "precision-quality.sh: $family, $precision, seed $seed, ${steps[$family]} steps" >&2
        node bin/ganvae.js train "$family" --seed "$seed" --precision "$precision" --max-steps "${steps[$family]}" \
          --max-minutes 0 --out "$run" 2>&1 | tail -n 2
      fi
      if [ ! -f "$run/eval/metrics.json" ]; then
        if [ "$family" = gan ]; then
          node bin/ganvae.js eval --run "$run" --no-floor "${eval_flags[@]}" > /dev/null
        else
          node bin/ganvae.js eval --run "$run" --vae-only "${vae_eval_flags[@]}" > /dev/null
        fi
      fi
    done
  done
done
node --import tsx bench/precision-quality.ts "$out"
