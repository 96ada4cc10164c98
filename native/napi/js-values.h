// Argument helpers shared by js-model.cpp and js-session.cpp.
#pragma once

#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "napi/errors.h"
#include "napi/js-model-holders.h"

namespace hearth::napi {

inline double number_option(const Napi::Object & o, const char * key, double dflt) {
    Napi::Value v = o.Get(key);
    if (v.IsUndefined() || v.IsNull()) return dflt;
    if (!v.IsNumber()) throw make_error(o.Env(), "E_INVALID_ARGUMENT", std::string(key) + " must be a number");
    return v.As<Napi::Number>().DoubleValue();
}

inline bool bool_option(const Napi::Object & o, const char * key, bool dflt) {
    Napi::Value v = o.Get(key);
    if (v.IsUndefined() || v.IsNull()) return dflt;
    if (!v.IsBoolean()) throw make_error(o.Env(), "E_INVALID_ARGUMENT", std::string(key) + " must be a boolean");
    return v.As<Napi::Boolean>().Value();
}

inline const Model & live_model(Napi::Env env, const std::shared_ptr<ModelHolder> & h) {
    if (!h->model) throw make_error(env, "E_INVALID_ARGUMENT", "the model has been disposed");
    return *h->model;
}

inline std::vector<TokenId> token_array(const Napi::Value & v, const char * name) {
    std::vector<TokenId> out;
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
