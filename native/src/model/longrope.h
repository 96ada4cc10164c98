// LongRoPE (phi3: Phi-3-mini/medium-128k, Phi-3.5-mini, Phi-4-mini): two
// sets of per-pair divisors of RoPE's theta, one tuned for contexts up to the
// original training context and one for longer ones. As in llama.cpp, one set
// serves a whole context: the long set when the context exceeds
// rope.scaling.original_context_length, else the short one. Hearth chooses
// once, at load, with the context its sessions default to (the Vulkan stage's
// cos/sin tables and the CPU's rope both read the chosen set as the
// decoder's rope_freqs); cos and sin are also times rope.scaling.attn_factor
// (ModelHparams::rope_attn_factor, HEARTH_OP_ROPE_MSCALE).
#pragma once

#include <cstdint>

#include "model/hparams.h"

namespace hearth {

class GgufFile;
class WeightBinder;

struct LongRope {
    const float * long_factors = nullptr;   // [n_rot/2]
    const float * short_factors = nullptr;  // [n_rot/2]
    int64_t ctx_orig = 0;                   // rope.scaling.original_context_length
    explicit operator bool() const { return long_factors != nullptr; }
    // The set a context of n_ctx positions uses (llama.cpp compares its
    // per-sequence context, rounded up to 256 cells, with the same bound;
    // the released models' bounds are multiples of 256, so the two agree).
    const float * factors_for(int64_t n_ctx) const { return n_ctx > ctx_orig ? long_factors : short_factors; }
};

// Binds rope_factors_long.weight and rope_factors_short.weight when
// hp.rope_longrope (an empty LongRope otherwise). Both must be present, F32,
// of shape [n_rot/2], every value finite and positive (a divisor of theta):
// E_MODEL_BAD_TENSOR naming the tensor otherwise. Pointers into the mapping
// (or into the binder's storage when misaligned).
LongRope longrope_bind(const GgufFile & file, WeightBinder & bind, const ModelHparams & hp);

} // namespace hearth
