// Causal grouped-query attention over the F16 cache, one block per (query
// token, head). Each of the block's warps walks a strided subset of the
// visible positions with an online softmax (running max, sum, weighted V in
// registers: head_dim / 32 values per lane); the warps' partial states merge
// through shared memory at the end. Exact softmax, no scores materialised.
#include <cuda_fp16.h>

#include "backend/cuda/cuda-kernels.h"

namespace hearth::cuda {

namespace {

constexpr int kWarps = 8;
constexpr int kMaxPerLane = 8;  // head_dim <= 256

__global__ void attention_kernel(const float * __restrict__ q, const __half * __restrict__ kc,
                                 const __half * __restrict__ vc, float * __restrict__ out, int n_head, int n_head_kv,
                                 int D, float scale, const int * d_pos) {
    const int t = blockIdx.x, h = blockIdx.y;
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    const int hk = h / (n_head / n_head_kv);
    const int KV = n_head_kv * D, per = D / 32;
    const int last = d_pos[0] + t;  // token t sees positions 0 .. last

    float qv[kMaxPerLane], acc[kMaxPerLane];
    const float * qh = q + ((int64_t)t * n_head + h) * D;
#pragma unroll
    for (int i = 0; i < kMaxPerLane; ++i) {
        qv[i] = i < per ? qh[lane * per + i] * scale : 0.0f;
        acc[i] = 0.0f;
    }
    float m = -INFINITY, l = 0.0f;
    for (int p = warp; p <= last; p += kWarps) {
        const __half * kr = kc + (int64_t)p * KV + hk * D + lane * per;
        float sdot = 0.0f;
#pragma unroll
        for (int i = 0; i < kMaxPerLane; ++i) if (i < per) sdot += qv[i] * __half2float(kr[i]);
#pragma unroll
        for (int off = 16; off > 0; off >>= 1) sdot += __shfl_xor_sync(0xffffffffu, sdot, off);
        const float m_new = fmaxf(m, sdot);
        const float corr = __expf(m - m_new), e = __expf(sdot - m_new);
        l = l * corr + e;
        const __half * vr = vc + (int64_t)p * KV + hk * D + lane * per;
#pragma unroll
        for (int i = 0; i < kMaxPerLane; ++i) if (i < per) acc[i] = acc[i] * corr + e * __half2float(vr[i]);
        m = m_new;
    }

    __shared__ float s_m[kWarps], s_l[kWarps];
    __shared__ float s_acc[kWarps][kMaxPerLane * 32];
    if (lane == 0) {
        s_m[warp] = m;
        s_l[warp] = l;
    }
#pragma unroll
    for (int i = 0; i < kMaxPerLane; ++i) if (i < per) s_acc[warp][lane * per + i] = acc[i];
    __syncthreads();
    float M = -INFINITY;
    for (int w = 0; w < kWarps; ++w) M = fmaxf(M, s_m[w]);
    float L = 0.0f;
    for (int w = 0; w < kWarps; ++w) if (s_m[w] > -INFINITY) L += s_l[w] * __expf(s_m[w] - M);
    float * oh = out + ((int64_t)t * n_head + h) * D;
    for (int d = threadIdx.x; d < D; d += blockDim.x) {
        float v = 0.0f;
        for (int w = 0; w < kWarps; ++w) if (s_m[w] > -INFINITY) v += s_acc[w][d] * __expf(s_m[w] - M);
        oh[d] = v / L;
    }
}

} // namespace

void attention(cudaStream_t s, const float * q, const uint16_t * k_cache, const uint16_t * v_cache, float * out,
               int64_t n, int n_head, int n_head_kv, int head_dim, float scale, const int * d_pos) {
    const dim3 grid((unsigned)n, (unsigned)n_head);
    attention_kernel<<<grid, kWarps * 32, 0, s>>>(q, reinterpret_cast<const __half *>(k_cache),
                                                  reinterpret_cast<const __half *>(v_cache), out, n_head, n_head_kv,
                                                  head_dim, scale, d_pos);
}

} // namespace hearth::cuda
