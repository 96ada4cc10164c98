// One promise-returning pattern for every long native call.
//
// work() runs on the libuv pool and must not touch N-API; it returns a plain
// C++ value. to_js() runs on the main thread and turns that value into JS.
// Any exception in either becomes a rejected promise with a coded error.
#pragma once

#include <napi.h>

#include <functional>
#include <optional>

#include "napi/errors.h"

namespace hearth::napi {

template <class Result>
class AsyncTask : public Napi::AsyncWorker {
public:
    using Work = std::function<Result()>;
    using ToJs = std::function<Napi::Value(Napi::Env, Result &)>;

    static Napi::Promise start(Napi::Env env, Work work, ToJs to_js) {
        auto * task = new AsyncTask(env, std::move(work), std::move(to_js));
        Napi::Promise promise = task->deferred_.Promise();
        task->Queue();  // libuv owns it now; it deletes itself after OnOK/OnError
        return promise;
    }

protected:
    void Execute() override {
        try {
            result_.emplace(work_());
        } catch (...) {
            error_ = catch_current();
            SetError(error_.message);  // routes to OnError
        }
    }

    void OnOK() override {
        Napi::Env env = Env();
        Napi::HandleScope scope(env);
        try {
            deferred_.Resolve(to_js_(env, *result_));
        } catch (const Napi::Error & e) {
            deferred_.Reject(e.Value());
        } catch (...) {
            CaughtError e = catch_current();
            deferred_.Reject(make_error(env, e.code.c_str(), e.message).Value());
        }
    }

    void OnError(const Napi::Error &) override {
        Napi::Env env = Env();
        Napi::HandleScope scope(env);
        deferred_.Reject(make_error(env, error_.code.c_str(), error_.message).Value());
    }

private:
    AsyncTask(Napi::Env env, Work work, ToJs to_js)
        : Napi::AsyncWorker(env, "hearth"), deferred_(Napi::Promise::Deferred::New(env)),
          work_(std::move(work)), to_js_(std::move(to_js)) {}

    Napi::Promise::Deferred deferred_;
    Work work_;
    ToJs to_js_;
    std::optional<Result> result_;
    CaughtError error_;
};

} // namespace hearth::napi
