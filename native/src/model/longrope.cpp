#include "model/longrope.h"

#include <cmath>

#include "common/status.h"
#include "gguf/gguf-reader.h"
#include "model/weights.h"
#include "tensor/ggml-type.h"

namespace hearth {

namespace {

const float * bind_factors(const GgufFile & file, WeightBinder & bind, const char * name, int64_t n) {
    const GgufTensorInfo * t = file.find_tensor(name);
    if (!t) {
        throw_error(STATUS_E_MODEL_BAD_TENSOR, "tensor %s is missing: LongRoPE needs both %s and %s", name,
                    LONGROPE_FACTORS_LONG, LONGROPE_FACTORS_SHORT);
    }
    // llama.cpp's rope takes its divisors as F32 only; so does Hearth, rather than run a file llama.cpp refuses.
    if (t->type != GGML_TYPE_F32) {
        const GgmlTypeInfo * info = ggml_type_info(t->type);
        throw_error(STATUS_E_MODEL_BAD_TENSOR, "tensor %s has type %s; LongRoPE factors must be F32", name,
                    info ? info->name : "unknown");
    }
    const float * v = bind.vector(name, n);  // the shape: [n_rot/2]
    for (int64_t i = 0; i < n; ++i) {
        // theta is divided by each: zero, a negative or a NaN turns the rotation into garbage.
        if (!std::isfinite(v[i]) || v[i] <= 0.0f) {
            throw_error(STATUS_E_MODEL_BAD_TENSOR, "tensor %s[%lld] = %g; LongRoPE factors must be finite and positive",
                        name, (long long)i, (double)v[i]);
        }
    }
    return v;
}

} // namespace

LongRope longrope_bind(const GgufFile & file, WeightBinder & bind, const ModelHparams & hp) {
    LongRope r;
    if (!hp.rope_longrope) return r;
    r.long_factors = bind_factors(file, bind, LONGROPE_FACTORS_LONG, hp.n_rot / 2);
    r.short_factors = bind_factors(file, bind, LONGROPE_FACTORS_SHORT, hp.n_rot / 2);
    r.ctx_orig = hp.rope_ctx_orig;
    return r;
}

} // namespace hearth
