#!/usr/bin/env bash
# Builds bench/gpu/gpu-check from the engine's static libraries in build/Release
# (run `npx node-gyp rebuild` first). The CUDA backend is the companion
# build/Release/hearth_cuda.so when nvcc was found: gpu-check opens it from
# its own folder (build/) or from $HEARTH_CUDA_LIBRARY, so this script links
# it there. Output: build/gpu-check. Usage: bash bench/gpu/build.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
R=build/Release
CUDA_LIB=$(node scripts/gyp-cuda.js lib)
libs=("$R/hearth_model.a" "$R/hearth_vulkan.a" "$R/hearth_tokenizer.a" "$R/hearth_cpu.a")
for f in "$R"/hearth_cpu_*.a; do libs+=("$f"); done
libs+=("$R/hearth_core.a")
extra=(-ldl)
if [ -f "$R/hearth_cuda.so" ]; then ln -sf Release/hearth_cuda.so build/hearth_cuda.so; fi
g++ -std=c++17 -O2 -Inative/src -Inative bench/gpu/gpu-check.cpp \
  -Wl,--start-group "${libs[@]}" "${extra[@]}" -Wl,--end-group -lpthread -o build/gpu-check
echo "built build/gpu-check"
if [ -f "$R/hearth_cuda.so" ]; then
  "$(node scripts/gyp-cuda.js nvcc)" -std=c++17 -O2 -Inative/src bench/gpu/dequant-check.cu "$R/hearth_cpu.a" "$R/hearth_core.a" \
    -o build/dequant-check
  echo "built build/dequant-check"
fi
