#!/usr/bin/env bash
# Builds the Node-less GPU tools from the engine's static libraries in
# build/Release (run `npx node-gyp build` first):
#   gpu-check     the backend contract on random decoders, GPU vs CPU
#   model-check   a real GGUF through the whole engine, GPU vs CPU, and pp/tg
#   fill-model    a benchmark model's weights from its skeleton (write-skeleton.ts)
#   dequant-check CUDA dequantization vs the CPU (only where nvcc and hearth_cuda.so are)
# The CUDA backend is the companion build/Release/hearth_cuda.so: the tools
# open it from their own folder (build/) or $HEARTH_CUDA_LIBRARY, so it is
# linked there. Usage: bash bench/gpu/build.sh [tool ...]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/../.."
R=build/Release
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(gpu-check model-check fill-model dequant-check)
libs=("$R/hearth_engine.a" "$R/hearth_model.a" "$R/hearth_backend.a" "$R/hearth_vulkan.a" "$R/hearth_tokenizer.a" "$R/hearth_cpu.a")
for f in "$R"/hearth_cpu_*.a; do libs+=("$f"); done
libs+=("$R/hearth_core.a")
link=(-Wl,--start-group "${libs[@]}" -ldl -Wl,--end-group -lpthread)
if [ -f "$R/hearth_cuda.so" ]; then ln -sf Release/hearth_cuda.so build/hearth_cuda.so; fi
for t in "${targets[@]}"; do
  case $t in
    gpu-check|model-check)
      g++ -std=c++17 -O2 -Inative/src -Inative "bench/gpu/$t.cpp" "${link[@]}" -o "build/$t" ;;
    fill-model)
      # Fully static so it runs on another distro: -static-libstdc++ -static-libgcc
      # alone still needs glibc 2.36 here (arc4random via std::random_device,
      # _dl_find_object via the static unwinder). No FMA contraction: the values
      # must round as write-model.ts's doubles do.
      g++ -std=c++17 -O2 -ffp-contract=off -Inative/src -Inative bench/gpu/fill-model.cpp -static "${link[@]}" -o build/fill-model ;;
    dequant-check)
      [ -f "$R/hearth_cuda.so" ] || { echo "skip dequant-check: no build/Release/hearth_cuda.so"; continue; }
      "$(node scripts/gyp-cuda.js nvcc)" -std=c++17 -O2 -Inative/src bench/gpu/dequant-check.cu "$R/hearth_cpu.a" "$R/hearth_core.a" \
        -o build/dequant-check ;;
    *) echo "build.sh: unknown tool $t (gpu-check, model-check, fill-model, dequant-check)" >&2; exit 2 ;;
  esac
  echo "built build/$t"
done
