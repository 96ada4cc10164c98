#!/usr/bin/env bash
# Builds build/llama-ref, the llama.cpp reference runner for GPU machines
# that have no Node: it opens the llama.cpp libraries node-llama-cpp ships
# (node_modules/@node-llama-cpp/*/bins/*/) with dlopen and measures greedy ids
# and pp/tg speed on the same GGUF files as our engine, so the comparison
# needs no npm on the device. Compiled against llama.h / ggml headers from
# node-llama-cpp's source bundle (the source those libraries were built
# from), extracted once into build/llama-src; nothing links against
# libllama, and libstdc++/libgcc are static so the binary runs on the device
# as is. Usage: bash bench/gpu/build-llama-ref.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
SRC=build/llama-src
BUNDLE=node_modules/node-llama-cpp/llama/gitRelease.bundle
if [ ! -f "$SRC/include/llama.h" ] || [ ! -f "$SRC/ggml/include/ggml-backend.h" ]; then
  [ -f "$BUNDLE" ] || { echo "build-llama-ref: $BUNDLE not found (node_modules missing?)" >&2; exit 1; }
  # Only the two include dirs are kept (a few hundred KB, small enough to
  # carry to a device and rebuild there): a no-checkout clone, git archive of
  # those folders, then the clone goes.
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  git clone -q --no-checkout "$BUNDLE" "$tmp/repo"
  rm -rf "$SRC"
  mkdir -p "$SRC"
  git -C "$tmp/repo" archive HEAD include ggml/include | tar -x -C "$SRC"
fi
# --gc-sections drops libstdc++'s unused random_device code, whose arc4random
# would otherwise raise the glibc floor to 2.36 (Debian 12); what is left
# needs glibc 2.35 (Ubuntu 22.04), about what the shipped libraries need.
g++ -std=c++17 -O2 -Wall -I"$SRC/include" -I"$SRC/ggml/include" -static-libstdc++ -static-libgcc \
  bench/gpu/llama-ref.cpp -ldl -lpthread -Wl,--gc-sections -o build/llama-ref
echo "built build/llama-ref"
