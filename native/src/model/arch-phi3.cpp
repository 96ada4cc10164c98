// phi3 (Phi-3-mini-4k, Phi-3-medium-4k, Phi-4 14B): the llama block with NeoX
// RoPE and fused weights: attn_qkv holds Q, K and V stacked by rows (or the
// three come separately), ffn_up holds the SwiGLU gate rows then the up
// rows. llama.cpp ignores phi3's attention.sliding_window (every layer sees
// everything), and so does Hearth. LongRoPE (the 128k variants, Phi-3.5-mini,
// Phi-4-mini: rope_factors_long/short.weight, model/longrope.h) picks its
// factor set from the context the model is loaded for.
#include "gguf/gguf-reader.h"
#include "model/decoder.h"
#include "model/hparams-check.h"

namespace hearth {

std::unique_ptr<ModelArch> arch_phi3_create(const GgufFile & file) {
    HparamsNames names;
    names.ffn_up = nullptr;  // [n_embd, 2 n_ff]: the binder checks it
    if (file.find_tensor("blk.0.attn_qkv.weight")) names.attn_q = names.attn_k = nullptr;
    DecoderOptions opt;
    opt.rope_neox = true;
    opt.qkv_bias = BIAS_POLICY_OPTIONAL;
    opt.fused_qkv_allowed = true;
    opt.fused_gate_up = true;
    opt.longrope = true;
    return decoder_create(file, hparams_read_common(file, "phi3", &names), opt);
}

} // namespace hearth
