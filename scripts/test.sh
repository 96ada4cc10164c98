#!/usr/bin/env bash
# The whole test suite, in the order CI runs it. Prints the time of each step.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node_api.h ]; then
  export npm_config_nodedir=/usr
fi

step() {
  local name=$1; shift
  local t0=$SECONDS
  echo "=== step: $name"
  "$@"
  echo "=== step: $name took $((SECONDS - t0)) s"
}

step "typecheck" npx tsc -p . --noEmit
step "lint (eslint)" npm run -s lint
step "bundle" node esbuild.mjs
step "prebuild (prebuildify --napi --strip)" npx prebuildify --napi --strip
step "prebuild loads alone (PREBUILDS_ONLY=1)" npm run -s test:prebuild
step "mocha (unit, native, differential)" npx mocha
for extra in scripts/test.d/*.sh; do
  [ -e "$extra" ] || continue
  step "$(basename "$extra" .sh)" bash "$extra"
done
