// listDevices(): every backend this addon knows, in auto-detect order, with
// the devices it found or the reason it found none.
#include "backend/registry.h"
#include "napi/errors.h"
#include "napi/modules.h"

namespace hearth::napi {

namespace {

const char * device_type_name(int t) {
    switch (t) {
        case HEARTH_DEVICE_CPU: return "cpu";
        case HEARTH_DEVICE_GPU_DISCRETE: return "discrete";
        case HEARTH_DEVICE_GPU_INTEGRATED: return "integrated";
        case HEARTH_DEVICE_GPU_VIRTUAL: return "virtual";
        default: return "unknown";
    }
}

Napi::Value list_devices(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    std::vector<BackendProbe> probes = backend_probe_all();
    Napi::Array out = Napi::Array::New(env, probes.size());
    for (size_t i = 0; i < probes.size(); ++i) {
        const BackendProbe & p = probes[i];
        Napi::Object o = Napi::Object::New(env);
        o.Set("backend", p.name);
        o.Set("available", Napi::Boolean::New(env, !p.devices.empty()));
        o.Set("reason", p.reason.empty() ? env.Null() : Napi::Value(Napi::String::New(env, p.reason)));
        Napi::Array devs = Napi::Array::New(env, p.devices.size());
        for (size_t j = 0; j < p.devices.size(); ++j) {
            const hearth_device_info & d = p.devices[j];
            Napi::Object dv = Napi::Object::New(env);
            dv.Set("index", Napi::Number::New(env, (double)j));
            dv.Set("name", std::string(d.name));
            dv.Set("type", device_type_name(d.type));
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
