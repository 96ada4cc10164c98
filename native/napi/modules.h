// Each engine module registers its JS functions from its own js-*.cpp file.
// These make up the shipped hearth.node; test and bench hooks register
// through native/napi/testing-modules.h into hearth_testing.addon instead.
#pragma once

#include <napi.h>

namespace hearth::napi {

void init_gguf(Napi::Env env, Napi::Object exports);       // js-gguf.cpp
void init_tokenizer(Napi::Env env, Napi::Object exports);  // js-tokenizer.cpp
void init_model(Napi::Env env, Napi::Object exports);      // js-model.cpp
void init_backend(Napi::Env env, Napi::Object exports);    // js-backend.cpp

} // namespace hearth::napi
