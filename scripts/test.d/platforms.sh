#!/usr/bin/env bash
# CI share of `npm run test:platforms` (the whole set takes several minutes:
# two more cross builds and qemu-aarch64/wine runs). Here: the linux-x64
# prebuild that CI's prebuildify step just built, checked for its glibc
# floor (objdump -T) and run under qemu-x86_64 -cpu Nehalem (sse2 picked) and
# -cpu Haswell (avx2 picked) with the native run's tokens. The arm64 kernels
# are covered by kernels-arm64.sh; arm64/win32 prebuilds only by test:platforms.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -f prebuilds/linux-x64/hearth.node ]; then
  echo "platforms skipped: no prebuilds/linux-x64/hearth.node (the prebuild step makes it)"
  exit 0
fi
if ! command -v qemu-x86_64 >/dev/null; then
  echo "platforms skipped: qemu-x86_64 missing (apt qemu-user, see scripts/setup.sh)"
  exit 0
fi
[ -f dist/cli.js ] || node esbuild.mjs
exec npx mocha --no-config --require tsx/cjs --extension ts --timeout 300000 --reporter spec \
  --grep 'linux-x64 under|linux-x64: needs|symbolVersionFloor' 'test/platforms/*.test.ts'
