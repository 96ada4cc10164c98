// Hyperparameters every decoder-only architecture reads from
// "<arch>.*" GGUF keys. Arch-specific extras live in the arch's own file.
#pragma once

#include <cstdint>
#include <string>

namespace hearth {

class GgufFile;

struct ModelHparams {
    std::string arch;        // general.architecture
    int64_t n_vocab = 0;     // rows of token_embd.weight (= tokenizer.ggml.tokens entries)
    int64_t n_ctx_train = 0; // <arch>.context_length
    int64_t n_embd = 0;      // <arch>.embedding_length
    int64_t n_layer = 0;     // <arch>.block_count
    int64_t n_ff = 0;        // <arch>.feed_forward_length
    int64_t n_head = 0;      // <arch>.attention.head_count
    int64_t n_head_kv = 0;   // <arch>.attention.head_count_kv (default n_head)
    int64_t head_dim = 0;    // <arch>.attention.key_length (default n_embd / n_head)
    int64_t n_rot = 0;       // <arch>.rope.dimension_count (default head_dim)
    float rms_eps = 1e-5f;   // <arch>.attention.layer_norm_rms_epsilon
    float rope_freq_base = 10000.0f;  // <arch>.rope.freq_base
    float rope_freq_scale = 1.0f;     // 1 / linear scaling factor
    bool rope_neox = false;           // pairs (i, i+n_rot/2) instead of (2i, 2i+1)
    // Mixture of experts (hparams_read_moe); 0 experts: a dense FFN.
    int64_t n_expert = 0;             // <arch>.expert_count
    int64_t n_expert_used = 0;        // <arch>.expert_used_count (top-k per token)
    int64_t n_ff_exp = 0;             // <arch>.expert_feed_forward_length (default n_ff / n_expert_used)
    float expert_weights_scale = 0.0f;// <arch>.expert_weights_scale (0 or 1: none)
};

struct HparamsTensorNames;

// Reads the common keys and checks them against the file's tensors
// (hparams_check, model/hparams-check.h, with `names`; nullptr: the llama
// family's names), so an architecture that reads its settings here is
// validated before it sizes anything. Throws E_GGUF_KEY_MISSING when a
// required key is absent, E_MODEL_BAD_HPARAMS naming the key when a value is
// out of range or disagrees with the tensors.
ModelHparams hparams_read_common(const GgufFile & file, const std::string & arch,
                                 const HparamsTensorNames * names = nullptr);

// The mixture-of-experts keys, checked against blk.0's router
// (<gate_inp>: [n_embd, expert_count]) and expert tensor (<up_exps>:
// [n_embd, expert_feed_forward_length, expert_count]) before anything is
// sized from them: E_MODEL_BAD_HPARAMS naming the key and both numbers.
void hparams_read_moe(const GgufFile & file, ModelHparams & h, const char * gate_inp = "ffn_gate_inp.weight",
                      const char * up_exps = "ffn_up_exps.weight");

// Key name helper: "<arch>.<suffix>".
std::string hparams_key(const std::string & arch, const char * suffix);

} // namespace hearth
