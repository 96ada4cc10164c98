#include "model/hparams-check.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "common/checked-size.h"
#include "common/status.h"
#include "model/kv-cache.h"
#include "gguf/gguf-reader.h"

namespace hearth {

namespace {

[[noreturn]] void bad(const char * fmt, const std::string & key, long long a, long long b) {
    throw_error(STATUS_E_MODEL_BAD_HPARAMS, fmt, key.c_str(), a, b);
}

// The block index of a "blk.<i>.<rest>" tensor name; -1 for any other name.
// An index that no layer count could reach is reported as such.
int64_t block_index(std::string_view name) {
    constexpr std::string_view prefix = "blk.";
    if (name.substr(0, prefix.size()) != prefix) return -1;
    size_t i = prefix.size();
    int64_t idx = 0;
    size_t digits = 0;
    for (; i < name.size() && name[i] >= '0' && name[i] <= '9'; ++i, ++digits) {
        if (idx > (INT32_MAX - 9) / 10) {
            throw_error(STATUS_E_MODEL_BAD_HPARAMS, "tensor %.*s has a block index beyond any block_count",
                        (int)std::min<size_t>(name.size(), 96), name.data());
        }
        idx = idx * 10 + (name[i] - '0');
    }
    if (digits == 0 || i >= name.size() || name[i] != '.') return -1;
    return idx;
}

// The layer count is checked against the tensor table before anything per
// layer is allocated: a file's block_count alone once sized a 5 GB list.
void check_blocks(const GgufFile & file, const ModelHparams & h) {
    std::vector<int64_t> seen;
    for (const GgufTensorInfo & t : file.tensors()) {
        int64_t idx = block_index(t.name);
        if (idx >= 0) seen.push_back(idx);
    }
    std::sort(seen.begin(), seen.end());
    seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
    const std::string key = hparams_key(h.arch, "block_count");
    const long long n_blocks = (long long)seen.size();
    if (h.n_layer != n_blocks) {
        bad("%s = %lld but the file has %lld blocks of tensors (blk.<i>.*)", key, (long long)h.n_layer, n_blocks);
    }
    if (!seen.empty() && seen.back() != n_blocks - 1) {
        bad("%s = %lld but the blocks are not numbered 0..n-1 (blk.%lld is present)", key, (long long)h.n_layer,
            (long long)seen.back());
    }
}

// `count` (the key) times `size` (the other key) must equal the rows of the
// tensor that holds that many rows.
void check_product(const GgufFile & file, const std::string & tensor, const ModelHparams & h, const char * count_key,
                   int64_t count, const char * size_key, int64_t size) {
    int64_t product = 0;
    const std::string ck = hparams_key(h.arch, count_key), sk = hparams_key(h.arch, size_key);
    if (!checked_mul(count, size, &product)) {
        throw_error(STATUS_E_MODEL_BAD_HPARAMS, "%s = %lld times %s = %lld overflows", ck.c_str(), (long long)count,
                    sk.c_str(), (long long)size);
    }
    const GgufTensorInfo * t = file.find_tensor(tensor);
    if (t && (uint64_t)product != t->ne[1]) {
        throw_error(STATUS_E_MODEL_BAD_HPARAMS, "%s = %lld times %s = %lld is %lld, but tensor %s has %llu rows",
                    ck.c_str(), (long long)count, sk.c_str(), (long long)size, (long long)product, tensor.c_str(),
                    (unsigned long long)t->ne[1]);
    }
}

void check_positive_finite(const std::string & key, float v) {
    if (!std::isfinite(v) || v <= 0.0f) {
        throw_error(STATUS_E_MODEL_BAD_HPARAMS, "%s = %g must be finite and positive", key.c_str(), (double)v);
    }
}

} // namespace

void hparams_check(const GgufFile & file, ModelHparams & h, const HparamsNames & names) {
    const std::string & a = h.arch;
    // Every count is at least 1 (defaults derived from other keys included:
    // n_embd / n_head is 0 when the heads outnumber the embedding).
    const std::pair<const char *, int64_t> counts[] = {
        {"embedding_length", h.n_embd},      {"block_count", h.n_layer},
        {"feed_forward_length", h.n_ff},     {"attention.head_count", h.n_head},
        {"attention.head_count_kv", h.n_head_kv}, {"attention.key_length", h.head_dim},
        {"rope.dimension_count", h.n_rot},   {"context_length", h.n_ctx_train},
    };
    for (const auto & [suffix, v] : counts) {
        if (v <= 0) bad("%s = %lld must be at least %lld", hparams_key(a, suffix), (long long)v, 1);
    }
    check_blocks(file, h);

    const GgufTensorInfo * embd = file.find_tensor(names.token_embd);
    if (!embd) throw_error(STATUS_E_MODEL_BAD_TENSOR, "tensor %s is missing", names.token_embd);
    if ((uint64_t)h.n_embd != embd->ne[0]) {
        throw_error(STATUS_E_MODEL_BAD_HPARAMS, "%s = %lld but tensor %s has rows of %llu", hparams_key(a, "embedding_length").c_str(),
                    (long long)h.n_embd, names.token_embd, (unsigned long long)embd->ne[0]);
    }
    // Token ids are int32 everywhere (sampler, tokenizer, the JS side).
    if (embd->ne[1] == 0 || embd->ne[1] > (uint64_t)INT32_MAX) {
        throw_error(STATUS_E_MODEL_BAD_HPARAMS, "tensor %s has %llu rows; the vocabulary must have 1..%d tokens",
                    names.token_embd, (unsigned long long)embd->ne[1], INT32_MAX);
    }
    h.n_vocab = (int64_t)embd->ne[1];
    // A tokenizer that disagrees with the embedding would sample ids it
    // cannot print (or never produce rows the head has): refused at load.
    if (const GgufArray * toks = file.get_array("tokenizer.ggml.tokens"); toks && toks->count != (uint64_t)h.n_vocab) {
        throw_error(STATUS_E_MODEL_BAD_HPARAMS, "tokenizer.ggml.tokens has %llu entries but tensor %s has %lld rows (the vocabulary)",
                    (unsigned long long)toks->count, names.token_embd, (long long)h.n_vocab);
    }
    if (names.output) {
        if (const GgufTensorInfo * out = file.find_tensor(names.output); out && out->ne[1] != (uint64_t)h.n_vocab) {
            throw_error(STATUS_E_MODEL_BAD_HPARAMS, "tensor %s has %llu rows but tensor %s has %lld (the vocabulary)",
                        names.output, (unsigned long long)out->ne[1], names.token_embd, (long long)h.n_vocab);
        }
    }

    const std::string blk0 = "blk.0.";
    if (h.n_head_kv > h.n_head || h.n_head % h.n_head_kv != 0) {
        bad("%s = %lld is not a multiple of attention.head_count_kv = %lld", hparams_key(a, "attention.head_count"),
            (long long)h.n_head, (long long)h.n_head_kv);
    }
    check_product(file, names.attn_q ? blk0 + names.attn_q : std::string(), h, "attention.head_count", h.n_head,
                  "attention.key_length", h.head_dim);
    check_product(file, names.attn_k ? blk0 + names.attn_k : std::string(), h, "attention.head_count_kv", h.n_head_kv,
                  "attention.key_length", h.head_dim);
    if (h.n_rot > h.head_dim || h.n_rot % 2 != 0) {
        bad("%s = %lld must be even and at most the head size attention.key_length = %lld",
            hparams_key(a, "rope.dimension_count"), (long long)h.n_rot, (long long)h.head_dim);
    }
    if (names.ffn_up) {
        const std::string ffn = blk0 + names.ffn_up;
        if (const GgufTensorInfo * t = file.find_tensor(ffn); t && t->ne[1] != (uint64_t)h.n_ff) {
            throw_error(STATUS_E_MODEL_BAD_HPARAMS, "%s = %lld but tensor %s has %llu rows",
                        hparams_key(a, "feed_forward_length").c_str(), (long long)h.n_ff, ffn.c_str(),
                        (unsigned long long)t->ne[1]);
        }
    }
    // The default session context is min(context_length, 4096): it must be one a session can have.
    if (h.n_ctx_train < KV_MIN_CONTEXT || h.n_ctx_train > HPARAMS_MAX_CONTEXT_TRAIN) {
        throw_error(STATUS_E_MODEL_BAD_HPARAMS, "%s = %lld is outside %lld..%lld", hparams_key(a, "context_length").c_str(),
                    (long long)h.n_ctx_train, (long long)KV_MIN_CONTEXT, (long long)HPARAMS_MAX_CONTEXT_TRAIN);
    }
    check_positive_finite(hparams_key(a, names.norm_eps), h.norm_eps);
    check_positive_finite(hparams_key(a, "rope.freq_base"), h.rope_freq_base);
    check_positive_finite(hparams_key(a, "rope.scaling.factor"), h.rope_freq_scale);
}

} // namespace hearth
