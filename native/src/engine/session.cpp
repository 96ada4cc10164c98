#include "engine/session.h"

#include <algorithm>
#include <mutex>

#include "common/status.h"
#include "model/model.h"

namespace hearth {

namespace {

int64_t pick_n_ctx(const Model & m, int64_t asked) {
    if (asked > 0) return asked;
    return std::min<int64_t>(m.hparams().n_ctx_train, 4096);
}

} // namespace

Session::Session(std::shared_ptr<Model> model, const SessionOptions & o)
    : model_(std::move(model)),
      kv_(model_->hparams().n_layer, pick_n_ctx(*model_, o.n_ctx), model_->hparams().n_head_kv, model_->hparams().head_dim),
      n_batch_(std::max<int64_t>(1, o.n_batch)) {
    n_keep_ = o.n_keep >= 0 ? o.n_keep : (model_->tokenizer().special().add_bos ? 1 : 0);
    // Shifting needs something to drop.
    n_keep_ = std::min(n_keep_, kv_.n_ctx() / 2);
    logits_.assign((size_t)model_->hparams().n_vocab, 0.0f);
}

const std::vector<float> & Session::evaluate(const std::vector<TokenId> & tokens_in, EvaluateStats * stats,
                                             const std::function<bool()> & should_abort) {
    if (tokens_in.empty()) throw_error(STATUS_E_INVALID_ARGUMENT, "evaluate needs at least one token");
    const int64_t n_ctx = kv_.n_ctx();
    std::vector<TokenId> tokens;
    const std::vector<TokenId> * want = &tokens_in;
    int64_t dropped = 0;
    if ((int64_t)tokens_in.size() > n_ctx) {
        dropped = (int64_t)tokens_in.size() - n_ctx;
        tokens.assign(tokens_in.begin(), tokens_in.begin() + n_keep_);
        tokens.insert(tokens.end(), tokens_in.end() - (n_ctx - n_keep_), tokens_in.end());
        want = &tokens;
    }

    size_t lcp = 0;
    while (lcp < tokens_.size() && lcp < want->size() && tokens_[lcp] == (*want)[lcp]) ++lcp;
    // The logits of the last token are not kept per position: re-run it.
    if (lcp == want->size()) --lcp;
    tokens_.resize(lcp);

    int64_t done = (int64_t)lcp;
    const int64_t total = (int64_t)want->size();
    while (done < total) {
        if (should_abort && should_abort()) throw_error(STATUS_E_ABORTED, "evaluation aborted");
        const int64_t n = std::min(n_batch_, total - done);
        decode(want->data() + done, n);
        done += n;
    }
    if (stats) {
        stats->n_reused = (int64_t)lcp;
        stats->n_evaluated = total - (int64_t)lcp;
        stats->n_dropped = dropped;
    }
    return logits_;
}

const std::vector<float> & Session::append(TokenId token) {
    if ((int64_t)tokens_.size() >= kv_.n_ctx()) shift_context();
    decode(&token, 1);
    return logits_;
}

void Session::decode(const TokenId * tokens, int64_t n) {
    ForwardBatch b;
    b.tokens = tokens;
    b.n_tokens = n;
    b.pos0 = (int64_t)tokens_.size();
    b.kv = &kv_;
    b.logits = logits_.data();
    {
        std::lock_guard<std::mutex> lock(model_->compute_mutex());
        model_->arch().forward(model_->cpu(), b);
    }
    tokens_.insert(tokens_.end(), tokens, tokens + n);
}

void Session::shift_context() {
    const int64_t n_past = (int64_t)tokens_.size();
    const int64_t n_discard = (n_past - n_keep_) / 2;
    if (n_discard <= 0) throw_error(STATUS_E_INTERNAL, "context of %lld tokens cannot shift", (long long)n_past);
    const int64_t src = n_keep_ + n_discard;
    const int64_t n_move = n_past - src;
    kv_.move_positions(src, n_keep_, n_move);

    // Keys carry their position in the rotation: turn them back by n_discard.
    const int64_t row = kv_.row_elems();
    std::vector<float> buf((size_t)row);
    for (int64_t l = 0; l < kv_.n_layer(); ++l) {
        uint16_t * k = kv_.k(l);
        for (int64_t p = n_keep_; p < n_keep_ + n_move; ++p) {
            cpu_f16_to_f32(k + p * row, buf.data(), row);
            model_->arch().rope_shift_keys(buf.data(), -n_discard);
            cpu_f32_to_f16(buf.data(), k + p * row, row);
        }
    }
    tokens_.erase(tokens_.begin() + n_keep_, tokens_.begin() + src);
    ++n_shifts_;
}

} // namespace hearth
