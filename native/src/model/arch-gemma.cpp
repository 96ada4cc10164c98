// gemma (Gemma 1 2B/7B and CodeGemma 2B/7B, whose FIM tokens are
// <|fim_prefix|>, <|fim_suffix|>, <|fim_middle|>): the llama block with NeoX
// RoPE, a GeGLU FFN and embeddings scaled by sqrt(n_embd); the head is
// always the embedding. No post-norms, soft-capping or sliding window (gemma2
// added those).
#include <cmath>

#include "model/decoder.h"

namespace hearth {

std::unique_ptr<ModelArch> arch_gemma_create(const GgufFile & file) {
    ModelHparams hp = hparams_read_common(file, "gemma");
    DecoderOptions opt;
    opt.rope_neox = true;
    opt.qkv_bias = BIAS_POLICY_OPTIONAL;
    opt.ffn = HEARTH_FFN_GEGLU;
    opt.embd_scale = std::sqrt((float)hp.n_embd);
    return decoder_create(file, hp, opt);
}

} // namespace hearth
