// llama (Llama 1/2/3, Mistral, TinyLlama, CodeLlama, DeepSeek-Coder):
// RoPE on adjacent pairs, because GGUF stores Q/K rows in the permuted
// (Meta) layout that expects them; biases only when a file carries them.
#include "model/decoder.h"

namespace hearth {

std::unique_ptr<ModelArch> arch_llama_create(const GgufFile & file) {
    DecoderOptions opt;
    opt.rope_neox = false;
    opt.qkv_bias = BIAS_POLICY_OPTIONAL;
    return decoder_create(file, hparams_read_common(file, "llama"), opt);
}

} // namespace hearth
