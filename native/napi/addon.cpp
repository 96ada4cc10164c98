// hearth.node: module entry. Marshalling lives in the js-*.cpp files.
#include <napi.h>

#include "napi/modules.h"

namespace {

Napi::Object init_addon(Napi::Env env, Napi::Object exports) {
    exports.Set("abiVersion", Napi::Number::New(env, 1));
    hearth::napi::init_gguf(env, exports);
    hearth::napi::init_cpu(env, exports);
    hearth::napi::init_tokenizer(env, exports);
    hearth::napi::init_model(env, exports);
    hearth::napi::init_backend(env, exports);
    hearth::napi::init_sampler(env, exports);
    hearth::napi::init_vulkan(env, exports);
    return exports;
}

} // namespace

NODE_API_MODULE(hearth, init_addon)
