// A session: one conversation's KV cache and the tokens it holds.
//
// Prefix reuse: evaluate(tokens) keeps the longest common prefix of the
// cached tokens and the new ones and runs the forward pass on the suffix only.
//
// Splice (evaluate with max_drift > 0): after an edit in the middle of the
// cached tokens (a fill-in-the-middle prompt whose prefix grew by a key), the
// longest cached run that reappears later in the new tokens is moved to its
// new positions and its keys re-roped, instead of being evaluated again.
// Its cells were computed after the old tokens, not the new: an
// approximation (llama.cpp's cache reuse makes the same trade), bounded here
// by the drift of each cell, the tokens inserted or removed before it since it
// was evaluated. A cell past max_drift is evaluated again. CPU caches only.
//
// Context policy (documented for users in the engine facade):
//  - A prompt longer than the context keeps its first n_keep tokens and its
//    last n_ctx - n_keep tokens (the middle is dropped).
//  - When generation fills the context, the first n_keep tokens stay, the
//    oldest half of the rest is dropped, and the keys of the tokens after it
//    are moved down and re-roped by -n_discard positions in place (no
//    re-evaluation). n_keep defaults to 1 when the model adds BOS, else 0.
// A session runs one evaluate/append at a time (the binding's busy flag);
// tokens_snapshot() and n_shifts() may be read from any thread meanwhile:
// every change to the token list happens under tokens_mutex_.
//
// A model file changed under its mapping (truncated: the reads fault and see
// zeros, see common/mapped-file.h) fails the request that noticed it and
// every later one with E_MODEL_FILE_CHANGED.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "backend/backend.h"
#include "model/kv-cache.h"
#include "tokenizer/tokenizer.h"

namespace hearth {

class Model;

struct SessionOptions {
    int64_t n_ctx = 0;    // <= 0: the model's (Model::n_ctx: its load's, else context_length, at most 4096)
    int64_t n_batch = 64; // prompt tokens per forward pass
    int64_t n_keep = -1;  // < 0: 1 when the model adds BOS, else 0
};

struct EvaluateStats {
    int64_t n_reused = 0;     // tokens kept from the cache
    int64_t n_evaluated = 0;  // tokens run through the model
    int64_t n_dropped = 0;    // prompt tokens dropped to fit the context
    int64_t n_spliced = 0;    // of n_reused, tokens moved from later in the cache (splice)
};

class Session {
public:
    Session(std::shared_ptr<Model> model, const SessionOptions & options);
    ~Session();
    Session(const Session &) = delete;
    Session & operator=(const Session &) = delete;

    // Makes the cache hold `tokens` and returns the logits [n_vocab] after the
    // last one. should_abort is polled between batches (E_ABORTED).
    // max_drift > 0 allows a splice (above) within that drift.
    const std::vector<float> & evaluate(const std::vector<TokenId> & tokens, EvaluateStats * stats = nullptr,
                                        const std::function<bool()> & should_abort = {}, int64_t max_drift = 0);
    // Appends one token (shifting the context when full); returns its logits.
    const std::vector<float> & append(TokenId token);

    // Only for the thread running evaluate/append; others use tokens_snapshot().
    const std::vector<TokenId> & tokens() const { return tokens_; }
    // A copy of the cached tokens, safe to take while a request runs.
    std::vector<TokenId> tokens_snapshot() const {
        std::lock_guard<std::mutex> lock(tokens_mutex_);
        return tokens_;
    }
    int64_t n_cached() const {
        std::lock_guard<std::mutex> lock(tokens_mutex_);
        return (int64_t)tokens_.size();
    }
    int64_t n_ctx() const { return n_ctx_; }
    int64_t n_keep() const { return n_keep_; }
    int64_t n_shifts() const { return n_shifts_.load(); }
    const std::shared_ptr<Model> & model() const { return model_; }
    // Forgets the cached tokens (bench/gpu/model-check.cpp times a fresh prompt with it).
    void clear() {
        std::lock_guard<std::mutex> lock(tokens_mutex_);
        tokens_.clear();
        drift_.clear();
    }

    // Below this a context cannot shift (it must drop at least one token
    // after the kept ones): the smallest contextLength a session accepts.
    static constexpr int64_t MIN_CTX = KV_MIN_CONTEXT;

private:
    void decode(const TokenId * tokens, int64_t n);  // at position tokens_.size()
    // Throws E_MODEL_FILE_CHANGED when the model's mapped file was truncated.
    void check_model_file() const;
    // One forward pass at pos0 (compute_mutex held).
    void forward_locked(const TokenId * tokens, int64_t n, int64_t pos0);
    // (Re)builds the caches for the model's current placement; after a GPU
    // fallback, re-runs the cached tokens on the CPU path (compute_mutex held).
    void build_caches_locked();
    void replay_locked();
    void shift_context();
    // Moves n CPU cache positions from src to dst and re-ropes their keys by
    // dst - src (compute_mutex held).
    void move_cells_locked(int64_t src, int64_t dst, int64_t n);
    // Splices the longest usable cached run after lcp into place for `want`;
    // returns the run's length (0: none) and leaves tokens_ at lcp.
    int64_t splice(const std::vector<TokenId> & want, size_t lcp, int64_t max_drift, int64_t & run_at);

    std::shared_ptr<Model> model_;
    int64_t n_ctx_;
    std::unique_ptr<KvCache> kv_;  // the layers that run on the CPU path
    hearth_kv * stage_kv_ = nullptr;  // the stage's layers, on its device
    uint64_t epoch_ = 0;           // model placement epoch the caches were built for
    int64_t n_batch_;
    int64_t n_keep_;
    std::atomic<int64_t> n_shifts_{0};
    mutable std::mutex tokens_mutex_;  // held for every change of tokens_/drift_
    std::vector<TokenId> tokens_;  // what the cache holds, position i = tokens_[i]
    std::vector<int32_t> drift_;   // per position: tokens changed before it since it was evaluated
    std::vector<float> logits_;    // [n_vocab] after the last decoded token
};

} // namespace hearth
