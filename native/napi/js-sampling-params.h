// The sampling options of generate() and sampleLogits(), read from a JS
// object with each value checked for type and range: one reader, so the test
// hook samples exactly as generation does.
#pragma once

#include "hearth.h"
#include "napi/js-values.h"

namespace hearth::napi {

// Counts (topK, repeatLastN): far above any vocabulary or context we allocate.
constexpr int64_t JS_MAX_COUNT = int64_t(1) << 24;

inline hearth_sampling_params sampling_params(const Napi::Object & o) {
    hearth_sampling_params s;
    hearth_sampling_params_init(&s);
    s.temperature = (float)real_option(o, "temperature", 0.0, 0.0, 1e6);
    s.top_k = (int32_t)int_option(o, "topK", s.top_k, 0, JS_MAX_COUNT);
    s.top_p = (float)real_option(o, "topP", s.top_p, 0.0, 1.0);
    s.min_p = (float)real_option(o, "minP", s.min_p, 0.0, 1.0);
    s.repeat_penalty = (float)real_option(o, "repeatPenalty", s.repeat_penalty, 0.0, 1e6);
    s.repeat_last_n = (int32_t)int_option(o, "repeatLastN", s.repeat_last_n, 0, JS_MAX_COUNT);
    s.frequency_penalty = (float)real_option(o, "frequencyPenalty", s.frequency_penalty, -1e6, 1e6);
    s.presence_penalty = (float)real_option(o, "presencePenalty", s.presence_penalty, -1e6, 1e6);
    s.seed = (uint64_t)int_option(o, "seed", 1, 0, JS_MAX_SAFE_INTEGER);
    return s;
}

} // namespace hearth::napi
