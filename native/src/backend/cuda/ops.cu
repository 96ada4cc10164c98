// Element-wise and normalisation kernels of the decoder: RMSNorm, bias add,
// SwiGLU, RoPE (normal and NeoX, with frequency factors folded into
// inv_freq) fused with the F16 KV-cache store, and the context-shift move.
#include <cuda_fp16.h>

#include "backend/cuda/cuda-kernels.h"

namespace hearth::cuda {

namespace {

constexpr int kNormThreads = 256;

__global__ void rms_norm_kernel(const float * __restrict__ x, const float * __restrict__ w, float * __restrict__ out,
                                int64_t E, float eps) {
    const float * xr = x + blockIdx.x * E;
    float * o = out + blockIdx.x * E;
    float ss = 0.0f;
    for (int64_t i = threadIdx.x; i < E; i += blockDim.x) ss += xr[i] * xr[i];
    __shared__ float part[kNormThreads / 32];
    for (int off = 16; off > 0; off >>= 1) ss += __shfl_xor_sync(0xffffffffu, ss, off);
    if (threadIdx.x % 32 == 0) part[threadIdx.x / 32] = ss;
    __syncthreads();
    if (threadIdx.x < 32) {
        float v = threadIdx.x < kNormThreads / 32 ? part[threadIdx.x] : 0.0f;
        for (int off = 16; off > 0; off >>= 1) v += __shfl_xor_sync(0xffffffffu, v, off);
        if (threadIdx.x == 0) part[0] = v;
    }
    __syncthreads();
    const float scale = rsqrtf(part[0] / (float)E + eps);
    for (int64_t i = threadIdx.x; i < E; i += blockDim.x) o[i] = xr[i] * scale * (w ? w[i] : 1.0f);
}

__global__ void add_bias_kernel(float * x, const float * b, int64_t total, int64_t cols) {
    const int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < total) x[i] += b[i % cols];
}

__global__ void swiglu_kernel(const float * g, const float * u, float * out, int64_t n) {
    const int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        const float v = g[i];
        out[i] = v / (1.0f + __expf(-v)) * u[i];
    }
}

// Rotates pair i of one head vector (length head_dim) at angle pos * inv_freq[i].
__device__ __forceinline__ void rotate_pair(float & a, float & b, float theta) {
    float s, c;
    sincosf(theta, &s, &c);
    const float x0 = a, x1 = b;
    a = x0 * c - x1 * s;
    b = x0 * s + x1 * c;
}

__device__ __forceinline__ int pair_a(int i, int half, int neox) { return neox ? i : 2 * i; }
__device__ __forceinline__ int pair_b(int i, int half, int neox) { return neox ? i + half : 2 * i + 1; }

// grid: (n tokens, H + HKV heads); block: head_dim threads (pairs rotate, the rest copy).
__global__ void rope_store_kernel(RopeParams p, float * q, const float * k, const float * v, __half * kc, __half * vc,
                                  const int * d_pos) {
    const int t = blockIdx.x, head = blockIdx.y, D = p.head_dim, half = p.n_rot / 2;
    const int pos = d_pos[0] + t;
    const int Q = p.n_head * D, KV = p.n_head_kv * D;
    if (head < p.n_head) {
        float * qh = q + (int64_t)t * Q + head * D;
        for (int i = threadIdx.x; i < half; i += blockDim.x) {
            const int a = pair_a(i, half, p.neox), b = pair_b(i, half, p.neox);
            rotate_pair(qh[a], qh[b], (float)pos * p.inv_freq[i]);
        }
        return;
    }
    const int hk = head - p.n_head;
    const float * kh = k + (int64_t)t * KV + hk * D;
    const float * vh = v + (int64_t)t * KV + hk * D;
    __half * kout = kc + (int64_t)pos * KV + hk * D;
    __half * vout = vc + (int64_t)pos * KV + hk * D;
    for (int d = threadIdx.x; d < D; d += blockDim.x) {
        vout[d] = __float2half(vh[d]);
        if (d >= p.n_rot) kout[d] = __float2half(kh[d]);
    }
    for (int i = threadIdx.x; i < half; i += blockDim.x) {
        const int a = pair_a(i, half, p.neox), b = pair_b(i, half, p.neox);
        float x0 = kh[a], x1 = kh[b];
        rotate_pair(x0, x1, (float)pos * p.inv_freq[i]);
        kout[a] = __float2half(x0);
        kout[b] = __float2half(x1);
    }
}

// grid: (n rows, HKV heads); rotates keys by delta and writes row r of tmp_k / tmp_v.
__global__ void shift_gather_kernel(RopeParams p, const __half * kc, const __half * vc, __half * tk, __half * tv,
                                    int64_t src, int64_t delta) {
    const int r = blockIdx.x, hk = blockIdx.y, D = p.head_dim, half = p.n_rot / 2, KV = p.n_head_kv * D;
    const __half * ks = kc + (src + r) * KV + hk * D;
    const __half * vs = vc + (src + r) * KV + hk * D;
    __half * kd = tk + (int64_t)r * KV + hk * D;
    __half * vd = tv + (int64_t)r * KV + hk * D;
    for (int d = threadIdx.x; d < D; d += blockDim.x) {
        vd[d] = vs[d];
        if (d >= p.n_rot) kd[d] = ks[d];
    }
    for (int i = threadIdx.x; i < half; i += blockDim.x) {
        const int a = pair_a(i, half, p.neox), b = pair_b(i, half, p.neox);
        float x0 = __half2float(ks[a]), x1 = __half2float(ks[b]);
        rotate_pair(x0, x1, (float)delta * p.inv_freq[i]);
        kd[a] = __float2half(x0);
        kd[b] = __float2half(x1);
    }
}

unsigned blocks_for(int64_t n, int threads) { return (unsigned)((n + threads - 1) / threads); }

} // namespace

void rms_norm(cudaStream_t s, const float * x, const float * w, float * out, int64_t n, int64_t E, float eps) {
    rms_norm_kernel<<<(unsigned)n, kNormThreads, 0, s>>>(x, w, out, E, eps);
}

void add_bias(cudaStream_t s, float * x, const float * b, int64_t n, int64_t cols) {
    add_bias_kernel<<<blocks_for(n * cols, 256), 256, 0, s>>>(x, b, n * cols, cols);
}

void swiglu(cudaStream_t s, const float * gate, const float * up, float * out, int64_t n) {
    swiglu_kernel<<<blocks_for(n, 256), 256, 0, s>>>(gate, up, out, n);
}

void rope_store_kv(cudaStream_t s, const RopeParams & p, float * q, const float * k, const float * v,
                   uint16_t * k_cache, uint16_t * v_cache, int64_t n, const int * d_pos) {
    const dim3 grid((unsigned)n, (unsigned)(p.n_head + p.n_head_kv));
    const int threads = p.head_dim < 128 ? 64 : 128;
    rope_store_kernel<<<grid, threads, 0, s>>>(p, q, k, v, reinterpret_cast<__half *>(k_cache),
                                               reinterpret_cast<__half *>(v_cache), d_pos);
}

void kv_shift_layer(cudaStream_t s, const RopeParams & p, uint16_t * k_cache, uint16_t * v_cache, uint16_t * tmp,
                    int64_t src, int64_t dst, int64_t n) {
    if (n <= 0) return;
    const int64_t KV = (int64_t)p.n_head_kv * p.head_dim;
    __half * kc = reinterpret_cast<__half *>(k_cache);
    __half * vc = reinterpret_cast<__half *>(v_cache);
    __half * tk = reinterpret_cast<__half *>(tmp);
    __half * tv = tk + n * KV;
    const dim3 grid((unsigned)n, (unsigned)p.n_head_kv);
    shift_gather_kernel<<<grid, 64, 0, s>>>(p, kc, vc, tk, tv, src, dst - src);
    cudaMemcpyAsync(kc + dst * KV, tk, (size_t)(n * KV) * 2, cudaMemcpyDeviceToDevice, s);
    cudaMemcpyAsync(vc + dst * KV, tv, (size_t)(n * KV) * 2, cudaMemcpyDeviceToDevice, s);
}

} // namespace hearth::cuda
