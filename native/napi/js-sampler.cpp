// sampleLogits(logits, options, history?) -> token id: one draw of the
// sampler chain generate() uses, over logits the caller gives. A test hook
// (NaN/inf logits through every sampler) and a way to check sampling
// settings without a model. Options as generate(): temperature, topK, topP,
// minP, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, seed;
// history: tokens accepted before (what the penalties look at). In
// hearth_testing.addon only: the extension samples inside generate().
#include "capi/capi-sampling.h"
#include "napi/errors.h"
#include "napi/js-sampling-params.h"
#include "napi/js-values.h"
#include "napi/testing-modules.h"
#include "sampler/sampler.h"

namespace hearth::napi {

namespace {

Napi::Value sample_logits(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
        throw make_error(env, "E_INVALID_ARGUMENT", "logits must be a Float32Array");
    }
    auto logits = info[0].As<Napi::Float32Array>();
    if (logits.ElementLength() == 0 || logits.ElementLength() > (size_t)INT32_MAX) {
        throw make_error(env, "E_INVALID_ARGUMENT", "logits must hold 1 to 2^31-1 values");
    }
    SamplerChain chain = SamplerChain::from_params(capi::sampling_from(sampling_params(require_object(info, 1, "options"))));
    if (info.Length() > 2 && !info[2].IsUndefined()) {
        for (TokenId id : token_array(info[2], "history")) chain.accept(id);
    }
    return Napi::Number::New(env, chain.sample(logits.Data(), (int32_t)logits.ElementLength()));
}

} // namespace

void init_sampler(Napi::Env env, Napi::Object exports) {
    exports.Set("sampleLogits", Napi::Function::New(env, [](const Napi::CallbackInfo & info) -> Napi::Value {
        return guard(info.Env(), [&] { return sample_logits(info); });
    }, "sampleLogits"));
}

} // namespace hearth::napi
