#!/usr/bin/env bash
# The GPU-machine session, as one script: the machine has a GPU but no Node,
# a short lease and a 64 MiB upload, so bench/gpu/prepare-carry.sh packs
# everything into .gpucarry/ beforehand (engine tools, the CUDA companion
# with sm_90 SASS, model skeletons, llama.cpp's shipped CUDA and Vulkan
# builds) and this script runs, most important first:
#   1. op/decoder parity of the CUDA backend against the CPU (gpu-check),
#   2. the benchmark models, filled in from their skeletons (fill-model),
#   3. whole-file greedy/logit parity, CUDA (and Vulkan) vs CPU (model-check),
#      and hearth vs llama.cpp greedy tokens on the same file and GPU,
#   4. pp512/tg128, hearth and llama.cpp interleaved round by round,
#   5. Vulkan on the same GPU.
# Logs go to $OUT (at most 8 files come back): env, parity, models, bench, llama, all.
# Usage there: bash bench/gpu/run-device.sh [budget seconds, default 480]
set -u
cd "$(dirname "$0")/../.."
C=$PWD/.gpucarry
OUT=${OUT:-/tmp/out}
W=/tmp/hearth-gpu
BUDGET=${1:-480}
mkdir -p "$OUT" "$W/models"
T0=$(date +%s)
elapsed() { echo $(( $(date +%s) - T0 )); }
left() { echo $(( BUDGET - $(elapsed) )); }
step() { echo "== $(elapsed)s: $*"; }
exec > >(tee -a "$OUT/all.log") 2>&1

step unpack
python3 - "$C" "$W" <<'EOF'
import sys, tarfile, glob, os
c, w = sys.argv[1], sys.argv[2]
for t in sorted(glob.glob(os.path.join(c, '*.tar.xz'))):
    with tarfile.open(t, 'r:xz') as f:
        f.extractall(w)
    print('unpacked', os.path.basename(t))
EOF
B=$C/bin
chmod +x "$B"/* 2>/dev/null

# CUDA libraries llama.cpp's build links dynamically (cudart, cublas 13).
for lib in libcublas.so.13 libcudart.so.13; do
  if ! ldconfig -p | grep -q "$lib"; then
    d=$(dirname "$(find / -name "$lib" -not -path '/proc/*' 2>/dev/null | head -1)")
    [ -n "$d" ] && [ "$d" != . ] && export LD_LIBRARY_PATH="$d:${LD_LIBRARY_PATH:-}"
  fi
done
# The Vulkan loader (the driver's ICD is there; the loader may not be).
if ! ldconfig -p | grep -q libvulkan.so.1; then
  for f in "$C"/libvulkan1*.deb; do dpkg -x "$f" "$W/vk"; done
  export LD_LIBRARY_PATH="$W/vk/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"
fi
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -f "$icd" ] && ! ls /usr/share/vulkan/icd.d/*nvidia* /etc/vulkan/icd.d/*nvidia* >/dev/null 2>&1; then
  export VK_DRIVER_FILES=$icd
fi
export CUDA_CACHE_PATH=$W/cuda-cache CUDA_CACHE_MAXSIZE=4294967296

step env
{
  date -u; nvidia-smi --query-gpu=name,memory.total,memory.free,driver_version,clocks.max.sm,clocks.max.memory --format=csv
  nproc; grep -m1 "model name" /proc/cpuinfo; . /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"
  echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"; echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-}"
  # Achievable HBM bandwidth (device-to-device copy, bytes read + written), the roof for tg.
  timeout 60 python3 - <<'EOF'
import torch, time
x = torch.empty(2 << 30, dtype=torch.uint8, device='cuda'); y = torch.empty_like(x)
for _ in range(3): y.copy_(x)
torch.cuda.synchronize(); t = time.perf_counter()
for _ in range(10): y.copy_(x)
torch.cuda.synchronize(); dt = (time.perf_counter() - t) / 10
print(f"copy bandwidth {2 * x.numel() / dt / 1e9:.0f} GB/s (read+write of 2 GiB)")
EOF
} > "$OUT/env.txt" 2>&1
cat "$OUT/env.txt"

step "gpu-check cuda (synthetic decoders, every format, splits, context shift)"
timeout $(( $(left) < 150 ? $(left) : 150 )) "$B/gpu-check" --backend cuda --no-bench > "$OUT/parity.txt" 2>&1
echo "gpu-check cuda rc=$?" >> "$OUT/parity.txt"
grep -v "^PASS" "$OUT/parity.txt"; echo "PASS lines: $(grep -c '^PASS' "$OUT/parity.txt")"

step "fill models"
for plan in "$W"/skeletons/*.plan; do
  base=$(basename "$plan" .plan)  # <name>.gguf
  timeout 120 "$B/fill-model" "$plan" "${plan%.plan}.head" "$W/models/$base" 2>&1 | tail -2
done | tee "$OUT/models.txt"
ls -la "$W/models" | tee -a "$OUT/models.txt"
model() { ls "$W"/models/*"$1"*.gguf 2>/dev/null | head -1; }
M15Q4KM=$(model 1.5b-shape-q4_k_m); M15Q8=$(model 1.5b-shape-q8_0); M05Q4=$(model 0.5b-shape-q4_0); M05Q8=$(model 0.5b-shape-q8_0)
LLCUDA=$W/llcuda LLVK=$W/llvk

# llama.cpp's CUDA build ships sm_90 as PTX only: the first load JIT-compiles
# it (cached in CUDA_CACHE_PATH). Start that now, next to the parity runs.
if [ -n "$M15Q4KM" ]; then
  ( timeout 200 "$B/llama-ref" --lib "$LLCUDA" --model "$M15Q4KM" --pp 512 --tg 16 --reps 1 > "$W/llcuda-warm.txt" 2>&1
    echo "llama.cpp cuda warm-up rc=$? after $(elapsed)s" >> "$W/llcuda-warm.txt" ) &
  WARM=$!
fi

step "model-check: whole files, GPU vs CPU"
for f in "$C"/models/*.gguf "$M05Q4" "$M05Q8" "$M15Q4KM"; do
  [ -f "$f" ] || continue
  [ "$(left)" -gt 200 ] || { echo "skip $f: time"; continue; }
  timeout 90 "$B/model-check" --model "$f" --compare-cpu --backend cuda --greedy 24 2>&1 | grep -v "^  reason"
done 2>&1 | tee -a "$OUT/models.txt"

step "hearth vs llama.cpp greedy on the same file and GPU"
if [ -n "${WARM:-}" ]; then wait $WARM; cat "$W/llcuda-warm.txt" | tee "$OUT/llama.txt"; fi
for f in "$M05Q8" "$M15Q4KM"; do
  [ -f "$f" ] || continue
  out=$(timeout 60 "$B/model-check" --model "$f" --compare-cpu --backend cuda --greedy 24 2>&1)
  ids=$(echo "$out" | grep "^prompt " | cut -d' ' -f2)
  echo "$out" | grep "^greedy cuda/all" | sed "s|^|$(basename "$f") hearth |"
  timeout 60 "$B/llama-ref" --lib "$LLCUDA" --model "$f" --greedy 24 --prompt-ids "$ids" 2>&1 | grep "^greedy" | sed "s|^|$(basename "$f") llama.cpp-cuda |"
done 2>&1 | tee -a "$OUT/llama.txt"

step "bench: pp512/tg128, interleaved rounds"
bench_round() {  # model, engines...
  local f=$1; shift
  for e in "$@"; do
    [ "$(left)" -gt 40 ] || { echo "skip $e $(basename "$f"): time"; continue; }
    case $e in
      hearth-cuda) timeout 60 "$B/model-check" --model "$f" --bench --backend cuda --reps 2 2>&1 | grep -E '^\{|FAIL|rror' ;;
      hearth-vulkan) timeout 60 "$B/model-check" --model "$f" --bench --backend vulkan --reps 2 2>&1 | grep -E '^\{|FAIL|rror' ;;
      llama-cuda) timeout 60 "$B/llama-ref" --lib "$LLCUDA" --model "$f" --reps 2 2>&1 | grep -E '^\{|FAIL|rror' ;;
      llama-vulkan) timeout 60 "$B/llama-ref" --lib "$LLVK" --model "$f" --reps 2 2>&1 | grep -E '^\{|FAIL|rror' ;;
    esac | sed "s|^|$(basename "$f") |"
  done
}
for r in 1 2 3; do
  echo "round $r"
  [ -f "$M15Q4KM" ] && bench_round "$M15Q4KM" hearth-cuda llama-cuda
  [ -f "$M05Q4" ] && bench_round "$M05Q4" hearth-cuda llama-cuda
  [ -f "$M05Q8" ] && bench_round "$M05Q8" hearth-cuda llama-cuda
  [ -f "$M15Q8" ] && bench_round "$M15Q8" hearth-cuda llama-cuda
done 2>&1 | tee "$OUT/bench.txt"

step "vulkan on the same GPU"
{
  timeout $(( $(left) < 90 ? $(left) : 90 )) "$B/gpu-check" --backend vulkan --no-bench --quick 2>&1 | grep -v "^PASS" ; echo "gpu-check vulkan rc=${PIPESTATUS[0]}"
  [ -f "$M15Q4KM" ] && timeout 60 "$B/model-check" --model "$M15Q4KM" --compare-cpu --backend vulkan --greedy 16 2>&1 | grep -v "^  reason"
  for r in 1 2; do [ -f "$M15Q4KM" ] && bench_round "$M15Q4KM" hearth-vulkan llama-vulkan; done
} 2>&1 | tee -a "$OUT/bench.txt"
step done
