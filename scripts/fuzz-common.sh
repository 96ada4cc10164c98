# Sourced by scripts/fuzz-*.sh: what every libFuzzer target shares.
# FUZZ_NAME names the script in its messages.

# CXX: clang++ (or FUZZ_CXX); scripts/setup.sh installs it.
fuzz_require_cxx() {
  CXX=${FUZZ_CXX:-clang++}
  if ! command -v "$CXX" >/dev/null; then
    echo "$FUZZ_NAME: $CXX not found (scripts/setup.sh installs clang and libclang-rt-14-dev)" >&2
    exit 1
  fi
}

# fuzz_link OUTPUT INPUT... : a fuzzer binary with ASan + UBSan (any UB report is fatal).
fuzz_link() {
  local output=$1; shift
  local t0=$SECONDS
  "$CXX" -std=c++17 -O1 -g -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -Inative/src -Inative "$@" -o "$output"
  echo "$FUZZ_NAME: built in $((SECONDS - t0)) s"
}

# fuzz_executions LOG: executions from libFuzzer's final stats (-print_final_stats=1),
# which a run that ends on a crash prints too (its 'Done N runs' line it does not).
fuzz_executions() {
  grep -Eo 'number_of_executed_units: *[0-9]+' "$1" | grep -Eo '[0-9]+$' | tail -n 1 || true
}
