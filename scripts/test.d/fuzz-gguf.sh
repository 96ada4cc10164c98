#!/usr/bin/env bash
# Part of `npm test`: 75 s of libFuzzer on the GGUF parser.
set -euo pipefail
exec bash "$(dirname "$0")/../fuzz-gguf.sh" 75
