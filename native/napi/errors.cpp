#include "napi/errors.h"

#include <cstdarg>
#include <cstdio>

namespace hearth::napi {

Napi::Error make_error(Napi::Env env, const char * code, const std::string & message) {
    Napi::Error err = Napi::Error::New(env, message);
    err.Set("code", Napi::String::New(env, code));
    return err;
}

void throw_coded(Napi::Env env, const char * code, const char * fmt, ...) {
    char buf[HEARTH_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    throw make_error(env, code, buf);
}

std::string require_string(const Napi::CallbackInfo & info, size_t index, const char * name) {
    if (info.Length() <= index || !info[index].IsString()) {
        throw make_error(info.Env(), "E_INVALID_ARGUMENT", std::string(name) + " must be a string");
    }
    return info[index].As<Napi::String>().Utf8Value();
}

Napi::Object require_object(const Napi::CallbackInfo & info, size_t index, const char * name) {
    if (info.Length() <= index || !info[index].IsObject()) {
        throw make_error(info.Env(), "E_INVALID_ARGUMENT", std::string(name) + " must be an object");
    }
    return info[index].As<Napi::Object>();
}

} // namespace hearth::napi
