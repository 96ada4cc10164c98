// hearth_sampling_params as the engine's SamplingParams (capi-session.cpp):
// for generate, and for the test addon's sampleLogits, which samples as
// generate does from the same options reader (napi/js-sampling-params.h).
#pragma once

#include "hearth.h"
#include "sampler/sampler.h"

namespace hearth::capi {

SamplingParams sampling_from(const hearth_sampling_params & p);

} // namespace hearth::capi
