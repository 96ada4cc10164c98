#!/usr/bin/env bash
# Cross-builds the CPU kernels for linux-arm64 (generic, NEON, dotprod tables,
# dispatch, pool) with test/kernels/native/cpu-driver.cpp, then runs it under
# qemu-aarch64: -cpu max must pick dotprod, -cpu cortex-a72 (no dotprod/fp16)
# must fall back to neon without SIGILL; every table must match generic.
# Needs apt: g++-aarch64-linux-gnu qemu-user.  npm run test:arm64
set -euo pipefail
cd "$(dirname "$0")/../../.."
B=$(mktemp -d /tmp/hearth-arm64.XXXXXX)
trap 'rm -rf "$B"' EXIT
CXX=(aarch64-linux-gnu-g++ -std=c++17 -Inative/src -Wall -Wextra -Wno-unused-parameter)
t0=$SECONDS
"${CXX[@]}" -O2 -fno-tree-vectorize -c native/src/cpu/kernels-generic.cpp -o "$B/generic.o" &
"${CXX[@]}" -O3 -c native/src/cpu/arm/kernels-neon.cpp -o "$B/neon.o" &
wait
"${CXX[@]}" -O3 -march=armv8.2-a+dotprod+fp16 -c native/src/cpu/arm/kernels-dotprod.cpp -o "$B/dotprod.o" &
"${CXX[@]}" -O2 -c native/src/tensor/quants-ref.cpp -o "$B/quants-ref.o" &
"${CXX[@]}" -O2 -c native/src/tensor/quants-ref-nl.cpp -o "$B/quants-ref-nl.o" &
wait
"${CXX[@]}" -O2 -static test/kernels/native/cpu-driver.cpp native/src/common/status.cpp native/src/tensor/ggml-type.cpp \
  native/src/cpu/cpu-ops.cpp native/src/cpu/dispatch.cpp native/src/cpu/features.cpp native/src/cpu/thread-pool.cpp \
  "$B/quants-ref.o" "$B/quants-ref-nl.o" "$B/generic.o" "$B/neon.o" "$B/dotprod.o" -pthread -o "$B/cpu-driver"
echo "arm64 cross build: $((SECONDS - t0)) s"
# The dotprod object really uses SDOT (so the cortex-a72 run proves the fallback).
n_dp=$(aarch64-linux-gnu-objdump -d "$B/dotprod.o" | grep -cE $'\tsdot\t' || true)
n_base=$(aarch64-linux-gnu-objdump -d "$B/neon.o" "$B/generic.o" | grep -cE $'\t(sdot|udot)\t' || true)
echo "sdot instructions: dotprod object $n_dp, neon + generic objects $n_base"
[ "$n_dp" -gt 0 ] || { echo "no sdot in the dotprod object"; exit 1; }
[ "$n_base" -eq 0 ] || { echo "dot-product instructions in a baseline arm64 object"; exit 1; }
qemu-aarch64 -cpu max "$B/cpu-driver" dotprod
qemu-aarch64 -cpu cortex-a72 "$B/cpu-driver" neon
