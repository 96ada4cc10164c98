#!/usr/bin/env bash
# CI step: typecheck the webview, then the e2e in a real VS Code (code-server + chromium, offline),
# on the tiny model in test/fixtures (HEARTH_SHARED_MODELS: another folder with the same layout).
set -euo pipefail
cd "$(dirname "$0")/../.."
npx tsc -p webview --noEmit
MODELS=${HEARTH_SHARED_MODELS:-$PWD/test/fixtures}
MODEL="$MODELS/tiny-llama/tinyllamas-stories-260k-f32.gguf"
if [ ! -f "$MODEL" ]; then
  echo "e2e: $MODEL is missing" >&2
  exit 1
fi
MODEL="$MODEL" bash test/e2e/run-e2e.sh
# The second, short pass: the flows that need an answer with a code block, on the deterministic fake engine.
HEARTH_ENGINE=fake E2E_STEPS=fake-pass E2E_OUT="$PWD/test/artifacts/e2e-fake-pass" MODEL="$MODEL" bash test/e2e/run-e2e.sh
