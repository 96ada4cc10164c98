#!/usr/bin/env bash
# Builds the libFuzzer target for model-settings validation and weight
# binding (test/native/fuzz/hparams-fuzz.cpp) straight from the sources and
# runs it for a bounded time. The code under test (GGUF reader, model/,
# KV cache) is built with ASan + UBSan and coverage; the CPU kernels it links
# against (for F16 norm conversion) are built plain, once, with their per-ISA
# flags as in native/gyp/cpu.gypi, since no kernel runs on fuzzed sizes here.
# Usage: scripts/fuzz-hparams.sh [seconds=45]
# Prints executions and crashes found; exits non-zero on any crash,
# sanitizer report, leak, timeout or OOM (the reproducer lands in
# build/fuzz-hparams/artifacts/).
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_NAME=fuzz-hparams
# shellcheck source=scripts/fuzz-common.sh
source scripts/fuzz-common.sh
SECONDS_TO_RUN=${1:-45}
OUT=build/fuzz-hparams
mkdir -p "$OUT/artifacts" "$OUT/obj"
rm -rf "$OUT/corpus" && mkdir -p "$OUT/corpus"

fuzz_require_cxx

FUZZED=(
  test/native/fuzz/hparams-fuzz.cpp
  native/src/gguf/gguf-reader.cpp
  native/src/gguf/gguf-zip.cpp
  native/src/common/mapped-file-posix.cpp
  native/src/common/status.cpp
  native/src/tensor/ggml-type.cpp
  native/src/model/hparams.cpp
  native/src/model/hparams-check.cpp
  native/src/model/weights.cpp
  native/src/backend/cpu/decoder-layer.cpp
  native/src/model/decoder.cpp
  native/src/model/longrope.cpp
  native/src/model/arch-llama.cpp
  native/src/model/arch-qwen2.cpp
  native/src/model/arch-qwen3.cpp
  native/src/model/arch-qwen3moe.cpp
  native/src/model/arch-gemma.cpp
  native/src/model/arch-gemma3.cpp
  native/src/model/arch-starcoder2.cpp
  native/src/model/arch-gemma2.cpp
  native/src/model/arch-granite.cpp
  native/src/model/arch-mellum.cpp
  native/src/model/arch-phi3.cpp
  native/src/model/arch-gpt-oss.cpp
  native/src/backend/cpu/moe-ffn.cpp
  native/src/model/arch-registry.cpp
  native/src/model/kv-cache.cpp
  native/src/backend/registry.cpp
)
# Linked, not fuzzed: the CPU ops and kernels, and the backends the registry lists.
PLAIN=(
  native/src/tensor/quants-ref.cpp
  native/src/tensor/quants-ref-nl.cpp
  native/src/cpu/cpu-ops.cpp
  native/src/cpu/dispatch.cpp
  native/src/cpu/features.cpp
  native/src/cpu/thread-pool.cpp
  native/src/backend/cpu/cpu-backend.cpp
  native/src/backend/cuda-stub.cpp
  native/src/backend/unavailable-backend.cpp
  native/src/backend/vulkan/vk-stub.cpp
)
isa_flags() {
  case "$1" in
    *kernels-generic.cpp) echo "-fno-tree-vectorize" ;;
    *kernels-sse2.cpp) echo "-mno-avx -mno-avx2" ;;
    *kernels-avx2.cpp) echo "-mavx2 -mfma -mf16c" ;;
    *kernels-avx512.cpp) echo "-mavx2 -mfma -mf16c -mavx512f -mavx512bw -mavx512vl -mavx512dq" ;;
    *kernels-avx512vnni.cpp) echo "-mavx2 -mfma -mf16c -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx512vnni" ;;
    *kernels-avx512bf16.cpp) echo "-mavx2 -mfma -mf16c -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx512vnni -mavx512bf16" ;;
    *kernels-dotprod.cpp) echo "-march=armv8.2-a+dotprod+fp16" ;;
    *) echo "" ;;
  esac
}
PLAIN+=(native/src/cpu/kernels-generic.cpp)
case "$(uname -m)" in
  x86_64) PLAIN+=(native/src/cpu/x86/kernels-{sse2,avx2,avx512,avx512vnni,avx512bf16}.cpp) ;;
  aarch64|arm64) PLAIN+=(native/src/cpu/arm/kernels-{neon,dotprod}.cpp) ;;
esac

t0=$SECONDS
OBJS=()
for src in "${PLAIN[@]}"; do
  obj="$OUT/obj/$(echo "$src" | tr '/' '_').o"
  # Rebuilt when the source or any header is newer: these change rarely.
  if [ ! -f "$obj" ] || [ -n "$(find native/src -newer "$obj" \( -name '*.h' -o -name '*.inc' -o -name '*.cpp' \) -print -quit)" ]; then
    # shellcheck disable=SC2046
    "$CXX" -std=c++17 -O2 -fPIC $(isa_flags "$src") -Wno-uninitialized -Inative/src -Inative -c "$src" -o "$obj"
  fi
  OBJS+=("$obj")
done
fuzz_link "$OUT/hparams-fuzz" "${FUZZED[@]}" "${OBJS[@]}" -lpthread
echo "fuzz-hparams: objects and link in $((SECONDS - t0)) s"

# The committed seeds, plus ones generated from the current writer.
cp test/native/fuzz/hparams-seeds/* "$OUT/corpus/"
npx tsx test/native/fuzz/make-hparams-seeds.ts "$OUT/corpus" >/dev/null

# Every committed seed but the hostile one must load and bind.
bound=0 expected=0
for seed in test/native/fuzz/hparams-seeds/*; do
  case "$seed" in *wrap*) continue ;; esac
  expected=$((expected + 1))
  if HPARAMS_FUZZ_VERBOSE=1 "$OUT/hparams-fuzz" "$seed" >"$OUT/seed.log" 2>&1 && grep -q 'hparams-fuzz: bound' "$OUT/seed.log"; then
    bound=$((bound + 1))
  fi
done
if [ "$bound" -ne "$expected" ]; then
  echo "fuzz-hparams: only $bound of $expected valid seeds bind; regenerate them (make-hparams-seeds.ts)" >&2
  exit 1
fi
echo "fuzz-hparams: $bound seeds bind"

LOG="$OUT/fuzz.log"
set +e
"$OUT/hparams-fuzz" "$OUT/corpus" \
  -dict=test/native/fuzz/gguf.dict \
  -max_total_time="$SECONDS_TO_RUN" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
  -print_final_stats=1 -artifact_prefix="$OUT/artifacts/" >"$LOG" 2>&1
rc=$?
set -e
tail -n 25 "$LOG"
runs=$(fuzz_executions "$LOG")
crashes=$(find "$OUT/artifacts" -type f -newer "$OUT/hparams-fuzz" | wc -l)
echo "fuzz-hparams: ${runs:-?} executions in ${SECONDS_TO_RUN} s ($(( ${runs:-0} / SECONDS_TO_RUN ))/s), ${crashes} crashes found"
if [ "$rc" -ne 0 ]; then
  echo "fuzz-hparams: FAILED (exit $rc); see $LOG and $OUT/artifacts/" >&2
  exit 1
fi
echo "fuzz-hparams: OK, no crash, leak or timeout"
