// sampleLogits(logits, options, history?) -> token id: one draw of the
// sampler chain generate() uses, over logits the caller gives. A test hook
// (NaN/inf logits through every sampler) and a way to check sampling
// settings without a model. Options as generate(): temperature, topK, topP,
// minP, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, seed;
// history: tokens accepted before (what the penalties look at).
#include "napi/errors.h"
#include "napi/js-values.h"
#include "napi/modules.h"
#include "sampler/sampler.h"

namespace hearth::napi {

namespace {

SamplingParams sampling_params(const Napi::Object & o) {
    SamplingParams s;
    constexpr int64_t MAX_COUNT = int64_t(1) << 24;
    s.temperature = (float)real_option(o, "temperature", 0.0, 0.0, 1e6);
    s.top_k = (int32_t)int_option(o, "topK", s.top_k, 0, MAX_COUNT);
    s.top_p = (float)real_option(o, "topP", s.top_p, 0.0, 1.0);
    s.min_p = (float)real_option(o, "minP", s.min_p, 0.0, 1.0);
    s.repeat_penalty = (float)real_option(o, "repeatPenalty", s.repeat_penalty, 0.0, 1e6);
    s.repeat_last_n = (int32_t)int_option(o, "repeatLastN", s.repeat_last_n, 0, MAX_COUNT);
    s.frequency_penalty = (float)real_option(o, "frequencyPenalty", s.frequency_penalty, -1e6, 1e6);
    s.presence_penalty = (float)real_option(o, "presencePenalty", s.presence_penalty, -1e6, 1e6);
    s.seed = (uint64_t)int_option(o, "seed", 1, 0, JS_MAX_SAFE_INTEGER);
    return s;
}

Napi::Value sample_logits(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
        throw make_error(env, "E_INVALID_ARGUMENT", "logits must be a Float32Array");
    }
    auto logits = info[0].As<Napi::Float32Array>();
    if (logits.ElementLength() == 0 || logits.ElementLength() > (size_t)INT32_MAX) {
        throw make_error(env, "E_INVALID_ARGUMENT", "logits must hold 1 to 2^31-1 values");
    }
    SamplerChain chain = SamplerChain::from_params(sampling_params(require_object(info, 1, "options")));
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
