// What the JS model and session objects hold. Each JS method closure keeps a
// shared_ptr to its holder, so the holder dies with the last closure (the
// finalizer node-addon-api attaches to every function's data). dispose()
// drops the holder's engine pointer early; a running generation keeps its
// own shared_ptr, so nothing is freed under it.
#pragma once

#include <napi.h>

#include <atomic>
#include <memory>

#include "engine/session.h"
#include "model/model.h"

namespace hearth::napi {

struct ModelHolder {
    std::shared_ptr<Model> model;  // null once disposed
};

struct SessionState {
    std::unique_ptr<Session> session;
    std::atomic<bool> busy{false};  // one evaluate/generate at a time
};

struct SessionHolder {
    std::shared_ptr<SessionState> state;  // null once disposed
};

// Registers quantizeRows/dequantizeRows (js-quantize.cpp); called from init_model.
void init_quantize(Napi::Env env, Napi::Object exports);

// Makes the JS session object for a new session of `model` (js-session.cpp).
Napi::Object session_wrap(Napi::Env env, std::shared_ptr<Model> model, const SessionOptions & options);

} // namespace hearth::napi
