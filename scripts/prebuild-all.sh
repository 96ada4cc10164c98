#!/usr/bin/env bash
# `npm run prebuild:all`: every prebuild this Linux x64 machine can make,
#   prebuilds/linux-x64/hearth.node    native g++ (all x86 ISA levels, runtime dispatch)
#   prebuilds/linux-arm64/hearth.node  g++-aarch64-linux-gnu (neon + dotprod, getauxval dispatch)
#   prebuilds/win32-x64/hearth.node    mingw-w64 (posix threads, static runtime, delay-load hook)
# each built in its own build-<target>/ directory. Targets may be named to
# build only those: prebuild-all.sh linux-arm64 win32-x64
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node_api.h ]; then
  export npm_config_nodedir=/usr
fi
export MAKEFLAGS=${MAKEFLAGS:--j2}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(linux-x64 linux-arm64 win32-x64)
t_all=$SECONDS
for t in "${targets[@]}"; do
  t0=$SECONDS
  case $t in
    linux-x64)   bash scripts/prebuild/linux.sh x64 ;;
    linux-arm64) bash scripts/prebuild/linux.sh arm64 ;;
    win32-x64)   node scripts/prebuild/win32-x64.mjs --jobs 2 ;;
    *) echo "prebuild-all: unknown target '$t' (linux-x64, linux-arm64, win32-x64)" >&2; exit 2 ;;
  esac
  echo "=== prebuild $t took $((SECONDS - t0)) s"
done
echo "=== prebuild:all took $((SECONDS - t_all)) s"
ls -l prebuilds/*/hearth.node
