#!/usr/bin/env bash
# Starts a fresh code-server on 127.0.0.1 (auth none, isolated HOME / user data / extensions) with the
# Hearth .vsix installed. Usage: start-code-server.sh <workspace dir> [settings.json]
# Extra environment for the extension host: HEARTH_ENGINE, HEARTH_E2E_STATUS_FILE.
set -euo pipefail
. "$(dirname "$0")/env.sh"
WS=${1:?workspace dir}
SETTINGS=${2:-}
rm -rf "$RUN_DIR/home" "$RUN_DIR/user-data" "$RUN_DIR/extensions"
mkdir -p "$RUN_DIR"/{home,user-data/User,extensions,out} "$WS"
printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "$E2E_PORT" > "$RUN_DIR/config.yaml"
[ -n "$SETTINGS" ] && cp "$SETTINGS" "$RUN_DIR/user-data/User/settings.json"
export PATH="$NODE24_DIR/bin:$PATH" HOME="$RUN_DIR/home" XDG_CONFIG_HOME="$RUN_DIR/home/.config" XDG_DATA_HOME="$RUN_DIR/home/.local/share" XDG_CACHE_HOME="$RUN_DIR/home/.cache"
COMMON=(--config "$RUN_DIR/config.yaml" --user-data-dir "$RUN_DIR/user-data" --extensions-dir "$RUN_DIR/extensions")
"$CS_BIN" "${COMMON[@]}" --install-extension "$VSIX" >/dev/null
date +%s%3N > "$RUN_DIR/start.ms"
# setsid: the server leads its own process group, so stop-code-server.sh ends it and all its children.
setsid "$CS_BIN" "${COMMON[@]}" --disable-telemetry --disable-update-check --disable-workspace-trust \
  --disable-getting-started-override "$WS" > "$RUN_DIR/code-server.log" 2>&1 < /dev/null &
echo $! > "$RUN_DIR/code-server.pid"
for _ in $(seq 1 300); do
  curl -s -o /dev/null "http://127.0.0.1:$E2E_PORT/healthz" && break
  kill -0 "$(cat "$RUN_DIR/code-server.pid")" 2>/dev/null || { cat "$RUN_DIR/code-server.log"; exit 1; }
  sleep 0.1
done
echo "[cs] pid $(cat "$RUN_DIR/code-server.pid") on http://127.0.0.1:$E2E_PORT/?folder=$WS"
