// The architecture registry's contract. Each architecture lives in one file
// (arch-<name>.cpp) that reads its hparams, binds its tensors by name from
// the mapping and runs its forward pass; arch-registry.cpp maps
// general.architecture to it. Adding starcoder2, gemma2, phi3 or qwen3 is one
// more file plus one registry line.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "cpu/cpu-ops.h"
#include "model/hparams.h"
#include "tokenizer/tokenizer.h"

namespace hearth {

class GgufFile;
class KvCache;

struct ForwardBatch {
    const TokenId * tokens = nullptr;  // [n_tokens]
    int64_t n_tokens = 0;
    int64_t pos0 = 0;                  // position of tokens[0]; the cache holds 0 .. pos0-1
    KvCache * kv = nullptr;
    float * logits = nullptr;          // [n_tokens or 1][n_vocab]
    bool all_logits = false;           // false: logits of the last token only
};

class ModelArch {
public:
    virtual ~ModelArch() = default;
    virtual const ModelHparams & hparams() const = 0;
    // Runs the batch, appends its keys/values to the cache at pos0.., writes logits.
    virtual void forward(const CpuContext & ctx, const ForwardBatch & batch) const = 0;
    // Rotates cached keys k[n_head_kv][head_dim] of one position by delta
    // positions (context shift: the rotation composes, so -n moves them back).
    virtual void rope_shift_keys(float * k, int64_t delta) const = 0;
};

// Throws E_MODEL_UNSUPPORTED_ARCH naming general.architecture when no file handles it.
std::unique_ptr<ModelArch> arch_create(const GgufFile & file);
// The names arch_create accepts, for messages and `hearth inspect`.
const char * const * arch_supported_names();

// One line per architecture file.
std::unique_ptr<ModelArch> arch_llama_create(const GgufFile & file);  // arch-llama.cpp
std::unique_ptr<ModelArch> arch_qwen2_create(const GgufFile & file);  // arch-qwen2.cpp

} // namespace hearth
