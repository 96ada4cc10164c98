#!/usr/bin/env bash
# The CUDA backend outside Node: where nvcc exists, build bench/gpu's
# dequant-check (the kernels' block decoders run on the host against the
# reference dequantizers: no GPU needed) and gpu-check (CUDA stages against
# the CPU backend, then speed). gpu-check skips with the probe's reason where
# there is no CUDA device. Needs build/Release from the addon build.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "$(node scripts/gyp-cuda.js enabled)" != 1 ]; then
  echo "skipped: no nvcc / libcudart_static.a (or HEARTH_CUDA=0): the addon was built without CUDA"
  exit 0
fi
if [ ! -f build/Release/hearth_cuda.so ]; then
  echo "build/Release/hearth_cuda.so is missing although nvcc is here: the CUDA companion did not build"
  exit 1
fi
bash bench/gpu/build.sh
./build/dequant-check
./build/gpu-check --quick --no-bench
