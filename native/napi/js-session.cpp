// The JS session object: info, tokens, evaluate (promise), generate
// (streaming from a std::thread through a thread-safe function; N-API is only
// ever called on the main thread, in deliver_event) and dispose.
//
// Thread-safety rule, the same for every method:
//  - info() and tokens() work at any time, also during a request: they copy
//    the session's token list under its lock (Session::tokens_snapshot).
//  - evaluate() and generate() run one at a time per session; while one
//    runs, another fails at once with E_BUSY (the JS wrapper queues them).
//  - dispose() aborts a running request, waits for its thread to stop
//    touching the session, then frees it; later calls fail with
//    E_INVALID_ARGUMENT. No token event is delivered after dispose(); a
//    running generate() still gets its final event ("done", reason
//    "abort") on a later turn of the event loop, so its promise settles.
//    The wait is at most one forward pass (a prompt evaluation stops
//    between batches), and never on JS: the generation thread does not
//    block on the event loop (see RunControl).
#include <condition_variable>
#include <mutex>
#include <thread>

#include "engine/generation.h"
#include "napi/async-task.h"
#include "napi/js-sampling-params.h"
#include "napi/js-values.h"

namespace hearth::napi {

struct RunControl;

namespace {

// One message from a generation thread to JS.
struct GenerationEvent {
    enum Kind { TOKEN, DONE, ERROR } kind = TOKEN;
    TokenId token = TOKEN_NONE;
    std::string text;           // TOKEN: the text this token completes
    GenerationResult result;    // DONE
    CaughtError error;          // ERROR
    std::shared_ptr<RunControl> run;  // the generation it belongs to
};

// Main thread: one event left the queue (delivered or dropped); true when a
// token event must be dropped because the session was disposed.
bool event_taken(RunControl & run, GenerationEvent::Kind kind);

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
    const bool drop = event_taken(*ev->run, ev->kind);
    if (env == nullptr || cb == nullptr) return;  // the environment is shutting down
    if (drop) return;
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

// Takes the session's busy flag; the request releases it when its native
// work ends (on its own thread), whether it succeeded or threw.
std::shared_ptr<SessionState> acquire(Napi::Env env, const std::shared_ptr<SessionHolder> & h) {
    std::shared_ptr<SessionState> st = live_session(env, h);
    if (!st->try_acquire()) {
        throw make_error(env, "E_BUSY", "the session is busy with another evaluate/generate; wait for it to end");
    }
    return st;
}

// Token ids must index the vocab: the forward pass looks them up unchecked.
void check_token_ids(const std::vector<TokenId> & ids, const Session & s, const char * name) {
    const int64_t n_vocab = s.model()->hparams().n_vocab;
    for (TokenId id : ids) {
        if (id < 0 || id >= n_vocab) {
            throw_error(STATUS_E_INVALID_ARGUMENT, "%s: token id %d is outside the vocab [0, %lld)", name, id,
                        (long long)n_vocab);
        }
    }
}

} // namespace

// What the generation thread and the main thread share about one generate().
//
// Flow control without blocking on JS: the thread hands events over with
// NonBlockingCall into an unbounded queue, but first waits (on `wake`) until
// fewer than MAX_IN_FLIGHT of its events are still undelivered, or until it
// is aborted. So it runs at most a token or two ahead of what JS has seen
// (bounded memory, abort lands within a token), and dispose() can wait for
// it without deadlock: setting `abort` and notifying `wake` frees it.
// `finished` is set after the thread's last use of `tsfn` (its Release).
struct RunControl {
    static constexpr int MAX_IN_FLIGHT = 2;
    std::atomic<bool> abort{false};
    EventTsfn tsfn;
    std::mutex mutex;
    std::condition_variable wake;
    int in_flight = 0;       // events queued and not yet taken by the main thread
    bool disposed = false;   // token events still queued are dropped
    bool finished = false;
};

namespace {

bool event_taken(RunControl & run, GenerationEvent::Kind kind) {
    bool drop;
    {
        std::lock_guard<std::mutex> lock(run.mutex);
        --run.in_flight;
        drop = run.disposed && kind == GenerationEvent::TOKEN;
    }
    run.wake.notify_all();
    return drop;
}

// Generation thread: queues ev for JS, waiting first while too many are
// undelivered (unless aborted). False when the queue is closing (the
// environment is going away); ev is freed either way.
bool send_event(RunControl & run, std::unique_ptr<GenerationEvent> ev, const std::function<bool()> & aborted) {
    {
        std::unique_lock<std::mutex> lock(run.mutex);
        run.wake.wait(lock, [&] { return run.in_flight < RunControl::MAX_IN_FLIGHT || aborted(); });
        ++run.in_flight;
    }
    GenerationEvent * raw = ev.release();
    if (run.tsfn.NonBlockingCall(raw) == napi_ok) return true;
    {
        std::lock_guard<std::mutex> lock(run.mutex);
        --run.in_flight;
    }
    delete raw;
    return false;
}

} // namespace

namespace {

GenerationParams generation_params(const Napi::Object & o) {
    GenerationParams p;
    p.max_tokens = (int32_t)int_option(o, "maxTokens", 256, 0, JS_MAX_COUNT);
    p.sampling = sampling_params(o);
    p.stop_on_eog = bool_option(o, "stopOnEog", true);
    p.splice_drift = int_option(o, "spliceDrift", 0, 0, JS_MAX_COUNT);
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
    return p;
}

struct EvaluateOutput {
    std::vector<float> logits;
    EvaluateStats stats;
};

// The generation thread: runs the loop, streams tokens, sends the final
// event, then tells the main thread it is done with tsfn.
void generation_thread(std::shared_ptr<SessionState> state, std::shared_ptr<RunControl> ctl,
                       std::vector<TokenId> tokens, GenerationParams params) {
    GenerationCallbacks cb;
    SessionState * st = state.get();
    RunControl * run = ctl.get();
    std::function<bool()> aborted = [st, run] {
        return run->abort.load(std::memory_order_relaxed) || st->cancelled.load(std::memory_order_relaxed);
    };
    cb.should_abort = aborted;
    cb.on_token = [&](TokenId id, const std::string & text) {
        auto ev = std::make_unique<GenerationEvent>();
        ev->token = id;
        ev->text = text;
        ev->run = ctl;
        send_event(*run, std::move(ev), aborted);
    };
    auto last = std::make_unique<GenerationEvent>();
    last->run = ctl;
    try {
        last->result = generation_run(*state->session, tokens, params, cb);
        last->kind = GenerationEvent::DONE;
    } catch (...) {
        last->kind = GenerationEvent::ERROR;
        last->error = catch_current();
    }
    // Free before the last event so its handler may start the next request.
    state->release();
    state.reset();
    // The final event is never held back: it does not wait for JS.
    send_event(*run, std::move(last), [] { return true; });
    run->tsfn.Release();
    {
        std::lock_guard<std::mutex> lock(run->mutex);
        run->finished = true;
    }
    run->wake.notify_all();
}

} // namespace

void session_dispose(Napi::Env, SessionHolder & h) {
    std::shared_ptr<SessionState> st = std::move(h.state);
    std::shared_ptr<RunControl> run = std::move(h.run);
    if (st) st->cancelled = true;
    if (run) {
        run->abort = true;
        std::unique_lock<std::mutex> lock(run->mutex);
        run->disposed = true;
        run->wake.notify_all();
        // Nothing the thread waits for needs this (main) thread: see RunControl.
        run->wake.wait(lock, [&] { return run->finished; });
    }
    // An evaluate() on the libuv pool polls `cancelled` between batches.
    if (st) st->wait_idle();
    // st (and with it the engine session) is freed here unless an
    // evaluate's completion callback still holds it; it is idle either way.
}

Napi::Object session_wrap(Napi::Env env, const std::shared_ptr<ModelHolder> & model_holder, const SessionOptions & options) {
    auto h = std::make_shared<SessionHolder>();
    h->state = std::make_shared<SessionState>();
    h->state->session = std::make_unique<Session>(model_holder->model, options);
    model_holder->sessions.push_back(h);
    Napi::Object obj = Napi::Object::New(env);

    set_method(env, obj, "info", [h](const Napi::CallbackInfo & info) -> Napi::Value {
        auto st = live_session(info.Env(), h);
        Napi::Object o = Napi::Object::New(info.Env());
        o.Set("contextLength", (double)st->session->n_ctx());
        o.Set("keepTokens", (double)st->session->n_keep());
        o.Set("contextShifts", (double)st->session->n_shifts());
        o.Set("cachedTokens", (double)st->session->n_cached());
        o.Set("busy", st->is_busy());
        return o;
    });
    set_method(env, obj, "tokens", [h](const Napi::CallbackInfo & info) -> Napi::Value {
        auto st = live_session(info.Env(), h);
        const std::vector<TokenId> t = st->session->tokens_snapshot();
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
            drift = int_option(info[1].As<Napi::Object>(), "spliceDrift", 0, 0, int64_t(1) << 24);
        }
        check_token_ids(tokens, *live_session(env, h)->session, "tokens");
        std::shared_ptr<SessionState> st = acquire(env, h);
        return AsyncTask<EvaluateOutput>::start(
            env,
            [st, tokens, drift]() {
                struct Release {
                    SessionState & s;
                    ~Release() { s.release(); }
                } release{*st};
                EvaluateOutput out;
                auto cancelled = [&s = *st] { return s.cancelled.load(std::memory_order_relaxed); };
                out.logits = st->session->evaluate(tokens, &out.stats, cancelled, drift);
                return out;
            },
            [](Napi::Env env, EvaluateOutput & out) -> Napi::Value {
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
        check_token_ids(tokens, *live_session(env, h)->session, "tokens");
        std::shared_ptr<SessionState> state = acquire(env, h);
        auto ctl = std::make_shared<RunControl>();
        try {
            // Unbounded queue (0): RunControl bounds what is in flight itself.
            ctl->tsfn = EventTsfn::New(env, info[2].As<Napi::Function>(), "hearth-generate", 0, 1);
        } catch (...) {
            state->release();
            throw;
        }
        try {
            std::thread(generation_thread, state, ctl, std::move(tokens), std::move(params)).detach();
        } catch (const std::exception & e) {
            ctl->tsfn.Release();
            state->release();
            throw_error(STATUS_E_OUT_OF_MEMORY, "cannot start the generation thread: %s", e.what());
        }
        // The previous run, if any, has released the session; its thread may
        // still be handing over its final event, which needs nothing from us.
        h->run = ctl;

        Napi::Object handle = Napi::Object::New(env);
        std::weak_ptr<RunControl> weak = ctl;
        handle.Set("abort", Napi::Function::New(env, [weak](const Napi::CallbackInfo & info) -> Napi::Value {
            if (auto c = weak.lock()) c->abort.store(true);
            return info.Env().Undefined();
        }, "abort"));
        return handle;
    });
    set_method(env, obj, "dispose", [h](const Napi::CallbackInfo & info) -> Napi::Value {
        session_dispose(info.Env(), *h);
        return info.Env().Undefined();
    });
    return obj;
}

} // namespace hearth::napi
