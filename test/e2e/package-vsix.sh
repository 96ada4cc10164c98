#!/usr/bin/env bash
# `npm run package`: bundles dist/ and packs the extension into a .vsix ($VSIX, or the path given).
set -euo pipefail
. "$(dirname "$0")/env.sh"
OUT=${1:-$VSIX}
cd "$E2E_REPO"
node esbuild.mjs
VSCE="$HARNESS_DIR/node_modules/.bin/vsce"
[ -x "$VSCE" ] || VSCE="npx --yes @vscode/vsce@$VSCE_VERSION"
mkdir -p "$(dirname "$OUT")"
$VSCE package --no-dependencies --allow-missing-repository --skip-license -o "$OUT" >/dev/null
echo "[package] $OUT ($(du -h "$OUT" | cut -f1))"
