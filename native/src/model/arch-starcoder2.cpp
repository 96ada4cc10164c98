// starcoder2 (StarCoder2 3B/7B/15B, and IBM's Granite Code 20B/34B, which
// share the format): LayerNorm with biases (epsilon under
// attention.layer_norm_epsilon), biases on Q, K, V and the attention output,
// a GELU MLP (up, GELU, down, each matrix with a bias, no gate), NeoX RoPE.
#include "model/decoder.h"
#include "model/hparams-check.h"

namespace hearth {

std::unique_ptr<ModelArch> arch_starcoder2_create(const GgufFile & file) {
    HparamsNames names;
    names.norm_eps = "attention.layer_norm_epsilon";
    DecoderOptions opt;
    opt.rope_neox = true;
    opt.norm = HEARTH_NORM_LAYER;
    opt.ffn = HEARTH_FFN_GELU;
    opt.qkv_bias = BIAS_POLICY_OPTIONAL;
    opt.linear_bias = BIAS_POLICY_REQUIRED;
    return decoder_create(file, hparams_read_common(file, "starcoder2", &names), opt);
}

} // namespace hearth
