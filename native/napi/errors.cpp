#include "napi/errors.h"

#include <new>
#include <system_error>

namespace hearth::napi {

Napi::Error make_error(Napi::Env env, const char * code, const std::string & message) {
    Napi::Error err = Napi::Error::New(env, message);
    err.Set("code", Napi::String::New(env, code));
    return err;
}

CaughtError catch_current() {
    try {
        throw;
    } catch (const EngineError & e) {
        return {status_code_name(e.code()), e.what()};
    } catch (const std::bad_alloc &) {
        return {"E_OUT_OF_MEMORY", "out of memory"};
    } catch (const std::system_error & e) {
        // std::thread's EAGAIN: no more threads or memory for one.
        if (e.code() == std::errc::resource_unavailable_try_again) {
            return {"E_OUT_OF_MEMORY", std::string("out of resources: ") + e.what()};
        }
        return {"E_INTERNAL", std::string("internal error: ") + e.what()};
    } catch (const std::exception & e) {
        return {"E_INTERNAL", std::string("internal error: ") + e.what()};
    } catch (...) {
        return {"E_INTERNAL", "internal error: unknown exception"};
    }
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
