// The pre-norm transformer decoder that every supported architecture is:
// token embeddings, n_layer blocks of
//     x += [post_norm](attention(norm(x)))
//     x += [post_norm](ffn(norm(x)))
// then a final norm and the output head. An architecture file
// (arch-<name>.cpp) reads and checks its settings (hparams_read_common plus
// its own keys) and states its block as DecoderOptions: which norm, which
// FFN, which biases and extra norms, which layers slide. The decoder binds
// the tensors by their GGUF names (blk.<i>.attn_q.weight, ...) with the
// shapes the settings imply and runs the block (backend/cpu/decoder-layer.h) on
// the CPU or hands the layers to a backend as a hearth_decoder_desc.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "model/arch.h"

namespace hearth {

enum BiasPolicy {
    BIAS_POLICY_NONE,      // never looked up
    BIAS_POLICY_OPTIONAL,  // bound when present
    BIAS_POLICY_REQUIRED,  // missing -> E_MODEL_BAD_TENSOR
};

struct DecoderOptions {
    bool rope_neox = false;                     // NeoX pairs (i, i + n_rot/2); else adjacent pairs
    int norm = HEARTH_NORM_RMS;                 // HEARTH_NORM_LAYER: every norm has a ".bias" too
    int ffn = HEARTH_FFN_SWIGLU;                // hearth_ffn_type
    BiasPolicy qkv_bias = BIAS_POLICY_OPTIONAL; // attn_{q,k,v}.bias
    BiasPolicy linear_bias = BIAS_POLICY_NONE;  // attn_output.bias, ffn_{gate,up,down}.bias (no gate bias in a GELU MLP)
    bool qk_norm = false;                       // attn_q_norm/attn_k_norm [head_dim] required
    // Fused weights (phi3): attn_qkv.weight [n_embd, Q + 2 KV] (and its bias)
    // when a file has it instead of attn_{q,k,v}; ffn_up.weight [n_embd, 2 n_ff]
    // holding the gate rows then the up rows. Bound as row views, not copied.
    bool fused_qkv_allowed = false;
    bool fused_gate_up = false;
    bool post_norms = false;                    // post_attention_norm, post_ffw_norm [n_embd] required
    float embd_scale = 1.0f;                    // the embedding rows times this (gemma: sqrt(n_embd))
    float attn_scale = 0.0f;                    // softmax scale of q.k; 0: 1/sqrt(head_dim)
    float attn_softcap = 0.0f;                  // scores -> c * tanh(scores / c); 0: none (gemma2)
    float residual_scale = 1.0f;                // each sub-block's output times this (granite)
    float logit_scale = 1.0f;                   // the logits times this (granite: 1 / logit_scale)
    float logit_softcap = 0.0f;                 // 0: none
    // Sliding-window attention: layers with swa_layers[il] attend to the last
    // n_swa positions only, with their own RoPE base and scale.
    int64_t n_swa = 0;
    std::vector<bool> swa_layers;               // [n_layer]; empty: none slide
    float rope_freq_base_swa = 10000.0f;
    float rope_freq_scale_swa = 1.0f;
    bool rope_yarn_swa = false;                 // sliding layers get the model's YaRN too
    // LongRoPE's two factor sets (model/longrope.h) when the file has them;
    // false: such a file is refused (E_MODEL_UNSUPPORTED_ARCH).
    bool longrope = false;
    // Mixture-of-experts FFN (qwen3moe, mellum): ffn_gate_inp + stacked
    // ffn_{gate,up,down}_exps instead of ffn_{gate,up,down}; the GPU backends
    // have no expert op yet, so such layers run on the CPU.
    bool moe = false;
    bool moe_normalize_weights = true;
    int moe_gating = HEARTH_MOE_SOFTMAX;
    int moe_act = HEARTH_MOE_SWIGLU;
    bool moe_biases = false;                    // ffn_gate_inp.bias and per-expert ffn_*_exps.bias required (gpt-oss)
    bool attn_sinks = false;                    // attn_sinks.weight [n_head] required (gpt-oss)
    // The FFN's pre-norm tensor (gpt-oss calls it post_attention_norm).
    const char * ffn_norm_name = "ffn_norm";
};

// hp: from hparams_read_common (and hparams_read_moe for a MoE model), so
// already checked against the file's tensors.
std::unique_ptr<ModelArch> decoder_create(const GgufFile & file, const ModelHparams & hp, const DecoderOptions & options);

} // namespace hearth
