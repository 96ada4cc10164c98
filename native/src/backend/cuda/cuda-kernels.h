// Launchers of the CUDA backend's kernels (one .cu per family). All take the
// stream to queue on; none synchronizes. Activations are f32 row-major,
// weights stay in their GGUF block format on the device, the KV cache is F16
// [n_ctx][n_head_kv][head_dim] per layer (the CPU cache's layout).
//
// Positions come from device memory (pos0 at d_pos[0]) so that a captured
// CUDA graph of a single-token step replays at any position.
#pragma once

#include <cuda_runtime.h>
#include <cstdint>

namespace hearth::cuda {

// The weight formats the matmul kernels read (ggml type ids).
bool matmul_supports(int type);

// y[n][m] (+)= x[n][k] . W[m][k]^T; accumulate adds into y (residual adds).
void matmul(cudaStream_t s, int type, const void * W, int64_t m, int64_t k, const float * x, int64_t n,
            float * y, bool accumulate);

// out[n][E] = x[n][E] / rms * w.
void rms_norm(cudaStream_t s, const float * x, const float * w, float * out, int64_t n, int64_t E, float eps);

// x[n][cols] += b[cols] per row.
void add_bias(cudaStream_t s, float * x, const float * b, int64_t n, int64_t cols);

// out = silu(gate) * up, length n.
void swiglu(cudaStream_t s, const float * gate, const float * up, float * out, int64_t n);

struct RopeParams {
    int n_head, n_head_kv, head_dim, n_rot, neox;
    const float * inv_freq;  // [n_rot/2] device: freq_scale * base^(-2i/n_rot) / freq_factor_i
};

// Rotates q[n][H][D] and k[n][HKV][D] for positions d_pos[0] + t, then
// stores k and v[n][HKV][D] as F16 into the caches at those positions.
void rope_store_kv(cudaStream_t s, const RopeParams & p, float * q, const float * k, const float * v,
                   uint16_t * k_cache, uint16_t * v_cache, int64_t n, const int * d_pos);

// Causal GQA attention: out[n][H][D] from q[n][H][D] over cache positions
// 0 .. d_pos[0] + t for token t.
void attention(cudaStream_t s, const float * q, const uint16_t * k_cache, const uint16_t * v_cache, float * out,
               int64_t n, int n_head, int n_head_kv, int head_dim, float scale, const int * d_pos);

// Context shift of one layer's cache: positions [src, src+n) -> [dst, dst+n)
// through tmp (n rows); keys rotate by dst - src positions.
void kv_shift_layer(cudaStream_t s, const RopeParams & p, uint16_t * k_cache, uint16_t * v_cache, uint16_t * tmp,
                    int64_t src, int64_t dst, int64_t n);

} // namespace hearth::cuda
