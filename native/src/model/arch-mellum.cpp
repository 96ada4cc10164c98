// mellum (JetBrains Mellum, a code-completion model): qwen3moe's block
// (QK-norm, NeoX RoPE, a softmax router over experts with the top
// expert_used_count renormalized) with interleaved sliding-window attention:
// when attention.sliding_window is set, three of every four layers see only
// that many positions, with the model's RoPE base and no scaling.
#include "model/decoder.h"
#include "model/hparams-check.h"

namespace hearth {

std::unique_ptr<ModelArch> arch_mellum_create(const GgufFile & file) {
    HparamsNames names;
    names.ffn_up = nullptr;  // experts only: hparams_read_moe checks their sizes
    ModelHparams hp = hparams_read_common(file, "mellum", &names);
    hparams_read_moe(file, hp);
    DecoderOptions opt;
    opt.rope_neox = true;
    opt.qkv_bias = BIAS_POLICY_OPTIONAL;
    opt.qk_norm = true;
    opt.moe = true;
    opt.moe_normalize_weights = true;
    SlidingWindow swa = hparams_read_swa(file, hp, /*default_window=*/0, /*default_period=*/4);
    opt.n_swa = swa.n_swa;
    opt.swa_layers = std::move(swa.layers);
    opt.rope_freq_base_swa = hp.rope_freq_base;
    opt.rope_freq_scale_swa = 1.0f;
    return decoder_create(file, hp, opt);
}

} // namespace hearth
