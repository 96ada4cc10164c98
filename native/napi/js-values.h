// Argument helpers shared by js-model.cpp and js-session.cpp (and, for the
// sampling options, the test addon's js-sampler.cpp).
#pragma once

#include <napi.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "napi/errors.h"

namespace hearth::napi {

// An integer option: a finite whole number in [lo, hi], else E_INVALID_ARGUMENT
// naming the option and the range. Casting an out-of-range double to an
// integer is undefined behaviour, so every integer the binding reads comes
// through here (or get_int_arg for positional arguments).
inline int64_t int_option(const Napi::Object & o, const char * key, int64_t dflt, int64_t lo, int64_t hi) {
    Napi::Value v = o.Get(key);
    if (v.IsUndefined() || v.IsNull()) return dflt;
    const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : NAN;
    // Compared as doubles before any cast: NaN fails both tests.
    if (!v.IsNumber() || !(d >= (double)lo && d <= (double)hi) || d != std::floor(d)) {
        char buf[64];
        if (v.IsNumber()) std::snprintf(buf, sizeof buf, "%.17g", d); else std::snprintf(buf, sizeof buf, "a non-number");
        throw make_error(o.Env(), "E_INVALID_ARGUMENT",
                         std::string(key) + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                             "], got " + buf);
    }
    return (int64_t)d;
}

// A real-valued option: finite and in [lo, hi], else E_INVALID_ARGUMENT.
inline double real_option(const Napi::Object & o, const char * key, double dflt, double lo, double hi) {
    Napi::Value v = o.Get(key);
    if (v.IsUndefined() || v.IsNull()) return dflt;
    const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : NAN;
    if (!(d >= lo && d <= hi)) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "%s must be a finite number in [%g, %g], got %.17g", key, lo, hi, d);
        throw make_error(o.Env(), "E_INVALID_ARGUMENT", v.IsNumber() ? buf : std::string(key) + " must be a number");
    }
    return d;
}

// The largest integer a JS number holds exactly (Number.MAX_SAFE_INTEGER).
constexpr int64_t JS_MAX_SAFE_INTEGER = (int64_t(1) << 53) - 1;

inline bool bool_option(const Napi::Object & o, const char * key, bool dflt) {
    Napi::Value v = o.Get(key);
    if (v.IsUndefined() || v.IsNull()) return dflt;
    if (!v.IsBoolean()) throw make_error(o.Env(), "E_INVALID_ARGUMENT", std::string(key) + " must be a boolean");
    return v.As<Napi::Boolean>().Value();
}

inline std::vector<int32_t> token_array(const Napi::Value & v, const char * name) {
    std::vector<int32_t> out;
    if (v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_int32_array) {
        auto a = v.As<Napi::Int32Array>();
        out.assign(a.Data(), a.Data() + a.ElementLength());
    } else if (v.IsArray()) {
        auto a = v.As<Napi::Array>();
        for (uint32_t i = 0; i < a.Length(); ++i) {
            Napi::Value e = a.Get(i);
            if (!e.IsNumber()) throw make_error(v.Env(), "E_INVALID_ARGUMENT", std::string(name) + " must hold numbers");
            out.push_back(e.As<Napi::Number>().Int32Value());
        }
    } else {
        throw make_error(v.Env(), "E_INVALID_ARGUMENT", std::string(name) + " must be an Int32Array or number[]");
    }
    return out;
}

// Adds obj[name] = a function whose throws become coded JS errors.
template <class Fn>
void set_method(Napi::Env env, Napi::Object obj, const char * name, Fn fn) {
    obj.Set(name, Napi::Function::New(env, [fn](const Napi::CallbackInfo & info) -> Napi::Value {
        return guard(info.Env(), [&] { return fn(info); });
    }, name));
}

} // namespace hearth::napi
