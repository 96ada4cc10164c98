// The CPU compute API that the model runtime calls. Behind it: a kernel table
// per ISA (cpu/kernels.h) chosen once at start-up (cpu/dispatch.cpp), and a
// persistent thread pool (cpu/thread-pool.h).
//
// Conventions: row-major; a weight matrix W of shape [m][k] stores m rows of k
// elements in its GGUF/ggml format (k is ggml's ne0). Activations are f32.
#pragma once

#include <cstdint>

#include "tensor/ggml-type.h"

namespace hearth {

class ThreadPool;
struct CpuKernels;

// What the runtime holds: the chosen kernel table and the pool to run on.
struct CpuContext {
    const CpuKernels * kernels = nullptr;  // from cpu_kernels_best() or cpu_kernels_by_name()
    ThreadPool * pool = nullptr;           // nullptr: run on the calling thread
};

// The table dispatch picked for this CPU (honours HEARTH_CPU=generic|avx2|...).
const CpuKernels * cpu_kernels_best();
const char * cpu_kernels_name(const CpuKernels * k);

// y[n][m] = x[n][k] · W[m][k]^T. n = 1 is generation (matrix-vector); n > 1
// is prompt processing (matrix-matrix). Activations are quantized to the
// weight type's dot partner (Q8_0 / Q8_K) inside when integer dots pay.
void cpu_matmul(const CpuContext & ctx, GgmlType wtype, const void * W, int64_t m, int64_t k,
                const float * x, int64_t n, float * y);

// dst[k] = row r of W[..][k] as f32 (embedding lookup).
void cpu_get_row(GgmlType wtype, const void * W, int64_t k, int64_t r, float * dst);

// out[n] = x[n] / rms(x) * w[n]   (w may be nullptr: no scale)
void cpu_rms_norm(const CpuContext & ctx, const float * x, const float * w, int64_t n, float eps, float * out);

// out[n] = (x[n] - mean(x)) / sqrt(var(x) + eps) * w[n] + b[n]   (w, b may be nullptr)
void cpu_layer_norm(const float * x, const float * w, const float * b, int64_t n, float eps, float * out);

// x[n] = softmax(x[n]) in place.
void cpu_softmax(float * x, int64_t n);

// YaRN RoPE scaling: each dimension pair's angle mixes the interpolated
// (pos * freq_scale) and the original (extrapolated) angle by a ramp between
// the correction dims low..high (pairs below low keep the original angle, above
// high the interpolated one), and cos/sin are scaled by mscale.
struct RopeYarn {
    float low = 0.0f, high = 0.0f;  // correction dims (pair indices), from rope_yarn_corr_dims
    float mscale = 1.0f;            // magnitude on cos and sin
};
// ggml's correction dims: the pair indices whose wavelength is beta_fast and
// beta_slow rotations over n_ctx_orig positions, floored/ceiled and clamped to the dims.
void rope_yarn_corr_dims(int64_t n_rot, int64_t n_ctx_orig, float freq_base, float beta_fast, float beta_slow,
                         float * low, float * high);

// Rotary embedding in place on x[n_head][head_dim] for one position. The
// first n_rot dims of each head rotate. neox: pairs (i, i + n_rot/2);
// otherwise adjacent pairs (2i, 2i+1). theta_i = pos * freq_scale * base^(-2i/n_rot)
// / freq_factors[i] (freq_factors may be nullptr; Llama 3 and LongRoPE scaling pass
// them), mixed with the unscaled angle when yarn is given. cos and sin are
// times yarn->mscale with YaRN, else times mscale (LongRoPE's attention factor).
void cpu_rope(float * x, int64_t n_head, int64_t head_dim, int64_t n_rot, int64_t pos,
              float freq_base, float freq_scale, bool neox, const float * freq_factors, const RopeYarn * yarn = nullptr,
              float mscale = 1.0f);
// theta and the magnitude of pair i (what cpu_rope turns by): shared with the
// backends that build cos/sin tables on the host.
double rope_angle(int64_t pos, int64_t i, int64_t n_rot, float freq_base, float freq_scale, const float * freq_factors,
                  const RopeYarn * yarn, float * mscale);

// x[rows][n] += b[n] on every row (a bias); nothing when b is null.
void cpu_add_rows(const CpuContext & ctx, float * x, const float * b, int64_t rows, int64_t n);

// Element-wise, length n: out may alias a.
void cpu_add(const float * a, const float * b, float * out, int64_t n);
void cpu_mul(const float * a, const float * b, float * out, int64_t n);
void cpu_silu(const float * x, float * out, int64_t n);
void cpu_gelu(const float * x, float * out, int64_t n);
// out = silu(gate) * up  (the SwiGLU FFN's middle)
void cpu_swiglu(const float * gate, const float * up, float * out, int64_t n);

// Causal attention over an F16 KV cache for n_tokens query positions.
struct AttentionArgs {
    const float * q;        // [n_tokens][n_head][head_dim]
    const uint16_t * k;     // F16 cache [n_kv][n_head_kv][head_dim] (position-major)
    const uint16_t * v;     // F16 cache [n_kv][n_head_kv][head_dim]
    float * out;            // [n_tokens][n_head][head_dim]
    int64_t n_tokens;
    int64_t n_head;
    int64_t n_head_kv;      // n_head % n_head_kv == 0 (grouped-query attention)
    int64_t head_dim;
    int64_t n_kv;           // cached positions present (0 .. n_kv-1)
    int64_t pos0;           // position of query token 0; token t sees positions <= pos0 + t
    float scale;            // usually 1/sqrt(head_dim)
    int64_t window = 0;     // > 0: the query at position p sees only p-window+1 .. p (sliding window)
    float softcap = 0.0f;   // > 0: scores become softcap * tanh(score / softcap) before the softmax
    // [n_head] or null: head h's softmax also counts a sink of logit sinks[h]
    // whose value is zero, so attention can put weight on nothing (gpt-oss).
    const float * sinks = nullptr;
};
void cpu_attention(const CpuContext & ctx, const AttentionArgs & args);

// f32 <-> f16 / bf16 rows (KV cache writes, conversions).
void cpu_f32_to_f16(const float * x, uint16_t * y, int64_t n);
void cpu_f16_to_f32(const uint16_t * x, float * y, int64_t n);

// The same element-wise ops on a chosen table (tests and benchmarks compare
// tables; the forms above use cpu_kernels_best()).
void cpu_softmax(const CpuContext & ctx, float * x, int64_t n);
void cpu_add(const CpuContext & ctx, const float * a, const float * b, float * out, int64_t n);
void cpu_mul(const CpuContext & ctx, const float * a, const float * b, float * out, int64_t n);
void cpu_silu(const CpuContext & ctx, const float * x, float * out, int64_t n);
void cpu_gelu(const CpuContext & ctx, const float * x, float * out, int64_t n);
void cpu_swiglu(const CpuContext & ctx, const float * gate, const float * up, float * out, int64_t n);

} // namespace hearth
