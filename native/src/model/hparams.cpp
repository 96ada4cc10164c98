#include "model/hparams.h"

#include <algorithm>
#include <cmath>

#include "common/status.h"
#include "gguf/gguf-reader.h"
#include "model/hparams-check.h"

namespace hearth {

const char * const LONGROPE_FACTORS_LONG = "rope_factors_long.weight";
const char * const LONGROPE_FACTORS_SHORT = "rope_factors_short.weight";

int64_t hparams_default_context(const ModelHparams & h) {
    return std::min<int64_t>(h.n_ctx_train > 0 ? h.n_ctx_train : 4096, 4096);
}

std::string hparams_key(const std::string & arch, const char * suffix) {
    return arch + "." + suffix;
}

namespace {

int64_t require_int(const GgufFile & f, const std::string & key) {
    auto v = f.get_int(key);
    if (!v) throw_error(STATUS_E_GGUF_KEY_MISSING, "model metadata lacks %s", key.c_str());
    if (*v <= 0) throw_error(STATUS_E_MODEL_BAD_HPARAMS, "model metadata %s = %lld must be positive", key.c_str(), (long long)*v);
    return *v;
}

int64_t optional_int(const GgufFile & f, const std::string & key, int64_t dflt) {
    auto v = f.get_int(key);
    if (!v) return dflt;
    if (*v <= 0) throw_error(STATUS_E_MODEL_BAD_HPARAMS, "model metadata %s = %lld must be positive", key.c_str(), (long long)*v);
    return *v;
}

} // namespace

void hparams_read_moe(const GgufFile & f, ModelHparams & h, const char * gate_inp, const char * up_exps) {
    const std::string a = h.arch;
    h.n_expert = require_int(f, hparams_key(a, "expert_count"));
    h.n_expert_used = require_int(f, hparams_key(a, "expert_used_count"));
    if (h.n_expert_used > h.n_expert) {
        throw_error(STATUS_E_MODEL_BAD_HPARAMS, "%s = %lld is more than %s = %lld", hparams_key(a, "expert_used_count").c_str(),
                    (long long)h.n_expert_used, hparams_key(a, "expert_count").c_str(), (long long)h.n_expert);
    }
    h.n_ff_exp = optional_int(f, hparams_key(a, "expert_feed_forward_length"), h.n_ff / h.n_expert_used);
    if (h.n_ff_exp <= 0) {
        throw_error(STATUS_E_MODEL_BAD_HPARAMS, "%s is 0: feed_forward_length %lld / expert_used_count %lld",
                    hparams_key(a, "expert_feed_forward_length").c_str(), (long long)h.n_ff, (long long)h.n_expert_used);
    }
    if (auto s = f.get_float(hparams_key(a, "expert_weights_scale"))) h.expert_weights_scale = (float)*s;
    if (!std::isfinite(h.expert_weights_scale) || h.expert_weights_scale < 0.0f) {
        throw_error(STATUS_E_MODEL_BAD_HPARAMS, "%s = %g must be finite and not negative",
                    hparams_key(a, "expert_weights_scale").c_str(), (double)h.expert_weights_scale);
    }
    // The router's rows and the experts' sizes bound every per-token buffer:
    // they must be what the tensors hold (the binder then checks every layer's shapes).
    const std::string router = std::string("blk.0.") + gate_inp, up = std::string("blk.0.") + up_exps;
    const GgufTensorInfo * r = f.find_tensor(router);
    if (!r) throw_error(STATUS_E_MODEL_BAD_TENSOR, "tensor %s is missing", router.c_str());
    if (r->ne[1] != (uint64_t)h.n_expert) {
        throw_error(STATUS_E_MODEL_BAD_HPARAMS, "%s = %lld but tensor %s has %llu rows", hparams_key(a, "expert_count").c_str(),
                    (long long)h.n_expert, router.c_str(), (unsigned long long)r->ne[1]);
    }
    const GgufTensorInfo * u = f.find_tensor(up);
    if (!u) throw_error(STATUS_E_MODEL_BAD_TENSOR, "tensor %s is missing", up.c_str());
    if (u->ne[1] != (uint64_t)h.n_ff_exp) {
        throw_error(STATUS_E_MODEL_BAD_HPARAMS, "%s = %lld but tensor %s has %llu rows per expert",
                    hparams_key(a, "expert_feed_forward_length").c_str(), (long long)h.n_ff_exp, up.c_str(),
                    (unsigned long long)u->ne[1]);
    }
}

float hparams_read_nonnegative(const GgufFile & f, const std::string & key, float dflt) {
    auto v = f.get_float(key);
    if (!v) return dflt;
    // A float64 past float's range is finite here but infinite once used.
    if (!std::isfinite(*v) || !std::isfinite((float)*v) || *v < 0) {
        throw_error(STATUS_E_MODEL_BAD_HPARAMS, "model metadata %s = %g must be finite and not negative", key.c_str(), *v);
    }
    return (float)*v;
}

float hparams_read_positive(const GgufFile & f, const std::string & key, float dflt) {
    const float v = hparams_read_nonnegative(f, key, dflt);
    if (!(v > 0.0f)) throw_error(STATUS_E_MODEL_BAD_HPARAMS, "model metadata %s = %g must be positive", key.c_str(), (double)v);
    return v;
}

SlidingWindow hparams_read_swa(const GgufFile & f, const ModelHparams & h, int64_t default_window,
                               int64_t default_period) {
    SlidingWindow w;
    w.n_swa = default_window;
    const std::string window_key = hparams_key(h.arch, "attention.sliding_window");
    const std::string pattern_key = hparams_key(h.arch, "attention.sliding_window_pattern");
    if (auto n = f.get_int(window_key)) {
        if (*n < 0) throw_error(STATUS_E_MODEL_BAD_HPARAMS, "model metadata %s = %lld must not be negative", window_key.c_str(), (long long)*n);
        w.n_swa = *n;
    }
    if (w.n_swa == 0) return w;
    w.layers.assign((size_t)h.n_layer, false);
    const GgufKv * pattern = f.find(pattern_key);
    if (pattern && pattern->value.type == GGUF_TYPE_ARRAY) {
        const GgufArray * per_layer = pattern->value.arr.get();
        if (per_layer->count != (uint64_t)h.n_layer) {
            throw_error(STATUS_E_MODEL_BAD_HPARAMS, "model metadata %s lists %llu layers, block_count is %lld",
                        pattern_key.c_str(), (unsigned long long)per_layer->count, (long long)h.n_layer);
        }
        for (int64_t il = 0; il < h.n_layer; ++il) w.layers[(size_t)il] = per_layer->int_at((uint64_t)il) != 0;
        return w;
    }
    int64_t period = default_period;
    if (auto p = f.get_int(pattern_key)) {
        if (*p < 0) throw_error(STATUS_E_MODEL_BAD_HPARAMS, "model metadata %s = %lld must not be negative", pattern_key.c_str(), (long long)*p);
        period = *p;
    }
    for (int64_t il = 0; il < h.n_layer; ++il) w.layers[(size_t)il] = period == 0 || il % period < period - 1;
    return w;
}

ModelHparams hparams_read_common(const GgufFile & f, const std::string & arch, const HparamsNames * names) {
    ModelHparams h;
    h.arch = arch;
    h.n_embd = require_int(f, hparams_key(arch, "embedding_length"));
    h.n_layer = require_int(f, hparams_key(arch, "block_count"));
    h.n_ff = require_int(f, hparams_key(arch, "feed_forward_length"));
    h.n_head = require_int(f, hparams_key(arch, "attention.head_count"));
    h.n_head_kv = optional_int(f, hparams_key(arch, "attention.head_count_kv"), h.n_head);
    h.n_ctx_train = optional_int(f, hparams_key(arch, "context_length"), 2048);
    // Defaults derived from other keys are checked like stated ones (hparams_check).
    h.head_dim = optional_int(f, hparams_key(arch, "attention.key_length"), h.n_embd / h.n_head);
    h.n_rot = optional_int(f, hparams_key(arch, "rope.dimension_count"), h.head_dim);
    const HparamsNames layout = names ? *names : HparamsNames{};
    if (auto eps = f.get_float(hparams_key(arch, layout.norm_eps))) h.norm_eps = (float)*eps;
    if (auto base = f.get_float(hparams_key(arch, "rope.freq_base"))) h.rope_freq_base = (float)*base;

    // Linear rope scaling: positions are compressed by the factor. Llama 3
    // scaling comes as a rope_freqs.weight tensor and is bound with the weights.
    float factor = 0.0f;
    if (auto f1 = f.get_float(hparams_key(arch, "rope.scale_linear"))) factor = (float)*f1;  // older key
    auto type = f.get_string(hparams_key(arch, "rope.scaling.type"));
    h.rope_yarn = type && *type == "yarn";
    // llama.cpp's converter writes Phi-3's LongRoPE as the two factor tensors
    // and no type, so either one marks it.
    h.rope_longrope = (type && *type == "longrope") || f.find_tensor(LONGROPE_FACTORS_LONG) ||
                      f.find_tensor(LONGROPE_FACTORS_SHORT);
    if (auto f2 = f.get_float(hparams_key(arch, "rope.scaling.factor"))) {
        if (!type || *type == "linear" || h.rope_yarn || *type == "longrope") factor = (float)*f2;
    }
    if (type && *type != "linear" && *type != "none" && *type != "llama3" && *type != "yarn" && *type != "longrope") {
        throw_error(STATUS_E_MODEL_UNSUPPORTED_ARCH, "%s: rope scaling type '%.*s' is not supported", arch.c_str(),
                    (int)type->size(), type->data());
    }
    if (h.rope_yarn || h.rope_longrope) {
        h.rope_ctx_orig = optional_int(f, hparams_key(arch, "rope.scaling.original_context_length"), h.n_ctx_train);
    }
    const float attn = hparams_read_positive(f, hparams_key(arch, "rope.scaling.attn_factor"), 1.0f);
    if (h.rope_yarn) {
        // DeepSeek's variant scales the magnitude by another rule: refused rather than run wrong.
        if (f.get_float(hparams_key(arch, "rope.scaling.yarn_log_multiplier"))) {
            throw_error(STATUS_E_MODEL_UNSUPPORTED_ARCH, "%s: YaRN with rope.scaling.yarn_log_multiplier is not supported",
                        arch.c_str());
        }
        h.rope_yarn_beta_fast = hparams_read_positive(f, hparams_key(arch, "rope.scaling.yarn_beta_fast"), 32.0f);
        h.rope_yarn_beta_slow = hparams_read_positive(f, hparams_key(arch, "rope.scaling.yarn_beta_slow"), 1.0f);
        // llama.cpp's net magnitude: its context scales attn_factor so that only the YaRN term remains.
        h.rope_yarn_mscale = attn * (factor > 1.0f ? 1.0f + 0.1f * std::log(factor) : 1.0f);
    } else {
        // Without YaRN llama.cpp multiplies cos and sin by the stated factor
        // alone (1 when absent: it does not derive LongRoPE's from the contexts).
        h.rope_attn_factor = attn;
    }
    // 0 (or absent) means no scaling; NaN or a negative factor is not "none".
    if (!(factor >= 0.0f) || std::isinf(factor)) {
        throw_error(STATUS_E_MODEL_BAD_HPARAMS, "%s = %g must be finite and not negative",
                    hparams_key(arch, "rope.scaling.factor").c_str(), (double)factor);
    }
    if (factor > 0.0f) h.rope_freq_scale = 1.0f / factor;

    hparams_check(f, h, layout);
    return h;
}

} // namespace hearth
