// A mixture-of-experts FFN on the CPU (qwen3moe, mellum): a router picks the
// top-k experts per token, each picked expert runs a SwiGLU FFN, and the
// outputs add up weighted by the router's probabilities.
//
// Tokens are grouped by expert, so each expert's weights are read once per
// batch (not once per token that picked it), and only the picked experts'
// weights are read at all: in a mapped file that is what keeps a 30B model
// with 3B active parameters per token at the cost of a 3B one.
#pragma once

#include <cstdint>
#include <vector>

#include "backend/backend.h"
#include "cpu/cpu-ops.h"

namespace hearth {

// Activations of one batch, reused across layers.
struct MoeScratch {
    std::vector<float> logits;          // [n][n_expert]
    std::vector<int32_t> picked;        // [n][n_expert_used]
    std::vector<float> weight;          // [n][n_expert_used]
    std::vector<int32_t> rows;          // tokens of one expert
    std::vector<float> x, gate, up, y;  // that expert's gathered rows and FFN
};

// out[n][n_embd] = sum over each token's picked experts of weight * FFN_e(h[t]),
// with L's router and experts and d's n_expert_used / moe_normalize / moe_weights_scale.
void moe_ffn_cpu(const CpuContext & ctx, const hearth_decoder_desc & d, const hearth_layer_desc & L, const float * h,
                 int64_t n, float * out, MoeScratch & s);

} // namespace hearth
