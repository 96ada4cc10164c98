#!/usr/bin/env bash
# Builds the latency benchmark's peer: llama.cpp's llama-server, CPU only, from
# the llama.cpp source node-llama-cpp ships (the same commit as our oracle), so
# the peer and the oracle never drift apart. A benchmark step, not part of CI.
#
# Idempotent: does nothing when .cache/peer/llama-server already exists.
# Nothing is downloaded: the source is the git bundle in node_modules, the web
# UI is neither built nor fetched (LLAMA_BUILD_UI/LLAMA_USE_PREBUILT_UI off),
# and HTTPS/curl support is off. LLAMA_CURL is only a deprecated, ignored
# option at this commit; it is passed anyway so the intent is explicit.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
peer_dir="$repo_root/.cache/peer"
src_dir="$peer_dir/llama.cpp"
build_dir="$peer_dir/build"
binary="$peer_dir/llama-server"
bundle="$repo_root/node_modules/node-llama-cpp/llama/gitRelease.bundle"
jobs="${PEER_BUILD_JOBS:-2}"

if [[ -x "$binary" ]]; then
  echo "llama-server already built: $binary"
  exit 0
fi
if [[ ! -f "$bundle" ]]; then
  echo "missing $bundle (node-llama-cpp not installed?)" >&2
  exit 1
fi

mkdir -p "$peer_dir"
if [[ ! -d "$src_dir/.git" ]]; then
  git clone --quiet "$bundle" "$src_dir"
fi
echo "llama.cpp source: $(git -C "$src_dir" rev-parse HEAD)"

# GGML_NATIVE=ON: the peer at its best on this machine (the same CPU features
# Hearth's kernels use). Static libs so the one binary can be copied out.
cmake -S "$src_dir" -B "$build_dir" \
  -DCMAKE_BUILD_TYPE=Release \
  -DBUILD_SHARED_LIBS=OFF \
  -DGGML_NATIVE=ON \
  -DGGML_CUDA=OFF -DGGML_VULKAN=OFF -DGGML_METAL=OFF \
  -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF \
  -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF \
  -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
  -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_TOOLS=ON

cmake --build "$build_dir" --config Release --target llama-server -j "$jobs"

built="$(find "$build_dir" -type f -name llama-server -perm -u+x | head -n 1)"
if [[ -z "$built" ]]; then
  echo "build finished but no llama-server binary found under $build_dir" >&2
  exit 1
fi
cp "$built" "$binary.tmp"
mv "$binary.tmp" "$binary"
echo "built $binary"
