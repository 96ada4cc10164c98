// One pre-norm decoder layer and the output head on the CPU, written over
// the backend contract's descriptors (backend/backend.h) so that the decoder
// (layers it keeps on the CPU) and the CPU backend's stages run the same code.
#pragma once

#include <cstdint>
#include <vector>

#include "backend/backend.h"
#include "cpu/cpu-ops.h"
#include "backend/cpu/moe-ffn.h"

namespace hearth {

// Activations of one batch of n tokens, reused across layers. `work` holds
// attention's q, k, v and output, then the FFN's gate and up rows: the two
// never live at once, so the batch pays for the larger only.
struct DecoderScratch {
    std::vector<float> h, o, work;
    MoeScratch moe;
    void reserve(const hearth_decoder_desc & d, int64_t n);
};

// x[n][n_embd] in place: x += attention(attn_norm(x)), appending rows pos0..
// to the F16 caches k_cache/v_cache [n_ctx][n_head_kv][head_dim].
void decoder_attention_cpu(const CpuContext & ctx, const hearth_decoder_desc & d, const hearth_layer_desc & L,
                           float * x, int64_t n, int64_t pos0, uint16_t * k_cache, uint16_t * v_cache,
                           DecoderScratch & s);

// x[n][n_embd] in place: x += FFN(ffn_norm(x)) (SwiGLU, GeGLU or GELU MLP, by d.ffn_type).
void decoder_ffn_cpu(const CpuContext & ctx, const hearth_decoder_desc & d, const hearth_layer_desc & L, float * x,
                     int64_t n, DecoderScratch & s);

// x[n][n_embd] in place: x += mixture-of-experts FFN(ffn_norm(x)) (layers with ffn_router).
void decoder_moe_ffn_cpu(const CpuContext & ctx, const hearth_decoder_desc & d, const hearth_layer_desc & L, float * x,
                         int64_t n, DecoderScratch & s);

// Attention then the layer's FFN (dense or mixture of experts): one whole layer.
void decoder_layer_cpu(const CpuContext & ctx, const hearth_decoder_desc & d, const hearth_layer_desc & L,
                       float * x, int64_t n, int64_t pos0, uint16_t * k_cache, uint16_t * v_cache,
                       DecoderScratch & s);

// logits[rows][n_vocab] from x[rows][n_embd]: output norm, then the head.
void decoder_head_cpu(const CpuContext & ctx, const hearth_decoder_desc & d, const float * x, int64_t rows,
                      float * logits, DecoderScratch & s);

// Rotates layer L's keys k[n_head_kv][head_dim] of one position by delta positions.
void decoder_rope_shift_keys(const hearth_decoder_desc & d, const hearth_layer_desc & L, float * k, int64_t delta);

} // namespace hearth
