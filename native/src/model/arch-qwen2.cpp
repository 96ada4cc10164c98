// qwen2 (Qwen1.5, Qwen2, Qwen2.5 and Qwen2.5-Coder): NeoX RoPE (pairs
// (i, i + n_rot/2)) and biases on Q, K and V.
#include "model/decoder.h"

namespace hearth {

std::unique_ptr<ModelArch> arch_qwen2_create(const GgufFile & file) {
    DecoderOptions opt;
    opt.rope_neox = true;
    opt.qkv_bias = BIAS_POLICY_REQUIRED;
    return decoder_create(file, hparams_read_common(file, "qwen2"), opt);
}

} // namespace hearth
