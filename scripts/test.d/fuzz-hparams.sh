#!/usr/bin/env bash
# Part of `npm test`: 45 s of libFuzzer on model-settings validation and weight binding.
set -euo pipefail
exec bash "$(dirname "$0")/../fuzz-hparams.sh" 45
