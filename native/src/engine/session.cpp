#include "engine/session.h"

#include <algorithm>
#include <mutex>

#include "backend/registry.h"
#include "common/mapped-file.h"
#include "common/status.h"
#include "gguf/gguf-reader.h"
#include "model/model.h"

namespace hearth {

namespace {

int64_t pick_n_ctx(const Model & m, int64_t asked) {
    return asked > 0 ? asked : m.n_ctx();
}

// A run shorter than this costs less to evaluate than the splice saves.
constexpr int64_t SPLICE_MIN_RUN = 16;

struct Run {
    int64_t at_cache = 0, at_want = 0, len = 0;
};

// The longest common run of cached[from..) and want[from..end): dynamic
// programming over ints, about a millisecond at 1k x 1k tokens.
Run longest_run(const std::vector<TokenId> & cached, const std::vector<TokenId> & want, int64_t from, int64_t end) {
    Run best;
    const int64_t nc = (int64_t)cached.size() - from, nw = end - from;
    if (nc <= 0 || nw <= 0) return best;
    std::vector<int32_t> prev((size_t)nw + 1, 0), cur((size_t)nw + 1, 0);
    for (int64_t a = 1; a <= nc; ++a) {
        const TokenId c = cached[(size_t)(from + a - 1)];
        for (int64_t b = 1; b <= nw; ++b) {
            cur[(size_t)b] = c == want[(size_t)(from + b - 1)] ? prev[(size_t)b - 1] + 1 : 0;
            if (cur[(size_t)b] > best.len) best = {from + a - cur[(size_t)b], from + b - cur[(size_t)b], cur[(size_t)b]};
        }
        std::swap(prev, cur);
    }
    return best;
}

} // namespace

Session::Session(std::shared_ptr<Model> model, const SessionOptions & o)
    : model_(std::move(model)), n_ctx_(pick_n_ctx(*model_, o.n_ctx)), n_batch_(std::max<int64_t>(1, o.n_batch)) {
    // Before any cache (device or CPU) is sized from it: KV_MIN_CONTEXT..KV_MAX_CONTEXT.
    KvCache::check_context_length(n_ctx_);
    n_keep_ = o.n_keep >= 0 ? o.n_keep : (model_->tokenizer().special().add_bos ? 1 : 0);
    // Shifting needs something to drop.
    n_keep_ = std::min(n_keep_, n_ctx_ / 2);
    logits_.assign((size_t)model_->hparams().n_vocab, 0.0f);
    // The lock is only needed to create device KV (backend calls take turns);
    // a CPU-only model must not make the JS thread wait for a running forward.
    std::unique_lock<std::mutex> lock(model_->compute_mutex(), std::defer_lock);
    if (model_->stage_active()) lock.lock();
    build_caches_locked();
}

Session::~Session() {
    if (stage_kv_) {
        std::lock_guard<std::mutex> lock(model_->compute_mutex());
        model_->placement().backend->kv_destroy(stage_kv_);
    }
}

void Session::build_caches_locked() {
    const Placement & pl = model_->placement();
    if (stage_kv_) {
        pl.backend->kv_destroy(stage_kv_);
        stage_kv_ = nullptr;
    }
    kv_.reset();
    epoch_ = model_->placement_epoch();
    const ModelHparams & hp = model_->hparams();
    int64_t n_cpu = hp.n_layer;
    if (model_->stage_active()) {
        char err[HEARTH_BK_ERR_LEN] = {0};
        int rc = pl.backend->kv_create(pl.stage, n_ctx_, &stage_kv_, err);
        if (rc != HEARTH_BK_OK) {
            stage_kv_ = nullptr;
            model_->disable_stage(std::string(backend_display_name(pl.backend_name)) + ": KV cache: " +
                                  status_code_name(backend_status(rc)) + ": " + err);
            epoch_ = model_->placement_epoch();
        } else {
            n_cpu = hp.n_layer - pl.n_gpu_layers;
        }
    }
    kv_ = std::make_unique<KvCache>(n_cpu, n_ctx_, hp.n_head_kv, hp.head_dim);
}

void Session::replay_locked() {
    std::fill(drift_.begin(), drift_.end(), 0);  // every cell is exact again
    for (int64_t done = 0; done < (int64_t)tokens_.size();) {
        const int64_t n = std::min(n_batch_, (int64_t)tokens_.size() - done);
        forward_locked(tokens_.data() + done, n, done);
        done += n;
    }
}

const std::vector<float> & Session::evaluate(const std::vector<TokenId> & tokens_in, EvaluateStats * stats,
                                             const std::function<bool()> & should_abort, int64_t max_drift) {
    if (tokens_in.empty()) throw_error(STATUS_E_INVALID_ARGUMENT, "evaluate needs at least one token");
    check_model_file();
    const int64_t n_ctx = n_ctx_;
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

    // Splice: the run's cells move before anything is evaluated over them.
    Run run;
    std::vector<TokenId> run_tokens;
    std::vector<int32_t> run_drift;
    if (max_drift > 0 && lcp < tokens_.size()) {
        run = longest_run(tokens_, *want, (int64_t)lcp, (int64_t)want->size() - 1);
        const int32_t added = (int32_t)((run.at_cache - (int64_t)lcp) + (run.at_want - (int64_t)lcp));
        if (run.len >= SPLICE_MIN_RUN) {
            run_drift.assign(drift_.begin() + run.at_cache, drift_.begin() + run.at_cache + run.len);
            for (int32_t & d : run_drift) {
                d += added;
                if (d > max_drift) run.len = 0;
            }
        } else {
            run.len = 0;
        }
        if (run.len > 0) {
            std::lock_guard<std::mutex> lock(model_->compute_mutex());
            if (stage_kv_ || epoch_ != model_->placement_epoch()) {
                run.len = 0;
            } else {
                run_tokens.assign(tokens_.begin() + run.at_cache, tokens_.begin() + run.at_cache + run.len);
                move_cells_locked(run.at_cache, run.at_want, run.len);
            }
        }
    }
    {
        std::lock_guard<std::mutex> lock(tokens_mutex_);
        tokens_.resize(lcp);
        drift_.resize(lcp);
    }

    int64_t done = (int64_t)lcp;
    const int64_t total = (int64_t)want->size();
    auto evaluate_until = [&](int64_t end) {
        while (done < end) {
            if (should_abort && should_abort()) throw_error(STATUS_E_ABORTED, "evaluation aborted");
            const int64_t n = std::min(n_batch_, end - done);
            decode(want->data() + done, n);
            done += n;
        }
    };
    if (run.len > 0) {
        // The new tokens before the run see only what precedes them, as in a
        // full evaluation; the run's moved cells after them stay out of sight.
        evaluate_until(run.at_want);
        std::lock_guard<std::mutex> lock(tokens_mutex_);
        tokens_.insert(tokens_.end(), run_tokens.begin(), run_tokens.end());
        drift_.insert(drift_.end(), run_drift.begin(), run_drift.end());
        done += run.len;
    }
    evaluate_until(total);
    if (stats) {
        stats->n_reused = (int64_t)lcp + run.len;
        stats->n_evaluated = total - (int64_t)lcp - run.len;
        stats->n_dropped = dropped;
        stats->n_spliced = run.len;
    }
    return logits_;
}

const std::vector<float> & Session::append(TokenId token) {
    if ((int64_t)tokens_.size() >= n_ctx_) shift_context();
    decode(&token, 1);
    return logits_;
}

void Session::forward_locked(const TokenId * tokens, int64_t n, int64_t pos0) {
    ForwardBatch b;
    b.tokens = tokens;
    b.n_tokens = n;
    b.pos0 = pos0;
    b.kv = kv_.get();
    b.logits = logits_.data();
    StageRun run;
    if (stage_kv_) {
        const Placement & pl = model_->placement();
        run.backend = pl.backend;
        run.stage = pl.stage;
        run.kv = stage_kv_;
        run.layer_begin = model_->hparams().n_layer - pl.n_gpu_layers;
        run.with_output = pl.with_output;
        b.stage = &run;
    }
    model_->arch().forward(model_->cpu(), b);
}

void Session::decode(const TokenId * tokens, int64_t n) {
    {
        std::lock_guard<std::mutex> lock(model_->compute_mutex());
        // Another session's GPU error moved the model to the CPU: follow it.
        if (epoch_ != model_->placement_epoch()) {
            build_caches_locked();
            replay_locked();
        }
        try {
            forward_locked(tokens, n, (int64_t)tokens_.size());
        } catch (const BackendError & e) {
            // A GPU error at run time (out of memory, device lost): this model
            // continues on the CPU; the cached tokens are recomputed there.
            model_->disable_stage(std::string(status_code_name(e.code())) + ": " + e.what());
            build_caches_locked();
            replay_locked();
            forward_locked(tokens, n, (int64_t)tokens_.size());
        }
    }
    // Weights read from a truncated file were zeros: these logits are garbage.
    check_model_file();
    std::lock_guard<std::mutex> lock(tokens_mutex_);
    tokens_.insert(tokens_.end(), tokens, tokens + n);
    drift_.insert(drift_.end(), (size_t)n, 0);
}

void Session::check_model_file() const {
    const GgufFile & g = model_->gguf();
    if (g.tensors().empty()) return;
    if (mapped_file_changed(g.tensor_data(g.tensors()[0]))) {
        throw_error(STATUS_E_MODEL_FILE_CHANGED,
                    "the model file was truncated or replaced on disk while loaded; load the model again");
    }
}

void Session::shift_context() {
    const int64_t n_past = (int64_t)tokens_.size();
    const int64_t n_discard = (n_past - n_keep_) / 2;
    if (n_discard <= 0) throw_error(STATUS_E_INTERNAL, "context of %lld tokens cannot shift", (long long)n_past);
    const int64_t src = n_keep_ + n_discard;
    const int64_t n_move = n_past - src;
    std::lock_guard<std::mutex> lock(model_->compute_mutex());
    if (epoch_ != model_->placement_epoch()) {
        build_caches_locked();
        replay_locked();
    }
    if (stage_kv_) {
        char err[HEARTH_BK_ERR_LEN] = {0};
        int rc = model_->placement().backend->kv_shift(stage_kv_, src, n_keep_, n_move, err);
        if (rc != HEARTH_BK_OK) {
            model_->disable_stage(std::string(status_code_name(backend_status(rc))) + ": context shift: " + err);
            build_caches_locked();
            replay_locked();
        }
    }
    move_cells_locked(src, n_keep_, n_move);
    std::lock_guard<std::mutex> tokens_lock(tokens_mutex_);
    tokens_.erase(tokens_.begin() + n_keep_, tokens_.begin() + src);
    drift_.erase(drift_.begin() + n_keep_, drift_.begin() + src);
    ++n_shifts_;
}

void Session::move_cells_locked(int64_t src, int64_t dst, int64_t n) {
    kv_->move_positions(src, dst, n);
    // Keys carry their position in the rotation: turn them by the distance moved.
    const int64_t row = kv_->row_elems();
    std::vector<float> buf((size_t)row);
    for (int64_t l = 0; l < kv_->n_layer(); ++l) {
        uint16_t * k = kv_->k(l);
        for (int64_t p = dst; p < dst + n; ++p) {
            cpu_f16_to_f32(k + p * row, buf.data(), row);
            model_->arch().rope_shift_keys(l, buf.data(), dst - src);
            cpu_f32_to_f16(buf.data(), k + p * row, row);
        }
    }
}

} // namespace hearth
