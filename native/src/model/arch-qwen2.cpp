// qwen2 (Qwen1.5, Qwen2, Qwen2.5 and Qwen2.5-Coder): NeoX RoPE (pairs
// (i, i + n_rot/2)) and biases on Q, K and V.
#include "model/llama-decoder.h"

namespace hearth {

std::unique_ptr<ModelArch> arch_qwen2_create(const GgufFile & file) {
    LlamaDecoderOptions opt;
    opt.rope_neox = true;
    opt.qkv_bias = BIAS_POLICY_REQUIRED;
    return llama_decoder_create(file, "qwen2", opt);
}

} // namespace hearth
