// granite (IBM Granite 3.x dense, Granite Code 3B/8B): the llama block with
// four multipliers: embedding_scale on the embedding rows, residual_scale on
// each sub-block's output before the residual add, attention.scale as the
// softmax scale, and the logits divided by logit_scale. Biases only when a
// file carries them.
#include <cmath>

#include "gguf/gguf-reader.h"
#include "model/decoder.h"

namespace hearth {

std::unique_ptr<ModelArch> arch_granite_create(const GgufFile & file) {
    ModelHparams hp = hparams_read_common(file, "granite");
    DecoderOptions opt;
    opt.rope_neox = false;
    opt.qkv_bias = BIAS_POLICY_OPTIONAL;
    opt.linear_bias = BIAS_POLICY_OPTIONAL;
    const std::string logit_key = hparams_key("granite", "logit_scale");
    auto logit_scale = file.get_float(logit_key);
    if (!logit_scale) throw_error(STATUS_E_GGUF_KEY_MISSING, "model metadata lacks %s", logit_key.c_str());
    if (!std::isfinite(*logit_scale) || *logit_scale <= 0) {
        throw_error(STATUS_E_MODEL_BAD_HPARAMS, "model metadata %s = %g must be finite and positive", logit_key.c_str(), *logit_scale);
    }
    opt.logit_scale = (float)(1.0 / *logit_scale);
    // 0 (or absent) means "no multiplier", as in llama.cpp.
    const float residual = hparams_read_nonnegative(file, hparams_key("granite", "residual_scale"), 0.0f);
    const float embedding = hparams_read_nonnegative(file, hparams_key("granite", "embedding_scale"), 0.0f);
    opt.residual_scale = residual > 0.0f ? residual : 1.0f;
    opt.embd_scale = embedding > 0.0f ? embedding : 1.0f;
    opt.attn_scale = hparams_read_nonnegative(file, hparams_key("granite", "attention.scale"), 0.0f);
    return decoder_create(file, hp, opt);
}

} // namespace hearth
