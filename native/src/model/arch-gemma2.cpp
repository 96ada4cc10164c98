// gemma2 (Gemma 2 2B/9B/27B, CodeGemma's base): gemma3's block without
// QK-norm and with soft-capping: attention scores become 50 * tanh(s / 50)
// (attn_logit_softcapping) and the logits 30 * tanh(l / 30)
// (final_logit_softcapping). Every other layer slides over 4096 positions
// (attention.sliding_window), with the model's own RoPE unless
// rope.freq_base_swa says otherwise. The head is always the embedding.
#include <cmath>

#include "model/decoder.h"

namespace hearth {

std::unique_ptr<ModelArch> arch_gemma2_create(const GgufFile & file) {
    ModelHparams hp = hparams_read_common(file, "gemma2");
    DecoderOptions opt;
    opt.rope_neox = true;
    opt.qkv_bias = BIAS_POLICY_OPTIONAL;
    opt.post_norms = true;
    opt.ffn = HEARTH_FFN_GEGLU;
    opt.embd_scale = std::sqrt((float)hp.n_embd);
    // query_pre_attn_scalar, which GGUF does not carry: the head size, except
    // in the 27B (46 layers), where it is n_embd / n_head.
    const int64_t pre_attn = hp.n_layer == 46 ? hp.n_embd / hp.n_head : hp.head_dim;
    opt.attn_scale = 1.0f / std::sqrt((float)pre_attn);
    opt.attn_softcap = hparams_read_nonnegative(file, hparams_key("gemma2", "attn_logit_softcapping"), 50.0f);
    opt.logit_softcap = hparams_read_nonnegative(file, hparams_key("gemma2", "final_logit_softcapping"), 30.0f);
    SlidingWindow swa = hparams_read_swa(file, hp, /*default_window=*/4096, /*default_period=*/2);
    opt.n_swa = swa.n_swa;
    opt.swa_layers = std::move(swa.layers);
    opt.rope_freq_base_swa = hparams_read_positive(file, hparams_key("gemma2", "rope.freq_base_swa"), hp.rope_freq_base);
    opt.rope_freq_scale_swa = hp.rope_freq_scale;
    return decoder_create(file, hp, opt);
}

} // namespace hearth
