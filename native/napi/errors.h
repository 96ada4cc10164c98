// The engine/JS boundary for errors: no C++ exception crosses it. A failed
// hearth_* call (hearth.h) becomes a JS Error whose .code is the status's
// stable name, e.g. { code: "E_GGUF_TRUNCATED", message }.
#pragma once

#include <napi.h>

#include <exception>
#include <string>

#include "hearth.h"

namespace hearth::napi {

// A JS Error with .code set.
Napi::Error make_error(Napi::Env env, const char * code, const std::string & message);

// A JS Error with .code set and a printf-style message (cut like the
// engine's, at HEARTH_ERROR_MESSAGE_MAX), thrown.
[[noreturn]] void throw_coded(Napi::Env env, const char * code, const char * fmt, ...)
#if defined(__MINGW32__)
    __attribute__((format(gnu_printf, 3, 4)))
#elif defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

// A failed hearth_* call as a C++ exception, for code that cannot make a JS
// error where it runs (the libuv pool, a generation thread): AsyncTask and
// guard turn it into the JS error on the main thread.
class StatusError : public std::exception {
public:
    explicit StatusError(const hearth_error & e) : code_(hearth_status_name(e.status)), message_(e.message) {}
    const char * what() const noexcept override { return message_.c_str(); }
    const std::string & code() const { return code_; }
    const std::string & message() const { return message_; }
private:
    std::string code_;
    std::string message_;
};

// Throws StatusError for a failed call: check(hearth_x(..., &err), err).
inline void check(hearth_status status, const hearth_error & err) {
    if (status != HEARTH_OK) throw StatusError(err);
}

// The code and message of whatever a call threw.
struct CaughtError {
    std::string code;
    std::string message;
};
// Call only inside a catch block. Each addon links its own (catch-current.cpp
// for hearth.node; testing-catch-current.cpp, which also maps the engine's
// own exceptions its hooks let through, for hearth_testing.addon).
CaughtError catch_current();

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
