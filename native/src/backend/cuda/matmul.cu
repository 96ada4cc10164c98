// Weight-stationary matmul for every supported format: one warp per output
// row; each lane dequantizes 8 consecutive weights at a time and multiplies
// them with up to kTokens activation rows, so a weight is read once per
// kTokens tokens. Generation (n = 1) is a pure bandwidth-bound mat-vec.
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "backend/cuda/cuda-kernels.h"
#include "backend/cuda/dequant.cuh"

namespace hearth::cuda {

namespace {

constexpr int kTokens = 8;        // activation rows per pass over the weights (n > 1)
constexpr int kWarpsPerBlock = 4;

template <int T, int NT>
__global__ void matmul_kernel(const uint8_t * __restrict__ W, int64_t m, int64_t k, const float * __restrict__ x,
                              int n, float * __restrict__ y, bool accumulate) {
    using F = Fmt<T>;
    const int lane = threadIdx.x % 32;
    const int64_t row = (int64_t)blockIdx.x * kWarpsPerBlock + threadIdx.x / 32;
    if (row >= m) return;
    constexpr int kChunks = F::kElems / 8;  // chunks per block
    const int64_t n_chunks = k / 8;
    const uint8_t * wrow = W + row * (k / F::kElems) * F::kBytes;
    float acc[NT];
#pragma unroll
    for (int t = 0; t < NT; ++t) acc[t] = 0.0f;
    for (int64_t c = lane; c < n_chunks; c += 32) {
        float w[8];
        F::chunk(wrow + (c / kChunks) * F::kBytes, (int)(c % kChunks), w);
#pragma unroll
        for (int t = 0; t < NT; ++t) {
            if (t < n) {
                const float4 * xv = reinterpret_cast<const float4 *>(x + t * k + c * 8);
                const float4 a = xv[0], b = xv[1];
                acc[t] += w[0] * a.x + w[1] * a.y + w[2] * a.z + w[3] * a.w + w[4] * b.x + w[5] * b.y + w[6] * b.z +
                          w[7] * b.w;
            }
        }
    }
#pragma unroll
    for (int t = 0; t < NT; ++t) {
        if (t >= n) break;
        float v = acc[t];
#pragma unroll
        for (int off = 16; off > 0; off >>= 1) v += __shfl_xor_sync(0xffffffffu, v, off);
        if (lane == 0) y[t * m + row] = accumulate ? y[t * m + row] + v : v;
    }
}

template <int T>
void launch(cudaStream_t s, const void * W, int64_t m, int64_t k, const float * x, int64_t n, float * y, bool acc) {
    const dim3 grid((unsigned)((m + kWarpsPerBlock - 1) / kWarpsPerBlock));
    const uint8_t * w = static_cast<const uint8_t *>(W);
    if (n == 1) {  // generation: the mat-vec, without the per-token predicates
        matmul_kernel<T, 1><<<grid, kWarpsPerBlock * 32, 0, s>>>(w, m, k, x, 1, y, acc);
        return;
    }
    for (int64_t t0 = 0; t0 < n; t0 += kTokens) {
        const int nt = (int)(n - t0 < kTokens ? n - t0 : kTokens);
        matmul_kernel<T, kTokens><<<grid, kWarpsPerBlock * 32, 0, s>>>(w, m, k, x + t0 * k, nt, y + t0 * m, acc);
    }
}

} // namespace

bool matmul_supports(int type) {
    switch (type) {
        case T_F32: case T_F16: case T_BF16: case T_Q4_0: case T_Q8_0: case T_Q4_K: case T_Q6_K: return true;
        default: return false;
    }
}

void matmul(cudaStream_t s, int type, const void * W, int64_t m, int64_t k, const float * x, int64_t n, float * y,
            bool accumulate) {
    switch (type) {
        case T_F32: launch<T_F32>(s, W, m, k, x, n, y, accumulate); break;
        case T_F16: launch<T_F16>(s, W, m, k, x, n, y, accumulate); break;
        case T_BF16: launch<T_BF16>(s, W, m, k, x, n, y, accumulate); break;
        case T_Q4_0: launch<T_Q4_0>(s, W, m, k, x, n, y, accumulate); break;
        case T_Q8_0: launch<T_Q8_0>(s, W, m, k, x, n, y, accumulate); break;
        case T_Q4_K: launch<T_Q4_K>(s, W, m, k, x, n, y, accumulate); break;
        case T_Q6_K: launch<T_Q6_K>(s, W, m, k, x, n, y, accumulate); break;
        default: break;  // callers check matmul_supports first
    }
}

} // namespace hearth::cuda
