// listDevices(): every backend this addon knows, in auto-detect order, with
// the devices it found or the reason it found none.
#include <memory>

#include "hearth.h"
#include "napi/errors.h"
#include "napi/modules.h"

namespace hearth::napi {

namespace {

struct ListDeleter {
    void operator()(hearth_device_list * l) const { hearth_device_list_free(l); }
};

Napi::Value list_devices(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    hearth_device_list * raw = nullptr;
    hearth_error err;
    check(hearth_list_devices(&raw, &err), err);
    std::unique_ptr<hearth_device_list, ListDeleter> list(raw);
    Napi::Array out = Napi::Array::New(env, list->n_backends);
    for (size_t i = 0; i < list->n_backends; ++i) {
        const hearth_backend_report & p = list->backends[i];
        Napi::Object o = Napi::Object::New(env);
        o.Set("backend", p.name);
        o.Set("available", Napi::Boolean::New(env, p.n_devices != 0));
        o.Set("reason", p.reason ? Napi::Value(Napi::String::New(env, p.reason)) : env.Null());
        Napi::Array devs = Napi::Array::New(env, p.n_devices);
        for (size_t j = 0; j < p.n_devices; ++j) {
            const hearth_device & d = p.devices[j];
            Napi::Object dv = Napi::Object::New(env);
            dv.Set("index", Napi::Number::New(env, (double)j));
            dv.Set("name", std::string(d.name));
            dv.Set("type", d.type);
            dv.Set("totalMemory", Napi::Number::New(env, (double)d.total_memory));
            dv.Set("freeMemory", Napi::Number::New(env, (double)d.free_memory));
            dv.Set("detail", std::string(d.detail));
            devs.Set((uint32_t)j, dv);
        }
        o.Set("devices", devs);
        out.Set((uint32_t)i, o);
    }
    return out;
}

} // namespace

void init_backend(Napi::Env env, Napi::Object exports) {
    exports.Set("listDevices", Napi::Function::New(env, [](const Napi::CallbackInfo & info) -> Napi::Value {
        return guard(info.Env(), [&] { return list_devices(info); });
    }, "listDevices"));
}

} // namespace hearth::napi
