#!/usr/bin/env bash
# Packs what bench/gpu/run-device.sh needs into .gpucarry/ (list it in
# .git/info/exclude, name it in the device tool's carry): the GPU machine has
# no Node and takes at most 64 MiB, so
#   bin/      gpu-check, model-check, fill-model, llama-ref and hearth_cuda.so
#             built for sm_90 (H100/H200) SASS + PTX: the CI default is sm_75
#             SASS + PTX, and the JIT on first use would cost the lease time;
#   models/   the small real GGUFs from test/fixtures/tiny-llama;
#   *.tar.xz  benchmark model skeletons (header + plan; fill-model writes the
#             weights there), llama.cpp's CUDA build as node-llama-cpp ships
#             it with every fatbin entry but compute_90's PTX zeroed (159 MB
#             does not travel; zeros compress away), its Vulkan build;
#   libvulkan1 .deb, the loader, in case the machine has none.
# Needs: build/Release from `npx node-gyp build`, nvcc, the npm packages
# @node-llama-cpp/linux-x64-{cuda,vulkan}. Usage: bash bench/gpu/prepare-carry.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
C=.gpucarry
ARCH=${HEARTH_CARRY_ARCH:-90}
rm -rf "$C" && mkdir -p "$C/bin" "$C/models" "$C/obj"
grep -q '^/.gpucarry/' .git/info/exclude 2>/dev/null || echo /.gpucarry/ >> .git/info/exclude

echo "== hearth_cuda.so for sm_$ARCH"
CUDA_LIB=$(node scripts/gyp-cuda.js lib)
NVCC=$(node scripts/gyp-cuda.js nvcc)
for f in matmul ops attention cuda-backend; do
  "$NVCC" -O3 -std=c++17 -Xcompiler -fPIC -gencode=arch=compute_$ARCH,code=sm_$ARCH \
    -gencode=arch=compute_$ARCH,code=compute_$ARCH -Inative/src -c native/src/backend/cuda/$f.cu -o "$C/obj/$f.o"
done
g++ -shared -o "$C/bin/hearth_cuda.so" "$C"/obj/*.o -L"$CUDA_LIB" -lcudart_static -ldl -lrt -lpthread \
  -Wl,--exclude-libs,ALL -Wl,-z,defs
rm -rf "$C/obj"

echo "== tools"
bash bench/gpu/build.sh
bash bench/gpu/build-llama-ref.sh
cp build/gpu-check build/model-check build/fill-model build/llama-ref "$C/bin/"

echo "== models"
cp test/fixtures/tiny-llama/llama-2-tiny-random.gguf test/fixtures/tiny-llama/tinyllamas-stories-260k-f32.gguf "$C/models/"
S=$(mktemp -d)
mkdir -p "$S/skeletons"
for sf in 1.5b:q4_k_m 1.5b:q8_0 0.5b:q4_0 0.5b:q8_0; do
  npx tsx bench/gpu/write-skeleton.ts --shape "${sf%%:*}" --format "${sf##*:}" --out "$S/skeletons"
done
tar cf - -C "$S" skeletons | xz -T2 -6 > "$C/skeletons.tar.xz"

echo "== llama.cpp builds (node-llama-cpp's prebuilt CUDA and Vulkan)"
NL=node_modules/@node-llama-cpp
cpu_variants="libggml-cpu-x64.so libggml-cpu-haswell.so libggml-cpu-icelake.so libggml-cpu-sapphirerapids.so libggml-cpu-zen4.so"
mkdir -p "$S/llcuda" "$S/llvk"
(cd $NL/linux-x64-cuda/bins/linux-x64-cuda && cp libggml-base.so libggml.cuda.*.so libllama.cuda.*.so $cpu_variants "$S/llcuda/")
python3 bench/gpu/fatbin-keep.py $NL/linux-x64-cuda/bins/linux-x64-cuda/libggml-cuda.so "$S/llcuda/libggml-cuda.so" "1:$ARCH"
(cd $NL/linux-x64-vulkan/bins/linux-x64-vulkan && cp libggml-base.so libggml.vulkan.*.so libllama.vulkan.*.so libggml-vulkan.so $cpu_variants "$S/llvk/")
tar cf - -C "$S" llcuda | xz -T2 -6 > "$C/llcuda.tar.xz"
tar cf - -C "$S" llvk | xz -T2 -6 > "$C/llvk.tar.xz"
rm -rf "$S"

echo "== Vulkan loader"
o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/hearth-apt-amd64'
mkdir -p /tmp/hearth-apt-amd64/partial
apt-get $o update >/dev/null 2>&1 || true
(cd "$C" && apt-get $o download libvulkan1 >/dev/null 2>&1) || echo "no libvulkan1 .deb: the machine must have a loader"

du -sh "$C"; ls -la "$C" "$C/bin"
