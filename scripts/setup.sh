#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian machine: system packages, npm packages, the compiled library (dist/),
# the native addon and the browser explorer.
# Each step checks whether its work is already done, so a second run only verifies.
# Usage: bash scripts/setup.sh [--bench]   (--bench adds PyTorch for `npm run bench`)
set -euo pipefail
cd "$(dirname "$0")/.."

# chromium: the browser tests drive Debian's Chromium (playwright-core never downloads a browser).
# redis-server: the sweep tests start their own on a loopback port (test/sweep/redis-server.ts).
packages=(libdnnl-dev dataset-fashion-mnist chromium redis-server)
if [[ "${1:-}" == "--bench" ]]; then packages+=(python3-torch libopenblas0-pthread); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=(); [[ $(id -u) == 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci only when the lock file changed since the last install.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

# The compiled library and CLI (dist/, which bin/ganvae.js runs): rebuilt only when a source is newer.
bash scripts/build.sh || echo "setup: the TypeScript build failed (above); bin/ganvae.js runs src/ through tsx until it builds" >&2

# The native addon: rebuilt only when a source is newer than the built module (`ganvae build-native`, node-gyp).
addon=native/build/Release/ganvae_native.node
if [[ ! -f $addon ]] || [[ -n $(find native/src native/binding.gyp -newer "$addon" -print -quit) ]]; then
  echo "setup: building the native addon (oneDNN)"
  npm run --silent build:native >/tmp/ganvae-native-build.log 2>&1 || {
    echo "setup: the native build failed (log: /tmp/ganvae-native-build.log); ganvae will run on the slow pure-JS backend" >&2
  }
fi

# The browser explorer (ganvae serve): rebuilt only when a file bundled into it is newer (scripts/build-web.sh).
bash scripts/build-web.sh || true
