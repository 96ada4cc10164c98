#!/usr/bin/env bash
# The whole e2e: setup (cached), package the .vsix, start code-server with it and a test workspace,
# drive it with Playwright, stop everything. Screenshots land in test/artifacts/e2e/.
# The engine is the real runtime: chat on the tiny model in test/fixtures, completions on a random-weight qwen2 model
# with Qwen FIM tokens (test/helpers/fim-model.ts): ghost text must equal what `hearth complete` gives at the
# same position. HEARTH_ENGINE=fake runs the same flows on the deterministic fake; with E2E_STEPS=fake-pass, only
# the steps that need the fake's answers (a code block), which a real-engine run leaves to that pass.
set -euo pipefail
. "$(dirname "$0")/env.sh"
MODEL=${MODEL:-$E2E_REPO/test/fixtures/tiny-llama/tinyllamas-stories-260k-f32.gguf}
SECONDS=0
FIM_MODEL=${FIM_MODEL:-$(cd "$E2E_REPO" && node -r tsx/cjs test/e2e/make-fim-model.ts)}
bash "$E2E_REPO/test/e2e/setup.sh"
bash "$E2E_REPO/test/e2e/package-vsix.sh"
trap 'bash "$E2E_REPO/test/e2e/stop-code-server.sh"' EXIT
WS=$RUN_DIR/ws
BAD=$RUN_DIR/bad-models
OUT=${E2E_OUT:-$E2E_REPO/test/artifacts/e2e}
rm -rf "$WS" "$BAD" "$OUT" && mkdir -p "$WS/models" "$BAD" "$OUT"
ln -s "$MODEL" "$WS/models/$(basename "$MODEL")"                     # found by discovery (workspace)
printf 'not a model at all, just text\n%.0s' {1..10} > "$BAD/corrupt.gguf"
ln -s "$(dirname "$MODEL")/../llama.cpp-vocab/ggml-vocab-mpt.gguf" "$BAD/mpt-vocab.gguf"
# A valid header on a 4 TiB sparse file: passes the header checks, fails the size check, uses no disk.
cp "$MODEL" "$BAD/huge.gguf" && truncate -s 4T "$BAD/huge.gguf"
SETTINGS=$RUN_DIR/settings.json
node -e '
const s = {
  "workbench.startupEditor": "none", "workbench.tips.enabled": false, "workbench.enableExperiments": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden", "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off", "update.mode": "none", "extensions.autoUpdate": "off",
  "extensions.autoCheckUpdates": false, "extensions.ignoreRecommendations": true, "chat.disableAIFeatures": true,
  "editor.inlineSuggest.enabled": true, "editor.quickSuggestions": { other: false, comments: false, strings: false },
  "editor.suggestOnTriggerCharacters": false, "editor.wordBasedSuggestions": "off", "editor.acceptSuggestionOnEnter": "off",
  "editor.autoClosingBrackets": "never", "editor.autoClosingQuotes": "never", "files.autoSave": "off",
  "hearth.model": process.argv[1], "hearth.chat.replyTokens": 64,
  // Completions: the FIM model, this file alone in the prompt (as `hearth complete` builds it), and alternatives
  // hot enough to differ on a random model (its top logit is ~20 above the next).
  "hearth.completion.model": process.argv[3], "hearth.completion.otherFiles": false,
  "hearth.completion.alternativeTemperature": 30 };
require("fs").writeFileSync(process.argv[2], JSON.stringify(s, null, 2));' "$MODEL" "$SETTINGS" "$FIM_MODEL"
export HEARTH_E2E_STATUS_FILE=$RUN_DIR/activated.json
# The engine's per-run completion figures (NativeEngine.onCompletionStats), one JSON line each.
export HEARTH_COMPLETION_STATS_FILE=$RUN_DIR/completion-stats.jsonl
rm -f "$HEARTH_COMPLETION_STATS_FILE"
bash "$E2E_REPO/test/e2e/start-code-server.sh" "$WS" "$SETTINGS"
cp "$E2E_REPO/test/e2e/e2e.mjs" "$HARNESS_DIR/e2e.mjs"   # next to its node_modules (playwright-core)
CS_URL="http://127.0.0.1:$E2E_PORT" WS_DIR="$WS" STATUS_FILE="$HEARTH_E2E_STATUS_FILE" STATS_FILE="$HEARTH_COMPLETION_STATS_FILE" OUT_DIR="$OUT" RUN_DIR="$RUN_DIR" \
  MODEL="$MODEL" FIM_MODEL="$FIM_MODEL" BAD_DIR="$BAD" CHROME="$CHROME" HEARTH_CLI="$E2E_REPO/bin/hearth.js" \
  node "$HARNESS_DIR/e2e.mjs"
echo "[e2e] done in ${SECONDS}s (screenshots: $OUT)"
