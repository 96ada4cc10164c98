#!/usr/bin/env bash
# Builds bench/gpu/gpu-check from the engine's static libraries in build/Release
# (run `npx node-gyp rebuild` first; the CUDA backend is in them when nvcc was
# found). Output: build/gpu-check. Usage: bash bench/gpu/build.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
R=build/Release
CUDA_LIB=$(node scripts/gyp-cuda.js lib)
libs=("$R/hearth_model.a" "$R/hearth_tokenizer.a" "$R/hearth_cpu.a")
for f in "$R"/hearth_cpu_*.a; do libs+=("$f"); done
libs+=("$R/hearth_core.a")
extra=()
if [ -f "$R/hearth_cuda.a" ]; then extra=("$R/hearth_cuda.a" "-L$CUDA_LIB" -lcudart_static -ldl -lrt); fi
g++ -std=c++17 -O2 -Inative/src -Inative bench/gpu/gpu-check.cpp \
  -Wl,--start-group "${libs[@]}" "${extra[@]}" -Wl,--end-group -lpthread -static-libstdc++ -static-libgcc -o build/gpu-check
echo "built build/gpu-check"
if [ -f "$R/hearth_cuda.a" ]; then
  "$(node scripts/gyp-cuda.js nvcc)" -std=c++17 -O2 -Inative/src bench/gpu/dequant-check.cu "$R/hearth_cpu.a" "$R/hearth_core.a" \
    -o build/dequant-check
  echo "built build/dequant-check"
fi
