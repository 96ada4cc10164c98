#!/usr/bin/env bash
# `npm start`: builds Hearth, installs it into a local code-server (127.0.0.1 only, offline) with a
# sample workspace, and prints the URL. The model is $HEARTH_MODEL, else the first one found on this
# machine; with neither it says how to get one. Ctrl+C stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."
. test/e2e/env.sh
bash test/e2e/setup.sh
bash test/e2e/package-vsix.sh
MODEL=${HEARTH_MODEL:-}
if [ -z "$MODEL" ]; then
  MODEL=$(node -e '
    require("tsx/cjs");
    const { discoverModels } = require("./extension/models/discovery.ts");
    const { vetModel } = require("./extension/models/model-check.ts");
    // The usual model stores, then the tiny models in test/fixtures (and ../shared/models where a dev
    // checkout has it); the first usable one wins.
    const found = discoverModels({ home: require("os").homedir(), env: process.env, workspaceFolders: [process.cwd() + "/test/fixtures", process.cwd() + "/../shared/models"] });
    const ok = found.find((m) => { try { vetModel(m.path, { maxBytes: require("os").totalmem() * 0.6 }); return true; } catch { return false; } });
    process.stdout.write(ok ? ok.path : "");')
fi
WS=$E2E_ROOT/sample-workspace
mkdir -p "$WS"
[ -f "$WS/hello.py" ] || printf 'def fibonacci(n):\n    """Return the n-th Fibonacci number."""\n    \n' > "$WS/hello.py"
[ -f "$WS/app.ts" ] || printf 'export function sum(xs: number[]): number {\n  \n}\n' > "$WS/app.ts"
SETTINGS=$E2E_ROOT/start-settings.json
node -e 'const s={"workbench.startupEditor":"none","security.workspace.trust.enabled":false,"telemetry.telemetryLevel":"off","update.mode":"none","extensions.autoCheckUpdates":false,"chat.disableAIFeatures":true,"editor.inlineSuggest.enabled":true};
if (process.argv[1]) s["hearth.model"]=process.argv[1];
require("fs").writeFileSync(process.argv[2], JSON.stringify(s,null,2));' "$MODEL" "$SETTINGS"
trap 'bash test/e2e/stop-code-server.sh' EXIT INT TERM
bash test/e2e/start-code-server.sh "$WS" "$SETTINGS" >/dev/null
echo
echo "Hearth is running in VS Code (code-server) at:"
echo "  http://127.0.0.1:$E2E_PORT/?folder=$WS"
if [ -n "$MODEL" ]; then
  echo "Model: $MODEL"
else
  echo "No model found. Put a GGUF model (for example a Qwen2.5-Coder 0.5B/1.5B Q8_0 .gguf) in ~/models,"
  echo "or run with HEARTH_MODEL=/path/to/model.gguf npm start, or use 'Hearth: Select Model' in the editor."
fi
echo "Press Ctrl+C to stop."
while kill -0 "$(cat "$RUN_DIR/code-server.pid" 2>/dev/null)" 2>/dev/null; do sleep 2; done
