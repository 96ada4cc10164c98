// A mixture-of-experts FFN on a Vulkan device (qwen3moe, mellum, gpt-oss),
// computing what cpu/moe-ffn.cpp computes, with the routing kept on the
// device (no readback between layers):
//   router logits (a matmul, + bias) -> moe_topk.comp: each token's experts
//   and weights -> moe_tiles.comp: the (token, slot) pairs grouped by expert
//   into tiles -> the experts' gate/up matmuls (matmul.comp MOE: one
//   workgroup per tile reads its expert's rows from the stacked tensor, + the
//   expert's bias) -> SwiGLU (or gpt-oss's clipped one) -> the down matmul
//   -> moe_combine.comp: the weighted sum per token.
// Every expert of a layer is uploaded (any may be picked); only the picked
// ones are read.
#pragma once

#include <cstdint>
#include <vector>

#include "backend/backend.h"
#include "backend/vulkan/vk-ops.h"

namespace hearth::vk {

// n_expert matrices [rows][cols] of one stacked tensor ([cols, rows, n_expert]
// in GGUF), split by whole experts into buffers that each fit one storage
// binding (and the shader's 32-bit byte offsets).
struct GpuExperts {
    int type = 0;
    int64_t n_expert = 0, rows = 0, cols = 0;
    uint64_t row_bytes = 0;
    struct Chunk {
        BufferPtr buf;
        int64_t e0 = 0, e1 = 0;  // experts [e0, e1)
    };
    std::vector<Chunk> chunks;
    uint64_t bytes = 0;
};
GpuExperts upload_experts(Device & dev, const hearth_experts & x);

// One layer's router, experts and biases on the device.
struct MoeWeights {
    GpuMatrix router;                // [X][E]
    BufferPtr router_b;              // [X] or null
    GpuExperts gate, up, down;       // [X][F][E] x2, [X][E][F]
    BufferPtr gate_b, up_b, down_b;  // [X][F] x2, [X][E] or null
    uint64_t bytes = 0;
};

// The routing every MoE layer of a decoder shares (hearth_decoder_desc's moe_*).
struct MoeRouting {
    int64_t n_used = 0;              // experts per token (K)
    int gating = HEARTH_MOE_SOFTMAX; // hearth_moe_gating
    int act = HEARTH_MOE_SWIGLU;     // hearth_moe_act
    bool normalize = false;
    float weights_scale = 0.0f;      // 0 or 1: none
};
MoeRouting moe_routing(const hearth_decoder_desc & d);

// Uploads layer L's router, experts and biases. Throws UNSUPPORTED for a
// format without a kernel, more experts or picks than the shaders hold, or
// an expert too large for one binding.
MoeWeights upload_moe(Device & dev, const hearth_decoder_desc & d, const hearth_layer_desc & L);

// Activations of one batch, grown on demand, shared by a stage's MoE layers.
// The experts' part runs in chunks of tokens whose [chunk * K][max(F, E)]
// activations fit one binding.
struct MoeScratch {
    int64_t n = 0, n_expert = 0, n_used = 0, n_ff = 0, n_embd = 0, chunk = 0;
    BufferPtr logits;    // [n][X]
    BufferPtr ids;       // [n][K] uint: picked experts
    BufferPtr weights;   // [n][K]
    BufferPtr tiles;     // [tiles of a chunk][10] uint (moe_tiles.comp)
    BufferPtr gate, up;  // [chunk * K][F]
    BufferPtr y;         // [chunk * K][E]: each pair's expert output
    // Room for n tokens of layers with up to n_expert experts of width n_ff.
    // Not while recording: a reallocation would free buffers recorded commands use.
    void ensure(Device & dev, int64_t n, int64_t n_embd, int64_t n_expert, int64_t n_used, int64_t n_ff);
    bool fits(int64_t n, int64_t n_embd, int64_t n_expert, int64_t n_used, int64_t n_ff) const;
};

// out[n][E] = sum over each token's picked experts of weight * FFN_e(h[t]),
// h and out [n][E] from row 0; s must fit (ensure, before the recording
// began). Records with barriers between its own steps, none after the last
// (as the other recorders).
void rec_moe_ffn(Device & dev, const MoeRouting & r, const MoeWeights & w, const Buffer & h, int64_t n, MoeScratch & s,
                 const Buffer & out);

// Tests: at most `tokens` tokens per expert chunk and `experts` experts per
// weight buffer for stages created from now on (0: only the device's
// limits), so that small models take the paths large ones take.
void set_moe_test_limits(int64_t tokens, int64_t experts);

} // namespace hearth::vk
