// gpt-oss (OpenAI gpt-oss-20b and -120b): a mixture of experts on a llama-like
// block with these differences:
// - attention: biases on Q, K, V and the output, a learned sink logit per
//   head in each softmax, and every other layer (0, 2, ...) sliding over
//   attention.sliding_window positions (128), with the model's RoPE and
//   YaRN on all layers;
// - the FFN's pre-norm is stored as post_attention_norm;
// - the router has a bias, picks the top experts by raw logit and weighs
//   them by a softmax over just those; each expert has biases and a clipped
//   SwiGLU (hearth_moe_act HEARTH_MOE_SWIGLU_OAI).
// The expert weights come in MXFP4.
#include "gguf/gguf-reader.h"
#include "model/decoder.h"
#include "model/hparams-check.h"

namespace hearth {

std::unique_ptr<ModelArch> arch_gpt_oss_create(const GgufFile & file) {
    HparamsNames names;
    names.ffn_up = nullptr;  // experts only: hparams_read_moe checks their sizes
    ModelHparams hp = hparams_read_common(file, "gpt-oss", &names);
    hparams_read_moe(file, hp);
    const std::string window_key = hparams_key("gpt-oss", "attention.sliding_window");
    if (!file.get_int(window_key)) throw_error(STATUS_E_GGUF_KEY_MISSING, "model metadata lacks %s", window_key.c_str());
    DecoderOptions opt;
    opt.rope_neox = true;
    opt.qkv_bias = BIAS_POLICY_OPTIONAL;
    opt.linear_bias = BIAS_POLICY_REQUIRED;  // attn_output.bias (the dense FFN's are not bound: experts only)
    opt.attn_sinks = true;
    opt.ffn_norm_name = "post_attention_norm";
    opt.moe = true;
    opt.moe_normalize_weights = false;
    opt.moe_gating = HEARTH_MOE_SOFTMAX_WEIGHT;
    opt.moe_act = HEARTH_MOE_SWIGLU_OAI;
    opt.moe_biases = true;
    SlidingWindow swa = hparams_read_swa(file, hp, /*default_window=*/0, /*default_period=*/2);
    opt.n_swa = swa.n_swa;
    opt.swa_layers = std::move(swa.layers);
    opt.rope_freq_base_swa = hparams_read_positive(file, hparams_key("gpt-oss", "rope.freq_base_swa"), hp.rope_freq_base);
    opt.rope_freq_scale_swa = hp.rope_freq_scale;
    opt.rope_yarn_swa = true;
    return decoder_create(file, hp, opt);
}

} // namespace hearth
