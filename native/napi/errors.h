// The engine/JS boundary for errors: no C++ exception crosses it. Every
// EngineError becomes a JS Error with a stable .code (see common/status.h).
#pragma once

#include <napi.h>

#include <string>

#include "common/status.h"

namespace hearth::napi {

// A JS Error with .code set, e.g. { code: "E_GGUF_TRUNCATED", message }.
Napi::Error make_error(Napi::Env env, const char * code, const std::string & message);

// The code and message of whatever a call threw, mapped to our codes.
struct CaughtError {
    std::string code;
    std::string message;
};
CaughtError catch_current();  // call only inside a catch block

// Runs fn() on the main thread; a throw becomes a pending JS exception.
template <class Fn>
Napi::Value guard(Napi::Env env, Fn && fn) {
    try {
        return fn();
    } catch (const Napi::Error &) {
        throw;  // already a JS error (e.g. an argument check)
    } catch (...) {
        CaughtError e = catch_current();
        throw make_error(env, e.code.c_str(), e.message);
    }
}

// Argument checks that throw E_INVALID_ARGUMENT naming the argument.
std::string require_string(const Napi::CallbackInfo & info, size_t index, const char * name);
Napi::Object require_object(const Napi::CallbackInfo & info, size_t index, const char * name);

} // namespace hearth::napi
