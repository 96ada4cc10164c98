// What the JS model and session objects hold: the C handles of hearth.h,
// owned here (freed by the deleters below). Each JS method closure keeps a
// shared_ptr to its holder, so the holder dies with the last closure (the
// finalizer node-addon-api attaches to every function's data). Holders are
// touched on the main thread only; what a worker thread shares is in
// SessionState (the session) and the running generation's control block.
//
// dispose() of a session aborts its running request and waits for its
// thread before the engine session is freed; dispose() of a model does that
// for every session made from it (js-session.cpp, session_dispose).
#pragma once

#include <napi.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "hearth.h"
#include "napi/errors.h"

namespace hearth::napi {

struct SessionHolder;

struct ModelDeleter {
    void operator()(hearth_model * m) const { hearth_model_free(m); }
};
struct SessionDeleter {
    void operator()(hearth_session * s) const { hearth_session_free(s); }
};

struct ModelHolder {
    // null once disposed; sessions keep the engine's model alive on their own
    std::unique_ptr<hearth_model, ModelDeleter> model;
    int threads_requested = 0;     // loadModel's threads option as given (0: default)
    std::vector<std::weak_ptr<SessionHolder>> sessions;  // made from this model
};

// Shared by the main thread and the request running on the session.
struct SessionState {
    std::unique_ptr<hearth_session, SessionDeleter> session;

    // One evaluate/generate at a time; dispose waits for it to end.
    bool try_acquire() {
        std::lock_guard<std::mutex> lock(mutex);
        if (busy) return false;
        busy = true;
        return true;
    }
    void release() {
        {
            std::lock_guard<std::mutex> lock(mutex);
            busy = false;
        }
        idle.notify_all();
    }
    void wait_idle() {
        std::unique_lock<std::mutex> lock(mutex);
        idle.wait(lock, [this] { return !busy; });
    }
    bool is_busy() {
        std::lock_guard<std::mutex> lock(mutex);
        return busy;
    }
    // Set by dispose: the running request stops at its next check (E_ABORTED / "abort").
    std::atomic<bool> cancelled{false};

private:
    std::mutex mutex;
    std::condition_variable idle;
    bool busy = false;
};

struct RunControl;  // js-session.cpp: a generate()'s thread and event channel

struct SessionHolder {
    std::shared_ptr<SessionState> state;  // null once disposed
    std::shared_ptr<RunControl> run;      // the latest generate(), if any
};

// Aborts the session's running request, waits for it, frees the session.
// Main thread only; idempotent.
void session_dispose(Napi::Env env, SessionHolder & h);

// Registers quantizeRows/dequantizeRows (js-quantize.cpp); called from init_model.
void init_quantize(Napi::Env env, Napi::Object exports);

// Makes the JS session object for a new session of `model` (js-session.cpp).
Napi::Object session_wrap(Napi::Env env, const std::shared_ptr<ModelHolder> & model,
                          const hearth_session_options & options);

inline const hearth_model * live_model(Napi::Env env, const std::shared_ptr<ModelHolder> & h) {
    if (!h->model) throw make_error(env, "E_INVALID_ARGUMENT", "the model has been disposed");
    return h->model.get();
}

} // namespace hearth::napi
