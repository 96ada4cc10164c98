#!/usr/bin/env bash
# Usage: linux.sh x64|arm64
# Builds prebuilds/linux-<arch>/hearth.node with prebuildify (--napi --strip)
# in build-linux-<arch>/. x64 is the native compiler; arm64 cross-compiles
# with g++-aarch64-linux-gnu (gyp's target_arch=arm64 selects the NEON and
# dotprod kernel libraries in native/gyp/cpu.gypi). The test hooks built
# with it, hearth_testing.addon, stay in $dir/build/Release (never a prebuild;
# test/platforms/helpers/platform-run.ts stages them for the probe).
set -euo pipefail
arch=${1:?usage: linux.sh x64|arm64}
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node_api.h ]; then
  export npm_config_nodedir=/usr
fi
dir=build-linux-$arch
bash scripts/prebuild/stage-gyp-dir.sh "$dir"
case $arch in
  x64)
    # The glibc floor comes from native/gyp/platform.gypi (src/common/glibc-floor.h).
    npx prebuildify --cwd "$dir" --napi --strip --arch x64 ;;
  arm64)
    # nvcc here targets x86-64 only: no CUDA companion for arm64.
    HEARTH_CUDA=0 CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g++ LINK=aarch64-linux-gnu-g++ AR=aarch64-linux-gnu-ar \
      PREBUILD_STRIP_BIN=aarch64-linux-gnu-strip npx prebuildify --cwd "$dir" --napi --strip --arch arm64 ;;
  *) echo "linux.sh: unknown arch '$arch' (x64 or arm64)" >&2; exit 2 ;;
esac
mkdir -p "prebuilds/linux-$arch"
cp "$dir/prebuilds/linux-$arch/hearth.node" "prebuilds/linux-$arch/hearth.node"
# The CUDA companion (x64 where nvcc was found), which prebuildify copies beside the addon.
rm -f "prebuilds/linux-$arch/hearth_cuda.so"
if [ -f "$dir/prebuilds/linux-$arch/hearth_cuda.so" ]; then
  cp "$dir/prebuilds/linux-$arch/hearth_cuda.so" "prebuilds/linux-$arch/hearth_cuda.so"
fi
echo "[prebuild] prebuilds/linux-$arch/hearth.node ($(stat -c %s "prebuilds/linux-$arch/hearth.node") bytes)"
