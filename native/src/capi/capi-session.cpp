// Sessions through hearth.h: create, info and tokens (any thread), evaluate
// and generate (one at a time, the caller's thread; callbacks run on it).
#include <string>
#include <vector>

#include "capi/capi-alloc.h"
#include "capi/capi-errors.h"
#include "capi/capi-handles.h"
#include "capi/capi-sampling.h"
#include "engine/generation.h"

using namespace hearth;

static_assert(HEARTH_MIN_CONTEXT == Session::MIN_CTX, "the smallest context differs");

namespace {

// The public struct with the buffers it points into (see ModelInfoBox).
struct GenerationResultBox : hearth_generation_result {
    GenerationResultBox() : hearth_generation_result() {}
    GenerationResult result;
};

std::function<bool()> abort_check(hearth_abort_fn fn, void * user) {
    if (!fn) return {};
    return [fn, user] { return fn(user) != 0; };
}

} // namespace

namespace hearth::capi {

SamplingParams sampling_from(const hearth_sampling_params & p) {
    SamplingParams s;
    s.temperature = p.temperature;
    s.top_k = p.top_k;
    s.top_p = p.top_p;
    s.min_p = p.min_p;
    s.repeat_penalty = p.repeat_penalty;
    s.repeat_last_n = p.repeat_last_n;
    s.frequency_penalty = p.frequency_penalty;
    s.presence_penalty = p.presence_penalty;
    s.seed = p.seed;
    return s;
}

} // namespace hearth::capi

extern "C" {

void hearth_session_options_init(hearth_session_options * o) {
    const SessionOptions d;
    o->context_length = d.n_ctx;
    o->batch_size = d.n_batch;
    o->keep_tokens = d.n_keep;
}

hearth_status hearth_session_create(const hearth_model * m, const hearth_session_options * options,
                                    hearth_session ** out, hearth_error * err) {
    *out = nullptr;
    return capi::guarded(err, [&] {
        SessionOptions so;
        if (options) {
            so.n_ctx = options->context_length;
            so.n_batch = options->batch_size;
            so.n_keep = options->keep_tokens;
        }
        auto s = std::make_unique<hearth_session>();
        s->session = std::make_unique<Session>(m->model, so);
        *out = s.release();
    });
}

void hearth_session_free(hearth_session * s) { delete s; }

void hearth_session_get_info(const hearth_session * s, hearth_session_info * out) {
    const Session & session = *s->session;
    out->context_length = session.n_ctx();
    out->keep_tokens = session.n_keep();
    out->context_shifts = session.n_shifts();
    out->cached_tokens = session.n_cached();
    out->n_vocab = session.model()->hparams().n_vocab;
}

hearth_status hearth_session_tokens(const hearth_session * s, int32_t ** tokens, size_t * n_tokens, hearth_error * err) {
    *tokens = nullptr;
    *n_tokens = 0;
    return capi::guarded(err, [&] {
        const std::vector<TokenId> t = s->session->tokens_snapshot();
        *tokens = capi::copy_out(t);
        *n_tokens = t.size();
    });
}

hearth_status hearth_session_evaluate(hearth_session * s, const int32_t * tokens, size_t n_tokens,
                                      int64_t splice_drift, hearth_abort_fn should_abort, void * abort_user,
                                      float ** logits, size_t * n_logits, hearth_evaluate_stats * stats,
                                      hearth_error * err) {
    *logits = nullptr;
    *n_logits = 0;
    return capi::guarded(err, [&] {
        const std::vector<TokenId> ids(tokens, tokens + n_tokens);
        EvaluateStats st;
        const std::vector<float> & out = s->session->evaluate(ids, &st, abort_check(should_abort, abort_user), splice_drift);
        *logits = capi::copy_out(out);
        *n_logits = out.size();
        if (stats) {
            stats->reused = st.n_reused;
            stats->evaluated = st.n_evaluated;
            stats->dropped = st.n_dropped;
            stats->spliced = st.n_spliced;
        }
    });
}

void hearth_sampling_params_init(hearth_sampling_params * p) {
    const SamplingParams d;
    p->temperature = d.temperature;
    p->top_k = d.top_k;
    p->top_p = d.top_p;
    p->min_p = d.min_p;
    p->repeat_penalty = d.repeat_penalty;
    p->repeat_last_n = d.repeat_last_n;
    p->frequency_penalty = d.frequency_penalty;
    p->presence_penalty = d.presence_penalty;
    p->seed = d.seed;
}

void hearth_generate_params_init(hearth_generate_params * p) {
    const GenerationParams d;
    hearth_sampling_params_init(&p->sampling);
    p->max_tokens = d.max_tokens;
    p->stop_on_eog = d.stop_on_eog;
    p->splice_drift = d.splice_drift;
    p->stop_tokens = nullptr;
    p->n_stop_tokens = 0;
    p->stop = nullptr;
    p->n_stop = 0;
}

hearth_status hearth_session_generate(hearth_session * s, const int32_t * prompt, size_t n_prompt,
                                      const hearth_generate_params * params, const hearth_generate_callbacks * callbacks,
                                      hearth_generation_result ** out, hearth_error * err) {
    *out = nullptr;
    return capi::guarded(err, [&] {
        GenerationParams p;
        p.sampling = capi::sampling_from(params->sampling);
        p.max_tokens = params->max_tokens;
        p.stop_on_eog = params->stop_on_eog != 0;
        p.splice_drift = params->splice_drift;
        p.stop_tokens.assign(params->stop_tokens, params->stop_tokens + params->n_stop_tokens);
        for (size_t i = 0; i < params->n_stop; ++i) p.stop.emplace_back(params->stop[i].data, params->stop[i].len);

        GenerationCallbacks cb;
        if (callbacks) {
            cb.should_abort = abort_check(callbacks->should_abort, callbacks->user);
            if (callbacks->on_token) {
                hearth_token_fn fn = callbacks->on_token;
                void * user = callbacks->user;
                cb.on_token = [fn, user](TokenId id, const std::string & text) { fn(user, id, text.data(), text.size()); };
            }
        }
        const std::vector<TokenId> ids(prompt, prompt + n_prompt);
        auto box = std::make_unique<GenerationResultBox>();
        box->result = generation_run(*s->session, ids, p, cb);
        const GenerationResult & r = box->result;
        box->reason = stop_reason_name(r.reason);
        box->tokens = r.tokens.data();
        box->n_tokens = r.tokens.size();
        box->text = {r.text.data(), r.text.size()};
        box->tail = {r.tail.data(), r.tail.size()};
        box->timings.prompt_ms = r.timings.prompt_ms;
        box->timings.gen_ms = r.timings.gen_ms;
        box->timings.n_prompt = r.timings.n_prompt;
        box->timings.n_prompt_eval = r.timings.n_prompt_eval;
        box->timings.n_prompt_spliced = r.timings.n_prompt_spliced;
        box->timings.n_gen = r.timings.n_gen;
        *out = box.release();
    });
}

void hearth_generation_result_free(hearth_generation_result * r) { delete static_cast<GenerationResultBox *>(r); }

} // extern "C"
