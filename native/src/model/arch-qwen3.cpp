// qwen3 (Qwen3 dense models, Qwen3 0.6B-32B): qwen2's block without the QKV
// biases and with QK-norm, an RMSNorm over each Q and K head (weights
// [head_dim]) before NeoX RoPE. The head size is stated (attention.key_length)
// and need not be n_embd / n_head (0.6B: 1024 wide, 16 heads of 128).
#include "model/decoder.h"

namespace hearth {

std::unique_ptr<ModelArch> arch_qwen3_create(const GgufFile & file) {
    DecoderOptions opt;
    opt.rope_neox = true;
    opt.qkv_bias = BIAS_POLICY_NONE;
    opt.qk_norm = true;
    return decoder_create(file, hparams_read_common(file, "qwen3"), opt);
}

} // namespace hearth
