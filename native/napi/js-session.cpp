// The JS session object: tokens, evaluate (promise) and generate (streaming
// from a std::thread through a thread-safe function; N-API is only ever
// called on the main thread, in deliver_event).
#include <thread>

#include "engine/generation.h"
#include "napi/async-task.h"
#include "napi/js-values.h"

namespace hearth::napi {

namespace {

// One message from a generation thread to JS.
struct GenerationEvent {
    enum Kind { TOKEN, DONE, ERROR } kind = TOKEN;
    TokenId token = TOKEN_NONE;
    std::string text;           // TOKEN: the text this token completes
    GenerationResult result;    // DONE
    CaughtError error;          // ERROR
};

Napi::Object timings_object(Napi::Env env, const GenerationTimings & t) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("promptMs", t.prompt_ms);
    o.Set("genMs", t.gen_ms);
    o.Set("promptTokens", (double)t.n_prompt);
    o.Set("promptTokensEvaluated", (double)t.n_prompt_eval);
    o.Set("promptTokensSpliced", (double)t.n_prompt_spliced);
    o.Set("generatedTokens", (double)t.n_gen);
    o.Set("promptTokensPerSec", t.prompt_ms > 0 ? (double)t.n_prompt_eval * 1000.0 / t.prompt_ms : 0.0);
    o.Set("genTokensPerSec", t.gen_ms > 0 ? (double)t.n_gen * 1000.0 / t.gen_ms : 0.0);
    return o;
}

void deliver_event(Napi::Env env, Napi::Function cb, std::nullptr_t *, GenerationEvent * ev) {
    std::unique_ptr<GenerationEvent> owned(ev);
    if (env == nullptr || cb == nullptr) return;  // the environment is shutting down
    Napi::Object o = Napi::Object::New(env);
    switch (ev->kind) {
        case GenerationEvent::TOKEN:
            o.Set("type", "token");
            o.Set("token", Napi::Number::New(env, ev->token));
            o.Set("text", Napi::String::New(env, ev->text));
            break;
        case GenerationEvent::DONE: {
            const GenerationResult & r = ev->result;
            o.Set("type", "done");
            o.Set("reason", stop_reason_name(r.reason));
            auto toks = Napi::Int32Array::New(env, r.tokens.size());
            std::copy(r.tokens.begin(), r.tokens.end(), toks.Data());
            o.Set("tokens", toks);
            o.Set("text", Napi::String::New(env, r.text));
            o.Set("tail", Napi::String::New(env, r.tail));
            o.Set("timings", timings_object(env, r.timings));
            break;
        }
        case GenerationEvent::ERROR:
            o.Set("type", "error");
            o.Set("error", make_error(env, ev->error.code.c_str(), ev->error.message).Value());
            break;
    }
    cb.Call({o});
}

using EventTsfn = Napi::TypedThreadSafeFunction<std::nullptr_t, GenerationEvent, deliver_event>;

std::shared_ptr<SessionState> live_session(Napi::Env env, const std::shared_ptr<SessionHolder> & h) {
    if (!h->state) throw make_error(env, "E_INVALID_ARGUMENT", "the session has been disposed");
    return h->state;
}

// Takes the session's busy flag for the lifetime of the guard unless released.
struct BusyGuard {
    std::shared_ptr<SessionState> state;
    BusyGuard(Napi::Env env, std::shared_ptr<SessionState> s) : state(std::move(s)) {
        bool expected = false;
        if (!state->busy.compare_exchange_strong(expected, true)) {
            throw make_error(env, "E_INVALID_ARGUMENT", "the session is busy with another evaluate/generate");
        }
    }
    ~BusyGuard() { if (state) state->busy = false; }
    std::shared_ptr<SessionState> release() { return std::move(state); }
};

GenerationParams generation_params(const Napi::Object & o) {
    GenerationParams p;
    p.max_tokens = (int32_t)number_option(o, "maxTokens", 256);
    SamplingParams & s = p.sampling;
    s.temperature = (float)number_option(o, "temperature", 0.0);
    s.top_k = (int32_t)number_option(o, "topK", s.top_k);
    s.top_p = (float)number_option(o, "topP", s.top_p);
    s.min_p = (float)number_option(o, "minP", s.min_p);
    s.repeat_penalty = (float)number_option(o, "repeatPenalty", s.repeat_penalty);
    s.repeat_last_n = (int32_t)number_option(o, "repeatLastN", s.repeat_last_n);
    s.frequency_penalty = (float)number_option(o, "frequencyPenalty", s.frequency_penalty);
    s.presence_penalty = (float)number_option(o, "presencePenalty", s.presence_penalty);
    s.seed = (uint64_t)number_option(o, "seed", 1);
    p.stop_on_eog = bool_option(o, "stopOnEog", true);
    p.splice_drift = (int64_t)number_option(o, "spliceDrift", 0);
    if (p.splice_drift < 0) throw make_error(o.Env(), "E_INVALID_ARGUMENT", "spliceDrift must be >= 0");
    Napi::Value stop_tokens = o.Get("stopTokens");
    if (!stop_tokens.IsUndefined() && !stop_tokens.IsNull()) p.stop_tokens = token_array(stop_tokens, "stopTokens");
    Napi::Value stop = o.Get("stop");
    if (stop.IsArray()) {
        auto a = stop.As<Napi::Array>();
        for (uint32_t i = 0; i < a.Length(); ++i) {
            Napi::Value v = a.Get(i);
            if (!v.IsString()) throw make_error(o.Env(), "E_INVALID_ARGUMENT", "stop must hold strings");
            p.stop.push_back(v.As<Napi::String>().Utf8Value());
        }
    } else if (!stop.IsUndefined() && !stop.IsNull()) {
        throw make_error(o.Env(), "E_INVALID_ARGUMENT", "stop must be an array of strings");
    }
    if (p.max_tokens < 0) throw make_error(o.Env(), "E_INVALID_ARGUMENT", "maxTokens must be >= 0");
    return p;
}

struct EvaluateOutput {
    std::vector<float> logits;
    EvaluateStats stats;
};

} // namespace

Napi::Object session_wrap(Napi::Env env, std::shared_ptr<Model> model, const SessionOptions & options) {
    auto h = std::make_shared<SessionHolder>();
    h->state = std::make_shared<SessionState>();
    h->state->session = std::make_unique<Session>(std::move(model), options);
    Napi::Object obj = Napi::Object::New(env);

    set_method(env, obj, "info", [h](const Napi::CallbackInfo & info) -> Napi::Value {
        auto st = live_session(info.Env(), h);
        Napi::Object o = Napi::Object::New(info.Env());
        o.Set("contextLength", (double)st->session->n_ctx());
        o.Set("keepTokens", (double)st->session->n_keep());
        o.Set("contextShifts", (double)st->session->n_shifts());
        o.Set("cachedTokens", (double)st->session->tokens().size());
        return o;
    });
    set_method(env, obj, "tokens", [h](const Napi::CallbackInfo & info) -> Napi::Value {
        auto st = live_session(info.Env(), h);
        const auto & t = st->session->tokens();
        auto out = Napi::Int32Array::New(info.Env(), t.size());
        std::copy(t.begin(), t.end(), out.Data());
        return out;
    });
    // evaluate(tokens, {spliceDrift}?) -> Promise<{logits: Float32Array, reused, evaluated, dropped, spliced}>
    set_method(env, obj, "evaluate", [h](const Napi::CallbackInfo & info) -> Napi::Value {
        Napi::Env env = info.Env();
        std::vector<TokenId> tokens = token_array(info[0], "tokens");
        int64_t drift = 0;
        if (info.Length() > 1 && info[1].IsObject()) {
            drift = (int64_t)number_option(info[1].As<Napi::Object>(), "spliceDrift", 0);
            if (drift < 0) throw make_error(env, "E_INVALID_ARGUMENT", "spliceDrift must be >= 0");
        }
        auto busy = std::make_shared<BusyGuard>(env, live_session(env, h));
        return AsyncTask<EvaluateOutput>::start(
            env,
            [busy, tokens, drift]() {
                EvaluateOutput out;
                out.logits = busy->state->session->evaluate(tokens, &out.stats, {}, drift);
                busy->release()->busy = false;
                return out;
            },
            [busy](Napi::Env env, EvaluateOutput & out) -> Napi::Value {
                Napi::Object o = Napi::Object::New(env);
                auto logits = Napi::Float32Array::New(env, out.logits.size());
                std::copy(out.logits.begin(), out.logits.end(), logits.Data());
                o.Set("logits", logits);
                o.Set("reused", (double)out.stats.n_reused);
                o.Set("evaluated", (double)out.stats.n_evaluated);
                o.Set("dropped", (double)out.stats.n_dropped);
                o.Set("spliced", (double)out.stats.n_spliced);
                return o;
            });
    });
    // generate(tokens, options, onEvent) -> {abort()}; events: token, done, error.
    set_method(env, obj, "generate", [h](const Napi::CallbackInfo & info) -> Napi::Value {
        Napi::Env env = info.Env();
        std::vector<TokenId> tokens = token_array(info[0], "tokens");
        GenerationParams params = generation_params(require_object(info, 1, "options"));
        if (info.Length() < 3 || !info[2].IsFunction()) {
            throw make_error(env, "E_INVALID_ARGUMENT", "onEvent must be a function");
        }
        BusyGuard busy(env, live_session(env, h));
        auto abort_flag = std::make_shared<std::atomic<bool>>(false);
        // A queue of one: the generation thread waits when JS has not taken the
        // previous token yet, so it never runs more than a token or two ahead of
        // what JS has seen (bounded memory, and abort lands within a token).
        EventTsfn tsfn = EventTsfn::New(env, info[2].As<Napi::Function>(), "hearth-generate", 1, 1);
        std::shared_ptr<SessionState> state = busy.release();
        std::thread([state, tokens, params, abort_flag, tsfn]() mutable {
            GenerationCallbacks cb;
            cb.should_abort = [abort_flag] { return abort_flag->load(std::memory_order_relaxed); };
            cb.on_token = [&tsfn](TokenId id, const std::string & text) {
                auto * ev = new GenerationEvent();
                ev->token = id;
                ev->text = text;
                if (tsfn.BlockingCall(ev) != napi_ok) delete ev;
            };
            auto * last = new GenerationEvent();
            try {
                last->result = generation_run(*state->session, tokens, params, cb);
                last->kind = GenerationEvent::DONE;
            } catch (...) {
                last->kind = GenerationEvent::ERROR;
                last->error = catch_current();
            }
            // Free before the last event so its handler may start the next request.
            state->busy = false;
            state.reset();
            if (tsfn.BlockingCall(last) != napi_ok) delete last;
            tsfn.Release();
        }).detach();

        Napi::Object handle = Napi::Object::New(env);
        handle.Set("abort", Napi::Function::New(env, [abort_flag](const Napi::CallbackInfo & info) -> Napi::Value {
            abort_flag->store(true);
            return info.Env().Undefined();
        }, "abort"));
        return handle;
    });
    set_method(env, obj, "dispose", [h](const Napi::CallbackInfo & info) -> Napi::Value {
        h->state.reset();
        return info.Env().Undefined();
    });
    return obj;
}

} // namespace hearth::napi
