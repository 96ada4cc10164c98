// The one validation pass over a model's settings, run before anything is
// sized from them. A GGUF file is untrusted input: its "<arch>.*" values are
// only believed where the tensors the file actually holds agree with them, so
// every size later code computes from them (layer lists, scratch, KV cache)
// is bounded by bytes that exist. hparams_read_common calls it, so every
// architecture file gets it without asking.
#pragma once

#include <cstdint>

#include "model/hparams.h"

namespace hearth {

class GgufFile;

// The largest context_length a file may state. It is only a default (a
// session asks for min(it, 4096) unless told otherwise; KV_MAX_CONTEXT bounds
// what a session may ask), so the bound is generous: above every released
// model, far below where position arithmetic could overflow.
constexpr int64_t HPARAMS_MAX_CONTEXT_TRAIN = int64_t(1) << 24;

// Tensors whose shapes pin the settings. Per-block names are the part after
// "blk.<i>."; nullptr: the architecture has no such tensor, and its binder
// checks the shape instead (a fused QKV, say). The defaults are the llama
// family's names.
struct HparamsNames {
    // The key of the norms' epsilon after "<arch>.": RMSNorm families state
    // this one, LayerNorm families (starcoder2) "attention.layer_norm_epsilon".
    const char * norm_eps = "attention.layer_norm_rms_epsilon";
    const char * token_embd = "token_embd.weight";  // [n_embd, n_vocab]
    const char * output = "output.weight";          // [n_embd, n_vocab] when present
    const char * attn_q = "attn_q.weight";          // [n_embd, n_head * head_dim]
    const char * attn_k = "attn_k.weight";          // [n_embd, n_head_kv * head_dim]
    const char * ffn_up = "ffn_up.weight";          // [n_embd, n_ff]
};

// Sets h.n_vocab from the embedding and checks every field of h against the
// file: block_count equals the blk.<i> blocks present (numbered 0..n-1);
// embedding_length and the vocabulary equal the embedding's shape (and the
// tokenizer's and the output head's, when present); head counts times head
// size equal the Q and K rows (overflow-checked); head_count is a multiple of
// head_count_kv; rope dims are even and at most the head size;
// feed_forward_length equals the FFN rows; context_length is at most
// HPARAMS_MAX_CONTEXT_TRAIN; epsilon, rope base and rope scale are finite and
// positive. Throws E_MODEL_BAD_HPARAMS naming the GGUF key and both numbers
// (E_MODEL_BAD_TENSOR when the embedding itself is missing).
void hparams_check(const GgufFile & file, ModelHparams & h, const HparamsNames & names = {});

} // namespace hearth
