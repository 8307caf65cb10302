#!/usr/bin/env bash
# Builds the browser pages (the explorer of `ganvae serve`, the studio of `ganvae studio`) into web/dist/ with Vite, only when a file bundled into
# it (web/dist/sources.txt, written by the build), a new file in web/, or the lock file is newer than the
# built page. Usage: bash scripts/build-web.sh; the build's log is /tmp/ganvae-web-build.log.
set -euo pipefail
cd "$(dirname "$0")/.."

exec 9>web/.build.lock
flock 9
page=web/dist/index.html
if [[ -f $page && -f web/dist/studio.html && -f web/dist/sources.txt ]] &&
  [[ -z $(find web/index.html web/studio.html web/public web/src web/vite.config.ts package-lock.json $(cat web/dist/sources.txt) -newer "$page" -print -quit 2>/dev/null) ]]; then
  exit 0
fi
echo "build-web: building the browser explorer (web/dist)" >&2
npm run --silent build:web >/tmp/ganvae-web-build.log 2>&1 || {
  echo "build-web: the explorer build failed (log: /tmp/ganvae-web-build.log); \`ganvae serve\` will not start until it builds" >&2
  exit 1
}
