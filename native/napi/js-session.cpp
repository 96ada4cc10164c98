// The JS session object: info, tokens, evaluate (promise), generate
// (streaming from a std::thread through a thread-safe function; N-API is only
// ever called on the main thread, in deliver_event) and dispose.
//
// Thread-safety rule, the same for every method:
//  - info() and tokens() work at any time, also during a request: they copy
//    the session's token list under its lock (hearth_session_tokens).
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
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "hearth.h"
#include "napi/async-task.h"
#include "napi/js-model-holders.h"
#include "napi/js-sampling-params.h"
#include "napi/js-values.h"

namespace hearth::napi {

struct RunControl;

namespace {

struct ResultDeleter {
    void operator()(hearth_generation_result * r) const { hearth_generation_result_free(r); }
};
using ResultPtr = std::unique_ptr<hearth_generation_result, ResultDeleter>;

// One message from a generation thread to JS.
struct GenerationEvent {
    enum Kind { TOKEN, DONE, ERROR } kind = TOKEN;
    int32_t token = HEARTH_TOKEN_NONE;
    std::string text;           // TOKEN: the text this token completes
    ResultPtr result;           // DONE
    CaughtError error;          // ERROR
    std::shared_ptr<RunControl> run;  // the generation it belongs to
};

// Main thread: one event left the queue (delivered or dropped); true when a
// token event must be dropped because the session was disposed.
bool event_taken(RunControl & run, GenerationEvent::Kind kind);

Napi::Object timings_object(Napi::Env env, const hearth_generation_timings & t) {
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
            const hearth_generation_result & r = *ev->result;
            o.Set("type", "done");
            o.Set("reason", r.reason);
            auto toks = Napi::Int32Array::New(env, r.n_tokens);
            std::copy(r.tokens, r.tokens + r.n_tokens, toks.Data());
            o.Set("tokens", toks);
            o.Set("text", Napi::String::New(env, r.text.data, r.text.len));
            o.Set("tail", Napi::String::New(env, r.tail.data, r.tail.len));
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
void check_token_ids(Napi::Env env, const std::vector<int32_t> & ids, const hearth_session * s, const char * name) {
    hearth_session_info info;
    hearth_session_get_info(s, &info);
    const int64_t n_vocab = info.n_vocab;
    for (int32_t id : ids) {
        if (id < 0 || id >= n_vocab) {
            throw_coded(env, "E_INVALID_ARGUMENT", "%s: token id %d is outside the vocab [0, %lld)", name, id,
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

// generate()'s options, owning what hearth_generate_params points into.
struct GenerationRequest {
    hearth_generate_params params;
    std::vector<int32_t> stop_tokens;
    std::vector<std::string> stop;

    // The C view, made where it is used: a moved std::string may move its bytes.
    hearth_generate_params bind(std::vector<hearth_string> & views) const {
        views.clear();
        for (const std::string & s : stop) views.push_back({s.data(), s.size()});
        hearth_generate_params p = params;
        p.stop_tokens = stop_tokens.data();
        p.n_stop_tokens = stop_tokens.size();
        p.stop = views.data();
        p.n_stop = views.size();
        return p;
    }
};

GenerationRequest generation_params(const Napi::Object & o) {
    GenerationRequest req;
    hearth_generate_params & p = req.params;
    hearth_generate_params_init(&p);
    p.max_tokens = (int32_t)int_option(o, "maxTokens", 256, 0, JS_MAX_COUNT);
    p.sampling = sampling_params(o);
    p.stop_on_eog = bool_option(o, "stopOnEog", true);
    p.splice_drift = int_option(o, "spliceDrift", 0, 0, JS_MAX_COUNT);
    Napi::Value stop_tokens = o.Get("stopTokens");
    if (!stop_tokens.IsUndefined() && !stop_tokens.IsNull()) req.stop_tokens = token_array(stop_tokens, "stopTokens");
    Napi::Value stop = o.Get("stop");
    if (stop.IsArray()) {
        auto a = stop.As<Napi::Array>();
        for (uint32_t i = 0; i < a.Length(); ++i) {
            Napi::Value v = a.Get(i);
            if (!v.IsString()) throw make_error(o.Env(), "E_INVALID_ARGUMENT", "stop must hold strings");
            req.stop.push_back(v.As<Napi::String>().Utf8Value());
        }
    } else if (!stop.IsUndefined() && !stop.IsNull()) {
        throw make_error(o.Env(), "E_INVALID_ARGUMENT", "stop must be an array of strings");
    }
    return req;
}

struct FreeDeleter {
    void operator()(float * p) const { hearth_free(p); }
};

struct EvaluateOutput {
    std::unique_ptr<float, FreeDeleter> logits;
    size_t n_logits = 0;
    hearth_evaluate_stats stats{};
};

// What the generation thread's C callbacks (below) reach through `user`.
struct GenerationContext {
    std::shared_ptr<RunControl> ctl;
    std::function<bool()> aborted;
    // A throw in on_token (out of memory) may not cross the C call: it is
    // kept here as code and message (not an exception_ptr, whose ABI is
    // newer than our libstdc++ floor), stops the generation, and is reported
    // as its error.
    bool failed = false;
    CaughtError failure;
};

int generation_should_abort(void * user) {
    auto * c = static_cast<GenerationContext *>(user);
    return c->failed || c->aborted();
}

void generation_on_token(void * user, int32_t token, const char * text, size_t len) {
    auto * c = static_cast<GenerationContext *>(user);
    if (c->failed) return;
    try {
        auto ev = std::make_unique<GenerationEvent>();
        ev->token = token;
        ev->text.assign(text, len);
        ev->run = c->ctl;
        send_event(*c->ctl, std::move(ev), c->aborted);
    } catch (...) {
        c->failed = true;
        try {
            c->failure = catch_current();
        } catch (...) {
            // Out of memory again while keeping the message: short strings, no allocation.
            c->failure.code = "E_OUT_OF_MEMORY";
            c->failure.message = "out of memory";
        }
    }
}

// The generation thread: runs the loop, streams tokens, sends the final
// event, then tells the main thread it is done with tsfn.
void generation_thread(std::shared_ptr<SessionState> state, std::shared_ptr<RunControl> ctl,
                       std::vector<int32_t> tokens, GenerationRequest request) {
    SessionState * st = state.get();
    RunControl * run = ctl.get();
    GenerationContext context;
    context.ctl = ctl;
    context.aborted = [st, run] {
        return run->abort.load(std::memory_order_relaxed) || st->cancelled.load(std::memory_order_relaxed);
    };
    hearth_generate_callbacks cb;
    cb.on_token = generation_on_token;
    cb.should_abort = generation_should_abort;
    cb.user = &context;
    auto last = std::make_unique<GenerationEvent>();
    last->run = ctl;
    try {
        std::vector<hearth_string> stop_views;
        const hearth_generate_params params = request.bind(stop_views);
        hearth_generation_result * result = nullptr;
        hearth_error err;
        const hearth_status status =
            hearth_session_generate(state->session.get(), tokens.data(), tokens.size(), &params, &cb, &result, &err);
        last->result.reset(result);
        check(status, err);
        last->kind = GenerationEvent::DONE;
        if (context.failed) {
            last->kind = GenerationEvent::ERROR;
            last->error = context.failure;
        }
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

Napi::Object session_wrap(Napi::Env env, const std::shared_ptr<ModelHolder> & model_holder,
                          const hearth_session_options & options) {
    auto h = std::make_shared<SessionHolder>();
    h->state = std::make_shared<SessionState>();
    hearth_session * session = nullptr;
    hearth_error err;
    check(hearth_session_create(model_holder->model.get(), &options, &session, &err), err);
    h->state->session.reset(session);
    model_holder->sessions.push_back(h);
    Napi::Object obj = Napi::Object::New(env);

    set_method(env, obj, "info", [h](const Napi::CallbackInfo & info) -> Napi::Value {
        auto st = live_session(info.Env(), h);
        hearth_session_info si;
        hearth_session_get_info(st->session.get(), &si);
        Napi::Object o = Napi::Object::New(info.Env());
        o.Set("contextLength", (double)si.context_length);
        o.Set("keepTokens", (double)si.keep_tokens);
        o.Set("contextShifts", (double)si.context_shifts);
        o.Set("cachedTokens", (double)si.cached_tokens);
        o.Set("busy", st->is_busy());
        return o;
    });
    set_method(env, obj, "tokens", [h](const Napi::CallbackInfo & info) -> Napi::Value {
        auto st = live_session(info.Env(), h);
        int32_t * t = nullptr;
        size_t n = 0;
        hearth_error err;
        check(hearth_session_tokens(st->session.get(), &t, &n, &err), err);
        auto out = Napi::Int32Array::New(info.Env(), n);
        std::copy(t, t + n, out.Data());
        hearth_free(t);
        return out;
    });
    // evaluate(tokens, {spliceDrift}?) -> Promise<{logits: Float32Array, reused, evaluated, dropped, spliced}>
    set_method(env, obj, "evaluate", [h](const Napi::CallbackInfo & info) -> Napi::Value {
        Napi::Env env = info.Env();
        std::vector<int32_t> tokens = token_array(info[0], "tokens");
        int64_t drift = 0;
        if (info.Length() > 1 && info[1].IsObject()) {
            drift = int_option(info[1].As<Napi::Object>(), "spliceDrift", 0, 0, int64_t(1) << 24);
        }
        check_token_ids(env, tokens, live_session(env, h)->session.get(), "tokens");
        std::shared_ptr<SessionState> st = acquire(env, h);
        return AsyncTask<EvaluateOutput>::start(
            env,
            [st, tokens, drift]() {
                struct Release {
                    SessionState & s;
                    ~Release() { s.release(); }
                } release{*st};
                EvaluateOutput out;
                auto cancelled = [](void * user) -> int {
                    return static_cast<SessionState *>(user)->cancelled.load(std::memory_order_relaxed);
                };
                float * logits = nullptr;
                hearth_error err;
                const hearth_status status = hearth_session_evaluate(st->session.get(), tokens.data(), tokens.size(), drift,
                                                                     cancelled, st.get(), &logits, &out.n_logits,
                                                                     &out.stats, &err);
                out.logits.reset(logits);
                check(status, err);
                return out;
            },
            [](Napi::Env env, EvaluateOutput & out) -> Napi::Value {
                Napi::Object o = Napi::Object::New(env);
                auto logits = Napi::Float32Array::New(env, out.n_logits);
                std::copy(out.logits.get(), out.logits.get() + out.n_logits, logits.Data());
                o.Set("logits", logits);
                o.Set("reused", (double)out.stats.reused);
                o.Set("evaluated", (double)out.stats.evaluated);
                o.Set("dropped", (double)out.stats.dropped);
                o.Set("spliced", (double)out.stats.spliced);
                return o;
            });
    });
    // generate(tokens, options, onEvent) -> {abort()}; events: token, done, error.
    set_method(env, obj, "generate", [h](const Napi::CallbackInfo & info) -> Napi::Value {
        Napi::Env env = info.Env();
        std::vector<int32_t> tokens = token_array(info[0], "tokens");
        GenerationRequest params = generation_params(require_object(info, 1, "options"));
        if (info.Length() < 3 || !info[2].IsFunction()) {
            throw make_error(env, "E_INVALID_ARGUMENT", "onEvent must be a function");
        }
        check_token_ids(env, tokens, live_session(env, h)->session.get(), "tokens");
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
            throw_coded(env, "E_OUT_OF_MEMORY", "cannot start the generation thread: %s", e.what());
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
