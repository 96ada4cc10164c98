#!/usr/bin/env bash
# Part of `npm test`: libFuzzer on the tokenizers, 8 s per tokenizer type
# (7 types: about 60 s of fuzzing).
set -euo pipefail
exec bash "$(dirname "$0")/../fuzz-tokenizer.sh" 8
