#!/usr/bin/env bash
# Compiles src/ to dist/ (ES modules; .d.ts files for the two entries, src/index.ts and src/browser.ts) with
# plain tsc, only when a source or compiler setting is newer than the last build (dist/.build-stamp).
# Usage: bash scripts/build.sh [--force]. The build goes to dist.new/ and replaces dist/ when both passes
# succeed; the stamp carries the build's start time, so a file edited while tsc ran counts as newer.
set -euo pipefail
cd "$(dirname "$0")/.."

# One build at a time (setup, npm pack's prepack and a test may start one together); the check below runs
# after the lock, so a second caller finds the first one's build fresh.
exec 9>.build.lock
flock 9
stamp=dist/.build-stamp
if [[ "${1:-}" != "--force" && -f $stamp ]] &&
  [[ -z $(find src tsconfig.json tsconfig.build.json tsconfig.types.json package-lock.json -newer "$stamp" -print -quit) ]]; then
  exit 0
fi

echo "build: compiling src/ to dist/ (tsc)" >&2
start=$(date +%s.%N)
rm -rf dist.new
tsc=node_modules/.bin/tsc
# JavaScript for all of src/, and declarations for the public entries only (the CLI's modules need none),
# as two tsc processes side by side.
"$tsc" -p tsconfig.build.json --outDir dist.new & js=$!
"$tsc" -p tsconfig.types.json --outDir dist.new & types=$!
status=0
wait $js || status=$?
wait $types || status=$?
if ((status)); then
  rm -rf dist.new
  echo "build: tsc failed (above); dist/ is unchanged" >&2
  exit 1
fi
touch -d "@$start" dist.new/.build-stamp
rm -rf dist.old
if [[ -d dist ]]; then mv dist dist.old; fi
mv dist.new dist
rm -rf dist.old
