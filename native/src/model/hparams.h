// Hyperparameters every decoder-only architecture reads from
// "<arch>.*" GGUF keys. Arch-specific extras live in the arch's own file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

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
    float norm_eps = 1e-5f;  // <arch>.attention.layer_norm_rms_epsilon (or layer_norm_epsilon)
    float rope_freq_base = 10000.0f;  // <arch>.rope.freq_base
    float rope_freq_scale = 1.0f;     // 1 / rope.scaling.factor (linear, YaRN, or stated beside LongRoPE)
    // The context the model was trained at before its RoPE was scaled:
    // YaRN's correction dims and LongRoPE's factor choice are taken from it.
    int64_t rope_ctx_orig = 0;        // <arch>.rope.scaling.original_context_length (default context_length)
    // YaRN (rope.scaling.type yarn): ggml's beta_fast/slow, and the magnitude on cos/sin.
    bool rope_yarn = false;
    float rope_yarn_beta_fast = 32.0f, rope_yarn_beta_slow = 1.0f;
    float rope_yarn_mscale = 1.0f;    // <arch>.rope.scaling.attn_factor x (1 + 0.1 ln factor)
    // LongRoPE (rope.scaling.type longrope, or the rope_factors_long/short
    // tensors that the converter writes without stating a type): per-pair
    // divisors chosen by the load's context (model/decoder.cpp), and cos/sin
    // times rope_attn_factor. phi3 only; other architectures refuse it.
    bool rope_longrope = false;
    // <arch>.rope.scaling.attn_factor outside YaRN (1 when absent, as in
    // llama.cpp): the magnitude on cos and sin of every rotated pair.
    float rope_attn_factor = 1.0f;
    bool rope_neox = false;           // pairs (i, i+n_rot/2) instead of (2i, 2i+1)
    // Mixture of experts (hparams_read_moe); 0 experts: a dense FFN.
    int64_t n_expert = 0;             // <arch>.expert_count
    int64_t n_expert_used = 0;        // <arch>.expert_used_count (top-k per token)
    int64_t n_ff_exp = 0;             // <arch>.expert_feed_forward_length (default n_ff / n_expert_used)
    float expert_weights_scale = 0.0f;// <arch>.expert_weights_scale (0 or 1: none)
};

struct HparamsNames;

// Reads the common keys and checks them against the file's tensors
// (hparams_check, model/hparams-check.h, with `names`; nullptr: the llama
// family's names), so an architecture that reads its settings here is
// validated before it sizes anything. Throws E_GGUF_KEY_MISSING when a
// required key is absent, E_MODEL_BAD_HPARAMS naming the key when a value is
// out of range or disagrees with the tensors.
ModelHparams hparams_read_common(const GgufFile & file, const std::string & arch,
                                 const HparamsNames * names = nullptr);

// The mixture-of-experts keys, checked against blk.0's router
// (<gate_inp>: [n_embd, expert_count]) and expert tensor (<up_exps>:
// [n_embd, expert_feed_forward_length, expert_count]) before anything is
// sized from them: E_MODEL_BAD_HPARAMS naming the key and both numbers.
void hparams_read_moe(const GgufFile & file, ModelHparams & h, const char * gate_inp = "ffn_gate_inp.weight",
                      const char * up_exps = "ffn_up_exps.weight");

// Sliding-window attention (gemma2/3): which layers attend only to the last
// n_swa positions.
struct SlidingWindow {
    int64_t n_swa = 0;        // <arch>.attention.sliding_window; 0 or absent: no layer slides
    std::vector<bool> layers; // [n_layer] when n_swa > 0
};

// Reads <arch>.attention.sliding_window (absent: default_window) and
// .sliding_window_pattern: either a period p (layer il slides unless
// il % p == p - 1, so every p-th layer sees everything; p = 0: every layer
// slides), absent meaning default_period, or one bool per layer. Throws
// E_MODEL_BAD_HPARAMS naming the key when the window or period is negative or
// the per-layer list is not n_layer long.
SlidingWindow hparams_read_swa(const GgufFile & file, const ModelHparams & h, int64_t default_window,
                               int64_t default_period);

// An optional float key that must be finite and >= 0 (or > 0) when present;
// dflt when absent. E_MODEL_BAD_HPARAMS naming the key otherwise.
float hparams_read_nonnegative(const GgufFile & file, const std::string & key, float dflt);
float hparams_read_positive(const GgufFile & file, const std::string & key, float dflt);

// LongRoPE's per-pair divisors, [n_rot/2] F32 each: the long ones for a
// context past rope.scaling.original_context_length, else the short ones.
extern const char * const LONGROPE_FACTORS_LONG;   // "rope_factors_long.weight"
extern const char * const LONGROPE_FACTORS_SHORT;  // "rope_factors_short.weight"

// The context a session gets when neither it nor the model's load asks for
// one: context_length, at most 4096.
int64_t hparams_default_context(const ModelHparams & h);

// Key name helper: "<arch>.<suffix>".
std::string hparams_key(const std::string & arch, const char * suffix);

} // namespace hearth
