// A mixture-of-experts FFN on the CPU (qwen3moe; later mellum, gpt-oss): a
// router picks the top-k experts per token, each picked expert runs a SwiGLU
// FFN, and the outputs add up weighted by the router's probabilities.
//
// Tokens are grouped by expert, so each expert's weights are read once per
// batch (not once per token that picked it), and only the picked experts'
// weights are read at all: in a mapped file that is what keeps a 30B model
// with 3B active parameters per token at the cost of a 3B one.
#pragma once

#include <cstdint>
#include <vector>

#include "cpu/cpu-ops.h"
#include "model/weights.h"

namespace hearth {

struct MoeFfnWeights {
    WeightMatrix router;   // [n_expert][n_embd]
    ExpertMatrices gate;   // per expert [n_ff_exp][n_embd]
    ExpertMatrices up;     // per expert [n_ff_exp][n_embd]
    ExpertMatrices down;   // per expert [n_embd][n_ff_exp]
};

struct MoeFfnOptions {
    int64_t n_expert_used = 0;
    bool normalize_weights = true;  // the picked probabilities divided by their sum
    float weights_scale = 0.0f;     // 0 or 1: none
};

// Activations of one batch, reused across layers.
struct MoeScratch {
    std::vector<float> logits;          // [n][n_expert]
    std::vector<int32_t> picked;        // [n][n_expert_used]
    std::vector<float> weight;          // [n][n_expert_used]
    std::vector<int32_t> rows;          // tokens of one expert
    std::vector<float> x, gate, up, y;  // that expert's gathered rows and FFN
};

// out[n][n_embd] = sum over each token's picked experts of weight * FFN_e(h[t]).
void moe_ffn_cpu(const CpuContext & ctx, const MoeFfnWeights & w, const MoeFfnOptions & opt, const float * h,
                 int64_t n, int64_t n_embd, float * out, MoeScratch & s);

} // namespace hearth
