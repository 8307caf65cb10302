#!/usr/bin/env bash
# Issue 14's screen of the small-data techniques on the grey default (`ganvae train gan`: dcgan, Fashion-MNIST,
# 9 minutes): one ganvae run per combination and seed, one job at a time, each scored by `ganvae eval`, so that the
# combination that helps most at this budget can then be rerun against the PyTorch twin with compare-gan.sh.
#   bash bench/screen-gan.sh OUT_DIR SEED...              e.g. bash bench/screen-gan.sh runs/screen-gan 1
#   /usr/bin/python3 bench/pytorch/compare_gan.py OUT_DIR  the table (one row per combination and seed)
# A run whose results exist is skipped, so an interrupted screen continues where it stopped. The environment may
# replace MINUTES (budget per run; default 9), ONLY (a space-separated list of the combinations to run) and
# EVAL_FLAGS (more `ganvae eval` flags, e.g. "--samples 1000" for a quick check of the script).
set -euo pipefail
out=${1:?usage: screen-gan.sh OUT_DIR SEED...}
shift
[ $# -gt 0 ] || { echo "screen-gan.sh: give at least one seed" >&2; exit 2; }
minutes=${MINUTES:-9}
read -ra eval_flags <<< "${EVAL_FLAGS:-}"
# Combination name and its `ganvae train gan` flags, each on the plain DCGAN recipe (`--r1 0`: the default until the
# screen made lazy R1 with γ 0.1 dcgan's own); `plain` is the reference the others must beat.
declare -A flags=(
  [plain]="--r1 0"
  [hinge]="--r1 0 --loss hinge"
  [sn]="--r1 0 --spectral-norm d"
  [hinge-sn]="--r1 0 --loss hinge --spectral-norm d"
  [ttur]="--r1 0 --lr-d 4e-4"
  [diffaug]="--r1 0 --augment diffaug"
  [r1]="--r1 0.1"
)
read -ra names <<< "${ONLY:-plain hinge sn hinge-sn ttur diffaug r1}"
for name in "${names[@]}"; do
  [ -v "flags[$name]" ] || { echo "screen-gan.sh: ONLY names an unknown combination '$name'; known: ${!flags[*]}" >&2; exit 2; }
done
cd "$(dirname "$0")/.."
mkdir -p "$out"
for seed in "$@"; do
  for name in "${names[@]}"; do
    run="$out/$name-seed$seed"
    read -ra extra <<< "${flags[$name]}"
    if [ ! -f "$run/model/generator/model.json" ]; then
      echo "screen-gan.sh: $name (${flags[$name]:-no flags}), seed $seed, $minutes min" >&2
      node bin/ganvae.js train gan --seed "$seed" --max-minutes "$minutes" --out "$run" "${extra[@]}" 2>&1 | tail -n 2
    fi
    [ -f "$run/eval/metrics.json" ] || node bin/ganvae.js eval --run "$run" --no-floor "${eval_flags[@]}" > /dev/null
  done
done
/usr/bin/python3 bench/pytorch/compare_gan.py "$out"
