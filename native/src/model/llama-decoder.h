// The pre-norm decoder shared by llama-like architectures: RMSNorm, RoPE,
// grouped-query attention over an F16 KV cache, SwiGLU FFN, optional QKV
// biases, optional per-head QK-norm, a dense or mixture-of-experts SwiGLU
// FFN, tied or separate output embedding. An architecture file picks the
// options; architectures with other blocks (LayerNorm, GELU) get their own
// decoder file.
#pragma once

#include <memory>
#include <string>

#include "model/arch.h"

namespace hearth {

enum BiasPolicy {
    BIAS_POLICY_NONE,      // never looked up
    BIAS_POLICY_OPTIONAL,  // bound when present
    BIAS_POLICY_REQUIRED,  // missing -> E_MODEL_BAD_TENSOR
};

struct LlamaDecoderOptions {
    bool rope_neox = false;                     // qwen2: NeoX pairs; llama: adjacent pairs
    BiasPolicy qkv_bias = BIAS_POLICY_OPTIONAL;
    bool qk_norm = false;                       // qwen3: attn_q_norm/attn_k_norm [head_dim] required
    // Mixture-of-experts FFN (qwen3moe): ffn_gate_inp + stacked ffn_{gate,up,down}_exps
    // instead of ffn_{gate,up,down}; such a model runs on the CPU only for now.
    bool moe = false;
    bool moe_normalize_weights = true;
};

std::unique_ptr<ModelArch> llama_decoder_create(const GgufFile & file, const std::string & arch,
                                                const LlamaDecoderOptions & options);

} // namespace hearth
