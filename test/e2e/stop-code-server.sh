#!/usr/bin/env bash
# Stops the code-server started by start-code-server.sh: its process group (server, extension hosts,
# engine processes, watchers), by the id it recorded.
set -uo pipefail
. "$(dirname "$0")/env.sh"
PIDFILE="$RUN_DIR/code-server.pid"
[ -f "$PIDFILE" ] || exit 0
PID=$(cat "$PIDFILE")
kill -TERM -- "-$PID" 2>/dev/null
for _ in $(seq 1 50); do kill -0 -- "-$PID" 2>/dev/null || break; sleep 0.1; done
kill -KILL -- "-$PID" 2>/dev/null
rm -f "$PIDFILE"
echo "[cs] stopped process group $PID"
