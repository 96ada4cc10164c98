#!/usr/bin/env bash
# Device check for the CUDA backend, for a machine with a GPU but maybe no
# Node: copy build/gpu-check (bash bench/gpu/build.sh; HEARTH_CUDA_ARCHS=75,90
# at configure time gives H100/H200 SASS) and this script to the device, run
# it; logs go to $OUT (env.txt, parity.txt, bench.txt). Parity first (fails
# fast if a kernel is wrong), then pp512/tg128 at Qwen2-0.5B/1.5B shapes.
cd "$(dirname "$0")"
[ -x ./gpu-check ] || cp ../../build/gpu-check . 2>/dev/null || true
OUT=${OUT:-/tmp/out}
mkdir -p "$OUT"
{
  date; nvidia-smi --query-gpu=name,memory.total,memory.free,driver_version,clocks.max.memory --format=csv 2>&1
  ldd --version 2>&1 | head -1; which node nvcc g++ 2>&1; nproc
} > "$OUT/env.txt" 2>&1
cat "$OUT/env.txt"
chmod +x gpu-check
timeout ${PARITY_S:-150} ./gpu-check --no-bench ${PARITY_ARGS:-} > "$OUT/parity.txt" 2>&1; echo "parity rc=$?" >> "$OUT/parity.txt"
grep -v "^PASS" "$OUT/parity.txt" | head -40; grep -c "^PASS" "$OUT/parity.txt"
timeout ${BENCH_S:-180} ./gpu-check --bench-only > "$OUT/bench.txt" 2>&1; echo "bench rc=$?" >> "$OUT/bench.txt"
cat "$OUT/bench.txt"
