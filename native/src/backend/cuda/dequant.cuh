// Dequantization of the weight formats the CUDA matmul reads: for each
// format its block geometry and chunk(), which decodes weights 8j .. 8j+7 of
// one block. __host__ __device__ so that a host program (nvcc-built, no GPU
// needed: bench/gpu/dequant-check.cu) checks every format against the
// engine's reference dequantizers.
#pragma once

#include <cuda_fp16.h>

#include <cstdint>
#include <cstring>

namespace hearth::cuda {

__host__ __device__ __forceinline__ float bits_to_float(uint32_t u) {
#ifdef __CUDA_ARCH__
    return __uint_as_float(u);
#else
    float f;
    std::memcpy(&f, &u, 4);
    return f;
#endif
}

enum : int { T_F32 = 0, T_F16 = 1, T_Q4_0 = 2, T_Q8_0 = 8, T_Q4_K = 12, T_Q6_K = 14, T_BF16 = 30 };

__host__ __device__ __forceinline__ float half_bits_to_float(uint16_t bits) {
    __half_raw r;
    r.x = bits;
    return __half2float(__half(r));
}

// An f16 at a 2-byte aligned address.
__host__ __device__ __forceinline__ float half_at(const uint8_t * p) {
    return half_bits_to_float(*reinterpret_cast<const uint16_t *>(p));
}

// 8 bytes from a 2-byte aligned address.
__host__ __device__ __forceinline__ void load8(const uint8_t * p, uint8_t out[8]) {
    const uint16_t * q = reinterpret_cast<const uint16_t *>(p);
#pragma unroll
    for (int i = 0; i < 4; ++i) {
        const uint16_t v = q[i];
        out[2 * i] = (uint8_t)(v & 0xff);
        out[2 * i + 1] = (uint8_t)(v >> 8);
    }
}

// Per format: elements and bytes per block, and the 8 weights of chunk j
// (elements 8j .. 8j+7 of the block).
template <int T> struct Fmt;

template <> struct Fmt<T_F32> {
    static constexpr int kElems = 8, kBytes = 32;
    __host__ __device__ static void chunk(const uint8_t * b, int, float w[8]) {
        const float4 a = reinterpret_cast<const float4 *>(b)[0], c = reinterpret_cast<const float4 *>(b)[1];
        w[0] = a.x; w[1] = a.y; w[2] = a.z; w[3] = a.w; w[4] = c.x; w[5] = c.y; w[6] = c.z; w[7] = c.w;
    }
};

template <> struct Fmt<T_F16> {
    static constexpr int kElems = 8, kBytes = 16;
    __host__ __device__ static void chunk(const uint8_t * b, int, float w[8]) {
        // One 16-byte load; halves taken out by shifts, not by pointer
        // punning (which host compilers may miscompile under strict aliasing:
        // dequant-check caught that).
        const uint4 v = *reinterpret_cast<const uint4 *>(b);
        const uint32_t u[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            w[2 * i] = half_bits_to_float((uint16_t)(u[i] & 0xffffu));
            w[2 * i + 1] = half_bits_to_float((uint16_t)(u[i] >> 16));
        }
    }
};

template <> struct Fmt<T_BF16> {
    static constexpr int kElems = 8, kBytes = 16;
    __host__ __device__ static void chunk(const uint8_t * b, int, float w[8]) {
        const uint4 v = *reinterpret_cast<const uint4 *>(b);
        const uint32_t u[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            w[2 * i] = bits_to_float(u[i] << 16);
            w[2 * i + 1] = bits_to_float(u[i] & 0xffff0000u);
        }
    }
};

// d (f16), qs[16]: element e is qs[e] low nibble (e < 16) or qs[e-16] high, minus 8.
template <> struct Fmt<T_Q4_0> {
    static constexpr int kElems = 32, kBytes = 18;
    __host__ __device__ static void chunk(const uint8_t * b, int j, float w[8]) {
        const float d = half_at(b);
        uint8_t q[8];
        load8(b + 2 + (j & 1) * 8, q);
        const int shift = j >= 2 ? 4 : 0;
#pragma unroll
        for (int i = 0; i < 8; ++i) w[i] = d * (float)(((q[i] >> shift) & 0xF) - 8);
    }
};

// d (f16), int8 qs[32].
template <> struct Fmt<T_Q8_0> {
    static constexpr int kElems = 32, kBytes = 34;
    __host__ __device__ static void chunk(const uint8_t * b, int j, float w[8]) {
        const float d = half_at(b);
        uint8_t q[8];
        load8(b + 2 + j * 8, q);
#pragma unroll
        for (int i = 0; i < 8; ++i) w[i] = d * (float)(int8_t)q[i];
    }
};

// d, dmin (f16), scales[12] (6-bit scale and min of 8 sub-blocks), qs[128]:
// 64-element groups, low nibbles the first 32, high nibbles the next 32.
template <> struct Fmt<T_Q4_K> {
    static constexpr int kElems = 256, kBytes = 144;
    __host__ __device__ static void chunk(const uint8_t * b, int j, float w[8]) {
        const float d = half_at(b), dmin = half_at(b + 2);
        const uint8_t * sc = b + 4;
        const int e0 = j * 8, s = e0 / 32, g = s / 2, o = e0 % 32;
        int scale, mn;
        if (s < 4) {
            scale = sc[s] & 63;
            mn = sc[s + 4] & 63;
        } else {
            scale = (sc[s + 4] & 0xF) | ((sc[s - 4] >> 6) << 4);
            mn = (sc[s + 4] >> 4) | ((sc[s] >> 6) << 4);
        }
        const uint2 raw = *reinterpret_cast<const uint2 *>(b + 16 + g * 32 + o);
        const uint8_t * q = reinterpret_cast<const uint8_t *>(&raw);
        const int shift = (s & 1) * 4;
        const float ds = d * (float)scale, dm = dmin * (float)mn;
#pragma unroll
        for (int i = 0; i < 8; ++i) w[i] = ds * (float)((q[i] >> shift) & 0xF) - dm;
    }
};

// ql[128] (low 4 bits), qh[64] (high 2 bits), int8 scales[16], d (f16); q - 32.
template <> struct Fmt<T_Q6_K> {
    static constexpr int kElems = 256, kBytes = 210;
    __host__ __device__ static void chunk(const uint8_t * b, int j, float w[8]) {
        const int e0 = j * 8, h = e0 / 128, r = e0 % 128, qd = r / 32, l0 = r % 32;
        uint8_t ql[8], qh[8];
        load8(b + h * 64 + l0 + (qd & 1) * 32, ql);
        load8(b + 128 + h * 32 + l0, qh);
        const float d = half_at(b + 208) * (float)(int8_t)b[192 + h * 8 + l0 / 16 + 2 * qd];
        const int lshift = (qd >> 1) * 4, hshift = 2 * qd;
#pragma unroll
        for (int i = 0; i < 8; ++i) {
            const int q = ((ql[i] >> lshift) & 0xF) | (((qh[i] >> hshift) & 3) << 4);
            w[i] = d * (float)(q - 32);
        }
    }
};

} // namespace hearth::cuda
