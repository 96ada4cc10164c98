// qwen3moe (Qwen3-30B-A3B, Qwen3-235B-A22B, Qwen3-Coder-30B-A3B and
// -480B-A35B): qwen3's attention (QK-norm, no biases, NeoX RoPE) with a
// mixture-of-experts FFN: a softmax router over expert_count experts, the
// top expert_used_count per token (128 and 8 in the Coder 30B), their
// probabilities renormalized to sum to 1, no shared expert.
#include "model/decoder.h"
#include "model/hparams-check.h"

namespace hearth {

std::unique_ptr<ModelArch> arch_qwen3moe_create(const GgufFile & file) {
    DecoderOptions opt;
    opt.rope_neox = true;
    opt.qkv_bias = BIAS_POLICY_NONE;
    opt.qk_norm = true;
    opt.moe = true;
    opt.moe_normalize_weights = true;
    // No dense ffn_up: feed_forward_length is checked by hparams_read_moe's rule instead.
    HparamsNames names;
    names.ffn_up = nullptr;
    ModelHparams hp = hparams_read_common(file, "qwen3moe", &names);
    hparams_read_moe(file, hp);
    return decoder_create(file, hp, opt);
}

} // namespace hearth
