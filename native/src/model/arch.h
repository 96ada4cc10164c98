// The architecture registry's contract. Each architecture lives in one file
// (arch-<name>.cpp) that reads and checks its hparams and states its block as
// options of the one decoder (model/decoder.h), which binds the tensors and
// runs the forward pass; arch-registry.cpp maps general.architecture to it.
// Adding an architecture is one more file plus its name in
// native/lists/architectures.json (then npm run gen:lists).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"

#include "backend/backend.h"
#include "cpu/cpu-ops.h"
#include "model/hparams.h"
#include "tokenizer/tokenizer.h"

namespace hearth {

class GgufFile;
class KvCache;

// The tail of the layer stack placed on a backend stage (llama.cpp's -ngl):
// layers [layer_begin, n_layer) run there, the rest on the CPU.
struct StageRun {
    const hearth_backend * backend = nullptr;
    hearth_stage * stage = nullptr;
    hearth_kv * kv = nullptr;        // this session's device KV for the stage
    int64_t layer_begin = 0;
    bool with_output = false;        // the stage also runs output norm + head
};

struct ForwardBatch {
    const TokenId * tokens = nullptr;  // [n_tokens]
    int64_t n_tokens = 0;
    int64_t pos0 = 0;                  // position of tokens[0]; the cache holds 0 .. pos0-1
    KvCache * kv = nullptr;
    float * logits = nullptr;          // [n_tokens or 1][n_vocab]
    bool all_logits = false;           // false: logits of the last token only
    const StageRun * stage = nullptr;  // nullptr: every layer on the CPU (kv holds all layers)
};

// A backend stage's error, carried out of forward() so that the engine can
// fall back to the CPU (Session::decode) instead of failing the request.
class BackendError : public EngineError {
public:
    BackendError(StatusCode code, const std::string & message) : EngineError(code, message) {}
};

class ModelArch {
public:
    virtual ~ModelArch() = default;
    virtual const ModelHparams & hparams() const = 0;
    // Runs the batch, appends its keys/values to the cache at pos0.., writes logits.
    virtual void forward(const CpuContext & ctx, const ForwardBatch & batch) const = 0;
    // Rotates layer `layer`'s cached keys k[n_head_kv][head_dim] of one
    // position by delta positions (context shift: the rotation composes, so
    // -n moves them back). Per layer: sliding layers may have their own base.
    virtual void rope_shift_keys(int64_t layer, float * k, int64_t delta) const = 0;
    // The layers as backend descriptors (pointers into the mapping), or
    // nullptr when this architecture cannot be offloaded.
    virtual const hearth_decoder_desc * backend_desc() const { return nullptr; }
    // The context this model's sessions default to (ModelLoadOptions::n_ctx),
    // told once at load before the layers are placed, so that what depends
    // on it (phi3's LongRoPE factor set) is fixed for the CPU and the backend
    // stage alike. Until told: hparams_default_context.
    virtual void set_context(int64_t n_ctx) { (void)n_ctx; }
};

// Throws E_MODEL_UNSUPPORTED_ARCH naming general.architecture when no file handles it.
std::unique_ptr<ModelArch> arch_create(const GgufFile & file);
// One create function per architecture file (arch-<name>.cpp), declared from
// native/lists/architectures.json, the list TypeScript reads too.
#define HEARTH_ARCH(ident, name) std::unique_ptr<ModelArch> arch_##ident##_create(const GgufFile & file);
#include "model/architectures.inc"
#undef HEARTH_ARCH

} // namespace hearth
