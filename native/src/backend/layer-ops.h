// Which ops a layer (or the output head) of a decoder description uses, past
// the core every backend runs (matmul, RMSNorm, RoPE, attention, SwiGLU).
// The one place that reads a description's optional features as ops:
// placement asks each backend's supports() about these, and each GPU
// backend's stage_create refuses a layer whose ops it lacks, so a new block
// feature is run on the CPU until a backend says it has the op.
//
// Header-only (static inline, plain C++ without the engine's types) because
// the CUDA backend is a separate shared library that links nothing of the addon.
#pragma once

#include <cmath>

#include "backend/backend.h"

// Fills ops[0..] (room for HEARTH_OP_COUNT) and returns how many.
static inline int hearth_layer_ops(const hearth_decoder_desc * d, const hearth_layer_desc * L, int * ops) {
    int n = 0;
    if (L->q_norm || L->k_norm) ops[n++] = HEARTH_OP_HEAD_RMS_NORM;
    if (d->norm_type == HEARTH_NORM_LAYER) ops[n++] = HEARTH_OP_LAYER_NORM;
    if (L->attn_post_norm || L->ffn_post_norm) ops[n++] = HEARTH_OP_POST_NORM;
    if (L->bo || L->ffn_gate_b || L->ffn_up_b || L->ffn_down_b) ops[n++] = HEARTH_OP_LINEAR_BIAS;
    if (d->ffn_type == HEARTH_FFN_GELU) ops[n++] = HEARTH_OP_GELU;
    if (d->ffn_type == HEARTH_FFN_GEGLU) ops[n++] = HEARTH_OP_GEGLU;
    if (L->n_swa > 0) ops[n++] = HEARTH_OP_SLIDING_WINDOW;
    if (L->rope_freq_base != d->rope_freq_base || L->rope_freq_scale != d->rope_freq_scale) {
        ops[n++] = HEARTH_OP_LAYER_ROPE;
    }
    // The scale every backend applies, to float precision.
    const float plain = 1.0f / std::sqrt((float)d->head_dim);
    if (std::fabs(d->attn_scale - plain) > 1e-6f * plain) ops[n++] = HEARTH_OP_ATTN_SCALE;
    if (d->attn_softcap != 0.0f) ops[n++] = HEARTH_OP_ATTN_SOFTCAP;
    if (d->residual_scale != 1.0f) ops[n++] = HEARTH_OP_RESIDUAL_SCALE;
    if (L->ffn_router.data) ops[n++] = HEARTH_OP_MOE;
    if (L->rope_yarn) ops[n++] = HEARTH_OP_ROPE_YARN;
    if (L->attn_sinks) ops[n++] = HEARTH_OP_ATTN_SINKS;
    if (!L->rope_yarn && d->rope_mscale != 0.0f && d->rope_mscale != 1.0f) ops[n++] = HEARTH_OP_ROPE_MSCALE;
    return n;
}

// The same for the output norm and head.
static inline int hearth_head_ops(const hearth_decoder_desc * d, int * ops) {
    int n = 0;
    if (d->norm_type == HEARTH_NORM_LAYER) ops[n++] = HEARTH_OP_LAYER_NORM;
    if (d->logit_scale != 1.0f) ops[n++] = HEARTH_OP_LOGIT_SCALE;
    if (d->logit_softcap != 0.0f) ops[n++] = HEARTH_OP_LOGIT_SOFTCAP;
    return n;
}

// The first op of layer L (with L null: of the head) that runs(op) says no
// to, or -1: the check each GPU stage makes before it uploads anything.
template <class Runs>
static inline int hearth_missing_op(const hearth_decoder_desc * d, const hearth_layer_desc * L, Runs runs) {
    int ops[HEARTH_OP_COUNT];
    const int n = L ? hearth_layer_ops(d, L, ops) : hearth_head_ops(d, ops);
    for (int i = 0; i < n; ++i) {
        if (!runs(ops[i])) return ops[i];
    }
    return -1;
}

// What an op is, for "keeps layer N on the CPU: it has <name>, which ... does not run".
static inline const char * hearth_op_name(int op) {
    switch (op) {
    case HEARTH_OP_MATMUL: return "a weight format";
    case HEARTH_OP_GET_ROW: return "an embedding lookup";
    case HEARTH_OP_RMS_NORM: return "RMSNorm";
    case HEARTH_OP_ROPE: return "RoPE";
    case HEARTH_OP_ATTENTION: return "attention";
    case HEARTH_OP_SOFTMAX: return "softmax";
    case HEARTH_OP_ADD: return "add";
    case HEARTH_OP_MUL: return "multiply";
    case HEARTH_OP_SWIGLU: return "SwiGLU";
    case HEARTH_OP_HEAD_RMS_NORM: return "QK-norm";
    case HEARTH_OP_LAYER_NORM: return "LayerNorm";
    case HEARTH_OP_POST_NORM: return "post-norms";
    case HEARTH_OP_LINEAR_BIAS: return "output and FFN biases";
    case HEARTH_OP_GELU: return "a GELU MLP";
    case HEARTH_OP_GEGLU: return "GeGLU";
    case HEARTH_OP_SLIDING_WINDOW: return "sliding-window attention";
    case HEARTH_OP_LAYER_ROPE: return "a per-layer RoPE base";
    case HEARTH_OP_ATTN_SCALE: return "a custom attention scale";
    case HEARTH_OP_LOGIT_SOFTCAP: return "logit soft-capping";
    case HEARTH_OP_ATTN_SOFTCAP: return "attention soft-capping";
    case HEARTH_OP_RESIDUAL_SCALE: return "a residual multiplier";
    case HEARTH_OP_LOGIT_SCALE: return "a logit multiplier";
    case HEARTH_OP_MOE: return "a mixture-of-experts FFN";
    case HEARTH_OP_ROPE_YARN: return "YaRN RoPE scaling";
    case HEARTH_OP_ATTN_SINKS: return "attention sinks";
    case HEARTH_OP_ROPE_MSCALE: return "a RoPE attention factor (LongRoPE)";
    default: return "an unknown op";
    }
}
