#!/usr/bin/env bash
# Usage: stage-gyp-dir.sh <dir>
# node-gyp and prebuildify always build into ./build of their working
# directory, so each target gets its own directory (build-<target>/, gitignored)
# whose sources are links back to the repository: one target's objects never
# overwrite another's, and the repository's own build/ stays untouched.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
dir=$1
mkdir -p "$dir"
for f in binding.gyp package.json native scripts node_modules; do
  ln -sfn "$repo/$f" "$dir/$f"
done
