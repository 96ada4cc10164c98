// Each engine module registers its JS functions from its own js-*.cpp file.
#pragma once

#include <napi.h>

namespace hearth::napi {

void init_gguf(Napi::Env env, Napi::Object exports);       // js-gguf.cpp
void init_cpu(Napi::Env env, Napi::Object exports);        // js-cpu.cpp
void init_tokenizer(Napi::Env env, Napi::Object exports);  // js-tokenizer.cpp
void init_model(Napi::Env env, Napi::Object exports);      // js-model.cpp
void init_backend(Napi::Env env, Napi::Object exports);    // js-backend.cpp
void init_sampler(Napi::Env env, Napi::Object exports);    // js-sampler.cpp
void init_vulkan(Napi::Env env, Napi::Object exports);     // js-vulkan.cpp (test hooks)

} // namespace hearth::napi
