#!/usr/bin/env bash
# `npm run package`: one VSIX per platform with `vsce package --target`:
#   out/hearth-<target>-<version>.vsix   for linux-x64, linux-arm64, win32-x64
# Each is packed from a staging directory holding exactly what that platform
# needs: the manifest, README, media/, the bundles in dist/ (extension, engine
# host, CLI, webview) and prebuilds/<target>/hearth.node. Nothing is fetched
# at install or run time. Targets may be named: package-all.sh linux-x64
# --out FILE (one target only) writes that file instead (the e2e uses it).
set -euo pipefail
. "$(dirname "$0")/../test/e2e/env.sh"   # VSCE_VERSION, HARNESS_DIR (.cache/e2e/harness)
cd "$E2E_REPO"
out_file=""
targets=()
while [ $# -gt 0 ]; do
  case $1 in
    --out) out_file=$2; shift 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(linux-x64 linux-arm64 win32-x64)
[ -z "$out_file" ] || [ ${#targets[@]} -eq 1 ] || { echo "package-all: --out needs exactly one target" >&2; exit 2; }
for t in "${targets[@]}"; do
  [ -f "prebuilds/$t/hearth.node" ] || { echo "package-all: no prebuilds/$t/hearth.node (npm run prebuild:all)" >&2; exit 1; }
done

VSCE="$HARNESS_DIR/node_modules/.bin/vsce"
if [ ! -x "$VSCE" ]; then
  mkdir -p "$HARNESS_DIR"
  [ -f "$HARNESS_DIR/package.json" ] || echo '{"name":"hearth-e2e-harness","private":true,"type":"module"}' > "$HARNESS_DIR/package.json"
  (cd "$HARNESS_DIR" && npm install --no-audit --no-fund --silent "@vscode/vsce@$VSCE_VERSION")
fi

node esbuild.mjs
version=$(node -p "require('./package.json').version")
stage_root=$(mktemp -d /tmp/hearth-package.XXXXXX)
trap 'rm -rf "$stage_root"' EXIT
mkdir -p out
for t in "${targets[@]}"; do
  s="$stage_root/$t"
  mkdir -p "$s/dist" "$s/prebuilds/$t"
  cp package.json README.md "$s/"
  mkdir -p "$s/docs" && cp docs/user-guide.md docs/architecture.md "$s/docs/"
  [ -f LICENSE ] && cp LICENSE "$s/"
  cp -r media "$s/media"
  for f in extension.js engine-host.js template-worker.js discovery-worker.js cli.js webview.js webview.css; do cp "dist/$f" "$s/dist/"; done
  cp "prebuilds/$t/hearth.node" "$s/prebuilds/$t/"
  # The CUDA companion (linux-x64 builds made where nvcc was found).
  if [ -f "prebuilds/$t/hearth_cuda.so" ]; then cp "prebuilds/$t/hearth_cuda.so" "$s/prebuilds/$t/"; fi
  # The repository's .vscodeignore, less the source-build fallback.
  grep -v '^!build/' .vscodeignore > "$s/.vscodeignore"
  dest=${out_file:-out/hearth-$t-$version.vsix}
  mkdir -p "$(dirname "$dest")"
  dest=$(cd "$(dirname "$dest")" && pwd)/$(basename "$dest")
  (cd "$s" && "$VSCE" package --target "$t" --no-dependencies --allow-missing-repository --no-rewrite-relative-links --skip-license \
     -o "$dest" >/dev/null)
  echo "[package] $dest ($(stat -c %s "$dest") bytes, $(du -h "$dest" | cut -f1))"
done
