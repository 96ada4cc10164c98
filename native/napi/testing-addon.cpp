// hearth_testing.addon: module entry of the test and bench hooks (kernels by
// level, the Vulkan backend's ops and stages, the sampler and the UTF-8
// stream decoder on their own). A second addon so that the shipped
// hearth.node exports only what the extension uses; it links the same
// engine libraries, so the hooks run the code the product runs. Loaded by
// test/helpers/testing-binding.ts.
#include <napi.h>

#include "napi/testing-modules.h"

namespace {

Napi::Object init_testing_addon(Napi::Env env, Napi::Object exports) {
    hearth::napi::init_cpu(env, exports);
    hearth::napi::init_sampler(env, exports);
    hearth::napi::init_utf8_stream(env, exports);
    hearth::napi::init_vulkan(env, exports);
    return exports;
}

} // namespace

NODE_API_MODULE(hearth_testing, init_testing_addon)
