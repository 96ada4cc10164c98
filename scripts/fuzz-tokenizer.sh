#!/usr/bin/env bash
# Builds the libFuzzer target for the tokenizers straight from the sources
# (clang, ASan + UBSan, not node-gyp) and runs it for a bounded time on each
# tokenizer type: SPM, byte-level BPE under several pre-tokenizers, WPM. The
# vocabs are the vocab-only GGUFs in test/fixtures/llama.cpp-vocab.
# Usage: scripts/fuzz-tokenizer.sh [seconds per type=10] [vocab folder]
# Prints executions and crashes per type; exits non-zero on any crash,
# sanitizer report, leak, timeout or OOM (reproducers in build/fuzz-tokenizer/artifacts/).
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_NAME=fuzz-tokenizer
# shellcheck source=scripts/fuzz-common.sh
source scripts/fuzz-common.sh
SECONDS_PER_TYPE=${1:-10}
VOCABS=${2:-test/fixtures/llama.cpp-vocab}
OUT=build/fuzz-tokenizer
SEEDS=test/native/fuzz/tokenizer-seeds
mkdir -p "$OUT/artifacts"

fuzz_require_cxx
if [ ! -d "$VOCABS" ]; then
  echo "fuzz-tokenizer: $VOCABS not found (the vocab-only test fixtures)" >&2
  exit 1
fi

SOURCES=(
  test/native/fuzz/tokenizer-fuzz.cpp
  native/src/tokenizer/unicode.cpp
  native/src/tokenizer/unicode-data.cpp
  native/src/tokenizer/pre-tokenizer.cpp
  native/src/tokenizer/vocab.cpp
  native/src/tokenizer/tokenizer.cpp
  native/src/tokenizer/tokenizer-spm.cpp
  native/src/tokenizer/tokenizer-bpe.cpp
  native/src/tokenizer/tokenizer-wpm.cpp
  native/src/gguf/gguf-reader.cpp
  native/src/gguf/gguf-zip.cpp
  native/src/common/mapped-file-posix.cpp
  native/src/common/status.cpp
  native/src/tensor/ggml-type.cpp
)
fuzz_link "$OUT/tokenizer-fuzz" "${SOURCES[@]}"

# type name, vocab file, round trip promised (1) or not (0). WPM lowercases
# and splits punctuation, so it never promises one.
TYPES=(
  "spm-llama        ggml-vocab-llama-spm.gguf       1"
  "bpe-gpt2         ggml-vocab-gpt-2.gguf           1"
  "bpe-deepseek-coder ggml-vocab-deepseek-coder.gguf 1"
  "bpe-deepseek-llm ggml-vocab-deepseek-llm.gguf    1"
  "bpe-falcon       ggml-vocab-falcon.gguf          1"
  "bpe-starcoder    ggml-vocab-starcoder.gguf       1"
  "wpm-bert         ggml-vocab-bert-bge.gguf        0"
)

failed=0
printf '%-20s %12s %8s\n' type executions crashes
for entry in "${TYPES[@]}"; do
  read -r name vocab roundtrip <<<"$entry"
  corpus="$OUT/corpus-$name"
  rm -rf "$corpus" && mkdir -p "$corpus"
  cp "$SEEDS"/* "$corpus"/
  log="$OUT/$name.log"
  set +e
  HEARTH_FUZZ_VOCAB="$VOCABS/$vocab" HEARTH_FUZZ_ROUNDTRIP="$roundtrip" \
    "$OUT/tokenizer-fuzz" "$corpus" \
    -max_total_time="$SECONDS_PER_TYPE" -max_len=4096 -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$OUT/artifacts/$name-" >"$log" 2>&1
  rc=$?
  set -e
  runs=$(fuzz_executions "$log")
  crashes=0
  if [ "$rc" -ne 0 ]; then
    crashes=1
    failed=1
    tail -n 30 "$log" >&2
  fi
  printf '%-20s %12s %8s\n' "$name" "${runs:-?}" "$crashes"
done
if [ "$failed" -ne 0 ]; then
  echo "fuzz-tokenizer: FAILED; see $OUT/*.log and $OUT/artifacts/" >&2
  exit 1
fi
echo "fuzz-tokenizer: OK, no crash, leak, timeout or broken round trip"
