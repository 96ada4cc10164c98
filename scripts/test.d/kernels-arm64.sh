#!/usr/bin/env bash
# arm64 kernels (NEON, dotprod, dispatch fallback) cross-built and run under
# qemu-aarch64; ~45 s on the 2-core CI box. Same as `npm run test:arm64`.
set -euo pipefail
exec bash "$(dirname "$0")/../../test/kernels/native/run-arm64.sh"
