#!/usr/bin/env bash
# Builds the libFuzzer target for the GGUF parser straight from the sources
# (clang, ASan + UBSan, not node-gyp) and runs it for a bounded time.
# Usage: scripts/fuzz-gguf.sh [seconds=75]
# Exits non-zero on any crash, sanitizer report, leak, timeout or OOM;
# the reproducer lands in build/fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_NAME=fuzz-gguf
# shellcheck source=scripts/fuzz-common.sh
source scripts/fuzz-common.sh
SECONDS_TO_RUN=${1:-75}
OUT=build/fuzz
mkdir -p "$OUT/artifacts"
rm -rf "$OUT/corpus" && mkdir -p "$OUT/corpus"

fuzz_require_cxx

SOURCES=(
  test/native/fuzz/gguf-parse-fuzz.cpp
  native/src/gguf/gguf-reader.cpp
  native/src/gguf/gguf-zip.cpp
  native/src/common/mapped-file-posix.cpp
  native/src/common/status.cpp
  native/src/tensor/ggml-type.cpp
)
fuzz_link "$OUT/gguf-parse-fuzz" "${SOURCES[@]}"

npx tsx test/native/fuzz/make-seeds.ts "$OUT/corpus"

LOG="$OUT/fuzz.log"
set +e
"$OUT/gguf-parse-fuzz" "$OUT/corpus" \
  -dict=test/native/fuzz/gguf.dict \
  -max_total_time="$SECONDS_TO_RUN" -max_len=16384 -rss_limit_mb=2048 -timeout=10 \
  -print_final_stats=1 -artifact_prefix="$OUT/artifacts/" >"$LOG" 2>&1
rc=$?
set -e
tail -n 25 "$LOG"
runs=$(fuzz_executions "$LOG")
if [ "$rc" -ne 0 ]; then
  echo "fuzz-gguf: FAILED (exit $rc); see $LOG and $OUT/artifacts/" >&2
  exit 1
fi
echo "fuzz-gguf: OK, ${runs:-?} executions in ${SECONDS_TO_RUN} s, no crash, leak or timeout"
