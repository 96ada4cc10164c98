#!/usr/bin/env bash
# `npm run test:platforms`: the prebuilds as users get them, on every platform
# this machine can emulate (test/platforms/*.test.ts): linux-x64 under
# qemu-x86_64 -cpu Nehalem/Haswell, linux-arm64 under qemu-aarch64 -cpu
# max/cortex-a72, win32-x64 under wine (node.exe and a Code.exe copy).
# Builds the bundle, the prebuilds when one is missing, and the VSIX files
# (PLATFORMS_REBUILD=1 rebuilds them all first).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/platforms/setup.sh
node esbuild.mjs
missing=()
for t in linux-x64 linux-arm64 win32-x64; do
  if [ "${PLATFORMS_REBUILD:-0}" = 1 ] || [ ! -f "prebuilds/$t/hearth.node" ]; then missing+=("$t"); fi
done
[ ${#missing[@]} -eq 0 ] || bash scripts/prebuild-all.sh "${missing[@]}"
bash scripts/package-all.sh
exec npx mocha --no-config --require tsx/cjs --extension ts --timeout 300000 --reporter spec 'test/platforms/*.test.ts' "$@"
