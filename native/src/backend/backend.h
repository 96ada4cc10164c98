// The compute-backend contract: a small C-style vtable, so that a backend can
// live in this addon or in a companion shared library (CUDA) and be found at
// run time. The CPU is one backend; the decoder places each layer on one.
//
// The unit of work a GPU backend runs is a *stage*: a contiguous range of
// decoder layers whose weights it uploaded once, optionally with the output
// head. The hidden state crosses host <-> device only at stage boundaries,
// so a fully offloaded model moves one row of n_embd floats in and n_vocab
// logits out per token. The KV cache of a stage's layers lives on its device,
// one hearth_kv per session.
//
// Rules every backend keeps:
//  - no C++ exception crosses the vtable: functions return 0 on success and
//    a HEARTH_BK_E_* code on failure with a message in `err` (ERR_LEN bytes);
//  - nothing here touches N-API; calls come from the engine's worker threads,
//    one at a time per model (Model::compute_mutex);
//  - out of memory and device loss are errors the engine turns into a CPU
//    fallback with a message, never a crash.
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" {

#define HEARTH_BK_ERR_LEN 256

enum hearth_bk_status {
    HEARTH_BK_OK = 0,
    HEARTH_BK_E_UNAVAILABLE = 1,  // no driver / no device / library missing
    HEARTH_BK_E_OOM = 2,          // device memory exhausted
    HEARTH_BK_E_UNSUPPORTED = 3,  // op or tensor format not handled
    HEARTH_BK_E_DEVICE_LOST = 4,  // the device stopped answering
    HEARTH_BK_E_INTERNAL = 5,
};

enum hearth_device_type {
    HEARTH_DEVICE_CPU = 0,
    HEARTH_DEVICE_GPU_DISCRETE = 1,
    HEARTH_DEVICE_GPU_INTEGRATED = 2,
    HEARTH_DEVICE_GPU_VIRTUAL = 3,  // e.g. Mesa lavapipe: a Vulkan device that computes on the CPU
};

struct hearth_device_info {
    char name[128];
    int type;               // hearth_device_type
    uint64_t total_memory;  // bytes
    uint64_t free_memory;   // bytes, at probe time (0: unknown)
    char detail[128];       // driver / API version, compute capability, ...
};

// Ops a backend may or may not support for a weight format (ggml type id).
enum hearth_op {
    HEARTH_OP_MATMUL = 0,    // y[n][m] = x[n][k] . W[m][k]^T, W in the given format
    HEARTH_OP_GET_ROW,       // embedding lookup from W in the given format
    HEARTH_OP_RMS_NORM,
    HEARTH_OP_ROPE,          // normal and NeoX
    HEARTH_OP_ATTENTION,     // causal, grouped-query, over an F16 KV cache
    HEARTH_OP_SOFTMAX,
    HEARTH_OP_ADD,
    HEARTH_OP_MUL,
    HEARTH_OP_SWIGLU,
    HEARTH_OP_HEAD_RMS_NORM, // RMSNorm of each Q/K head before RoPE (qwen3's QK-norm)
    // The block features beyond the llama block. A layer lists the ones it
    // uses (backend/layer-ops.h); a backend that lacks one keeps that layer
    // on the CPU and placement says which.
    HEARTH_OP_LAYER_NORM,    // mean-centred norm with a bias (starcoder2) instead of RMSNorm
    HEARTH_OP_POST_NORM,     // a norm of each sub-block's output before the residual add (gemma2/3)
    HEARTH_OP_LINEAR_BIAS,   // biases on the attention output and the FFN matrices (starcoder2)
    HEARTH_OP_GELU,          // GELU MLP: down(gelu(up x)) (starcoder2)
    HEARTH_OP_GEGLU,         // down(gelu(gate x) * up x) (gemma)
    HEARTH_OP_SLIDING_WINDOW,// attention to the last n_swa positions only (gemma2/3)
    HEARTH_OP_LAYER_ROPE,    // a layer's own RoPE base/scale (gemma3's sliding layers)
    HEARTH_OP_ATTN_SCALE,    // a softmax scale other than 1/sqrt(head_dim)
    HEARTH_OP_LOGIT_SOFTCAP, // logits = c * tanh(logits / c) at the head (gemma2)
    HEARTH_OP_ATTN_SOFTCAP,  // attention scores = c * tanh(scores / c) before the softmax (gemma2)
    HEARTH_OP_RESIDUAL_SCALE,// each sub-block's output times a constant before the residual add (granite)
    HEARTH_OP_LOGIT_SCALE,   // logits times a constant at the head (granite)
    HEARTH_OP_MOE,           // a mixture-of-experts FFN: router, top-k experts, weighted sum (qwen3moe, mellum)
    HEARTH_OP_ROPE_YARN,     // YaRN-scaled RoPE (rope.scaling.type yarn)
    HEARTH_OP_ATTN_SINKS,    // a learned per-head logit in each softmax's denominator (gpt-oss)
    HEARTH_OP_ROPE_MSCALE,   // RoPE's cos and sin times a constant (LongRoPE's attention factor, phi3)
    HEARTH_OP_COUNT
};

enum hearth_norm_type {
    HEARTH_NORM_RMS = 0,     // x / rms(x) * w
    HEARTH_NORM_LAYER = 1,   // (x - mean) / std(x) * w + b
};

// How a mixture-of-experts FFN weighs its picked experts, and their activation.
enum hearth_moe_gating {
    HEARTH_MOE_SOFTMAX = 0,         // top-k of the softmax over all experts (qwen3moe)
    HEARTH_MOE_SOFTMAX_WEIGHT = 1,  // top-k of the raw logits, then a softmax over those k (gpt-oss)
};
enum hearth_moe_act {
    HEARTH_MOE_SWIGLU = 0,          // silu(gate) * up
    HEARTH_MOE_SWIGLU_OAI = 1,      // gpt-oss: g = min(gate, 7), u = clamp(up, -7, 7), g * sigmoid(1.702 g) * (u + 1)
};

enum hearth_ffn_type {
    HEARTH_FFN_SWIGLU = 0,   // down(silu(gate x) * up x)
    HEARTH_FFN_GEGLU = 1,    // down(gelu(gate x) * up x)
    HEARTH_FFN_GELU = 2,     // down(gelu(up x + up_b)) + down_b, no gate
};

// A weight matrix W[rows][cols] in its GGUF format, pointing into the mapping.
struct hearth_weight {
    const void * data;
    int type;      // ggml type id
    int64_t rows;
    int64_t cols;  // ggml ne0
};

// n_expert matrices W[rows][cols] stacked in one tensor (GGUF shape
// [cols, rows, n_expert]), pointing into the mapping: an expert's bytes are
// read only when a token is routed to it.
struct hearth_experts {
    hearth_weight all;  // [n_expert * rows][cols]
    int64_t n_expert;
    int64_t rows;       // per expert
};

// One pre-norm decoder layer: x += attention(norm(x)); x += ffn(norm(x)).
// The features past the llama block are each optional and each map to an op
// (backend/layer-ops.h lists a layer's). Vectors are f32; null: absent.
struct hearth_layer_desc {
    const float * attn_norm, * attn_norm_b; // [n_embd]; the bias with HEARTH_NORM_LAYER
    hearth_weight wq, wk, wv, wo;
    const float * bq, * bk, * bv;           // [n_head*head_dim], [n_head_kv*head_dim] x2
    const float * bo;                       // [n_embd] (HEARTH_OP_LINEAR_BIAS)
    // [head_dim] each: every Q and K head RMS-normed with these weights after
    // the biases and before RoPE (HEARTH_OP_HEAD_RMS_NORM).
    const float * q_norm, * k_norm;
    const float * attn_post_norm;           // [n_embd]: norm of the attention output (HEARTH_OP_POST_NORM)
    const float * ffn_norm, * ffn_norm_b;   // [n_embd]
    hearth_weight ffn_gate, ffn_up, ffn_down;  // no ffn_gate with HEARTH_FFN_GELU
    const float * ffn_gate_b, * ffn_up_b, * ffn_down_b;  // [n_ff] x2, [n_embd] (HEARTH_OP_LINEAR_BIAS)
    // A mixture-of-experts FFN instead of the three matrices above
    // (HEARTH_OP_MOE) when ffn_router.data is set: ffn_router [n_expert][n_embd]
    // picks the decoder's n_expert_used experts per token (moe_gating), each a
    // gated FFN (moe_act; gate/up [n_ff_exp][n_embd], down [n_embd][n_ff_exp]).
    hearth_weight ffn_router;
    hearth_experts ffn_gate_exps, ffn_up_exps, ffn_down_exps;
    const float * ffn_router_b;             // [n_expert] or null
    // Per-expert biases or null: [n_expert][n_ff_exp] x2, [n_expert][n_embd].
    const float * ffn_gate_exps_b, * ffn_up_exps_b, * ffn_down_exps_b;
    const float * attn_sinks;               // [n_head] or null (HEARTH_OP_ATTN_SINKS)
    const float * ffn_post_norm;            // [n_embd]: norm of the FFN output (HEARTH_OP_POST_NORM)
    // Sliding window: a query at position p sees keys p-n_swa+1 .. p; 0: all (HEARTH_OP_SLIDING_WINDOW).
    int64_t n_swa;
    // This layer's RoPE; equal to the decoder's except where a family gives
    // its sliding layers their own (HEARTH_OP_LAYER_ROPE).
    float rope_freq_base, rope_freq_scale;
    int rope_yarn;                          // 1: YaRN with the decoder's rope_yarn_* (HEARTH_OP_ROPE_YARN)
};

struct hearth_decoder_desc {
    // n_ff: the dense FFN's width; 0 in a model whose every layer routes to experts.
    int64_t n_embd, n_layer, n_ff, n_head, n_head_kv, head_dim, n_rot, n_vocab;
    float norm_eps;                         // epsilon of every norm (RMS or layer)
    float rope_freq_base, rope_freq_scale;  // the full-attention layers' RoPE
    int rope_neox;                          // 1: pairs (i, i + n_rot/2)
    int norm_type;                          // hearth_norm_type
    int ffn_type;                           // hearth_ffn_type
    float attn_scale;                       // softmax scale of q.k (usually 1/sqrt(head_dim))
    float attn_softcap;                     // 0: none (HEARTH_OP_ATTN_SOFTCAP)
    float residual_scale;                   // 1: none (HEARTH_OP_RESIDUAL_SCALE)
    float logit_scale;                      // 1: none (HEARTH_OP_LOGIT_SCALE)
    float logit_softcap;                    // 0: none (HEARTH_OP_LOGIT_SOFTCAP)
    // Mixture of experts (layers with ffn_router): experts per token, whether
    // their probabilities are renormalized to sum to 1, and a factor on them (0 or 1: none).
    int64_t n_expert_used;
    int moe_normalize;
    float moe_weights_scale;
    int moe_gating;                         // hearth_moe_gating
    int moe_act;                            // hearth_moe_act
    // [n_rot/2] or null: per-pair divisors of theta (Llama 3's rope_freqs, or
    // the LongRoPE factor set chosen at load for the model's context).
    const float * rope_freqs;
    // YaRN for layers with rope_yarn: pairs below rope_yarn_low keep their
    // unscaled angle, above rope_yarn_high the scaled one, a linear ramp
    // between; cos and sin times rope_yarn_mscale (cpu-ops.h RopeYarn).
    float rope_yarn_low, rope_yarn_high, rope_yarn_mscale;
    // Layers without rope_yarn: cos and sin times this (llama.cpp's
    // rope.scaling.attn_factor outside YaRN, LongRoPE's); 0 or 1: none (HEARTH_OP_ROPE_MSCALE).
    float rope_mscale;
    const hearth_layer_desc * layers;       // [n_layer]
    const float * output_norm, * output_norm_b;  // [n_embd]
    hearth_weight output;                   // [n_vocab][n_embd] (token_embd when tied)
};

struct hearth_buffer;  // device memory, opaque
struct hearth_stage;   // layers [begin, end) (+ output head) uploaded to one device
struct hearth_kv;      // one session's KV cache for one stage's layers

struct hearth_backend {
    const char * name;  // "cpu", "cuda", "vulkan"

    // Lists devices into out[0..max). Returns how many exist (may be > max),
    // or -1 with the reason in why ("no CUDA device", "driver 535 < 580", ...).
    int (*probe)(hearth_device_info * out, int max, char * why);

    // Whether `op` runs on this backend for weights of ggml type `type`
    // (type is ignored for ops without weights).
    int (*supports)(int device, int op, int type);

    // Raw device memory, for tests and for backends' own use.
    int (*buffer_alloc)(int device, uint64_t bytes, hearth_buffer ** out, char * err);
    int (*buffer_upload)(hearth_buffer * buf, uint64_t offset, const void * src, uint64_t bytes, char * err);
    int (*buffer_download)(hearth_buffer * buf, uint64_t offset, void * dst, uint64_t bytes, char * err);
    void (*buffer_free)(hearth_buffer * buf);

    // Uploads layers [layer_begin, layer_end) of desc (and the output norm and
    // head when with_output) to the device. desc's pointers need only live
    // during the call. Bytes the stage holds go to *device_bytes.
    int (*stage_create)(int device, const hearth_decoder_desc * desc, int64_t layer_begin, int64_t layer_end,
                        int with_output, hearth_stage ** out, uint64_t * device_bytes, char * err);
    void (*stage_destroy)(hearth_stage * stage);

    // A KV cache of n_ctx positions for the stage's layers (F16 on the device).
    int (*kv_create)(hearth_stage * stage, int64_t n_ctx, hearth_kv ** out, char * err);
    void (*kv_destroy)(hearth_kv * kv);
    // Context shift: positions [src, src+n) move to [dst, dst+n) and their
    // keys rotate by (dst - src) positions.
    int (*kv_shift)(hearth_kv * kv, int64_t src, int64_t dst, int64_t n, char * err);

    // Runs the stage's layers on x[n][n_embd] (host, in place) for positions
    // pos0 .. pos0+n-1, appending to kv. With the output head, logits_rows
    // rows (the last ones of x) go through output norm + head into
    // logits[logits_rows][n_vocab] (host) and x is left undefined.
    int (*stage_forward)(hearth_stage * stage, hearth_kv * kv, float * x, int64_t n, int64_t pos0,
                         float * logits, int64_t logits_rows, char * err);

    // Waits for queued work (stage_forward returns with its results on the
    // host, so callers need this only around buffer ops and timing).
    int (*synchronize)(int device, char * err);
};

// Built-in backends. Each returns a vtable whose probe explains itself when
// the backend was not compiled in or cannot run here.
const hearth_backend * hearth_backend_cuda();
const hearth_backend * hearth_backend_vulkan();

}  // extern "C"
