#!/usr/bin/env bash
# Packs the extension for the e2e into a .vsix ($VSIX, or the path given): the
# linux-x64 platform VSIX that `npm run package` makes (scripts/package-all.sh)
# when prebuilds/linux-x64 exists, as users get it; otherwise (a source checkout
# without a prebuild) a platform-neutral one holding build/Release/hearth.node.
set -euo pipefail
. "$(dirname "$0")/env.sh"
OUT=${1:-$VSIX}
cd "$E2E_REPO"
if [ -f prebuilds/linux-x64/hearth.node ]; then
  exec bash scripts/package-all.sh --out "$OUT" linux-x64
fi
node esbuild.mjs
VSCE="$HARNESS_DIR/node_modules/.bin/vsce"
[ -x "$VSCE" ] || VSCE="npx --yes @vscode/vsce@$VSCE_VERSION"
mkdir -p "$(dirname "$OUT")"
$VSCE package --no-dependencies --allow-missing-repository --no-rewrite-relative-links --skip-license -o "$OUT" >/dev/null
echo "[package] $OUT ($(du -h "$OUT" | cut -f1))"
