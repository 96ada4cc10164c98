// hearth.node: module entry of the shipped addon. Marshalling lives in the
// js-*.cpp files; test and bench hooks are in hearth_testing.addon
// (testing-addon.cpp), and test/structure/addon-exports.test.ts holds this
// addon's export list.
#include <napi.h>

#include "napi/modules.h"

namespace {

Napi::Object init_addon(Napi::Env env, Napi::Object exports) {
    exports.Set("abiVersion", Napi::Number::New(env, 1));
    hearth::napi::init_gguf(env, exports);
    hearth::napi::init_tokenizer(env, exports);
    hearth::napi::init_model(env, exports);
    hearth::napi::init_backend(env, exports);
    return exports;
}

} // namespace

NODE_API_MODULE(hearth, init_addon)
