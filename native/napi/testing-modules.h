// Registration of the test and bench hooks: built into hearth_testing.addon
// only (native/napi/testing-addon.cpp), never into the shipped hearth.node,
// whose surface is native/napi/modules.h.
#pragma once

#include <napi.h>

namespace hearth::napi {

void init_cpu(Napi::Env env, Napi::Object exports);          // js-cpu.cpp: kernels by level, native timing loops
void init_sampler(Napi::Env env, Napi::Object exports);      // js-sampler.cpp: one sampler draw without a model
void init_utf8_stream(Napi::Env env, Napi::Object exports);  // js-utf8-stream.cpp: the stream decoder
void init_vulkan(Napi::Env env, Napi::Object exports);       // js-vulkan.cpp: backend ops and stages

} // namespace hearth::napi
