// gemma3 (Gemma 3 270M-27B text models, CodeGemma's successors): RMSNorm
// before and after each sub-block (post_attention_norm, post_ffw_norm), QK-norm,
// a GeGLU FFN, NeoX RoPE, embeddings scaled by sqrt(n_embd), and
// interleaved sliding-window attention: five of every six layers see the
// last attention.sliding_window positions with RoPE base rope.freq_base_swa
// (10000 by default) and no scaling, the sixth sees everything with the
// model's RoPE. GGUF norms already hold Gemma's (1 + w), so they are plain
// RMSNorm weights here.
#include <cmath>

#include "model/decoder.h"

namespace hearth {

std::unique_ptr<ModelArch> arch_gemma3_create(const GgufFile & file) {
    ModelHparams hp = hparams_read_common(file, "gemma3");
    DecoderOptions opt;
    opt.rope_neox = true;
    opt.qkv_bias = BIAS_POLICY_OPTIONAL;
    opt.qk_norm = true;
    opt.post_norms = true;
    opt.ffn = HEARTH_FFN_GEGLU;
    opt.embd_scale = std::sqrt((float)hp.n_embd);
    // Queries are scaled by query_pre_attn_scalar^-1/2, which GGUF does not
    // carry: it is the head size, except in the 27B (62 layers), where it is
    // n_embd / n_head.
    const int64_t pre_attn = hp.n_layer == 62 ? hp.n_embd / hp.n_head : hp.head_dim;
    opt.attn_scale = 1.0f / std::sqrt((float)pre_attn);
    opt.logit_softcap = hparams_read_nonnegative(file, hparams_key("gemma3", "final_logit_softcapping"), 0.0f);
    SlidingWindow swa = hparams_read_swa(file, hp, /*default_window=*/0, /*default_period=*/6);
    opt.n_swa = swa.n_swa;
    opt.swa_layers = std::move(swa.layers);
    opt.rope_freq_base_swa = hparams_read_positive(file, hparams_key("gemma3", "rope.freq_base_swa"), 10000.0f);
    opt.rope_freq_scale_swa = 1.0f;
    return decoder_create(file, hp, opt);
}

} // namespace hearth
