#!/usr/bin/env bash
# CI step: typecheck the webview, then the e2e in a real VS Code (code-server + chromium, offline).
# Skips (with the reason) only when ../shared/models is absent.
set -euo pipefail
cd "$(dirname "$0")/../.."
npx tsc -p webview --noEmit
MODELS=${HEARTH_SHARED_MODELS:-$(cd .. && pwd)/shared/models}
if [ ! -d "$MODELS" ]; then
  echo "e2e skipped: $MODELS is absent (CI provides it)"
  exit 0
fi
MODEL="$MODELS/tiny-llama/tinyllamas-stories-260k-f32.gguf" bash test/e2e/run-e2e.sh
