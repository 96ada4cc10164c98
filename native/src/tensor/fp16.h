// Scalar f16 / bf16 <-> f32 conversions, round-to-nearest-even, bit-exact
// with IEEE 754 binary16 and with ggml's bf16 rounding (NaN stays quiet NaN);
// and MXFP4's E8M0 block scale.
//
// Functions are static inline on purpose: every ISA translation unit gets its
// own private copy, so the linker can never merge an AVX-512-compiled copy
// into baseline code (COMDAT folding of ordinary inline functions would).
#pragma once

#include <cstdint>
#include <cstring>

namespace hearth {

static inline uint32_t fp_bits_of(float f) { uint32_t u; std::memcpy(&u, &f, 4); return u; }
static inline float fp_float_of(uint32_t u) { float f; std::memcpy(&f, &u, 4); return f; }

static inline float fp16_to_f32(uint16_t h) {
    const uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    const uint32_t exp = (h >> 10) & 0x1f;
    const uint32_t man = h & 0x3ff;
    if (exp == 0x1f) {  // inf, or nan made quiet (as F16C hardware and ggml do)
        return fp_float_of(sign | 0x7f800000u | (man << 13) | (man ? 0x400000u : 0));
    }
    if (exp == 0) {
        if (man == 0) return fp_float_of(sign);
        // subnormal: man * 2^-24, exact in f32
        const float v = (float)man * (1.0f / 16777216.0f);
        return sign ? -v : v;
    }
    return fp_float_of(sign | ((exp + 112) << 23) | (man << 13));
}

static inline uint16_t fp16_from_f32(float f) {
    const uint32_t u = fp_bits_of(f);
    const uint16_t sign = (uint16_t)((u >> 16) & 0x8000);
    const uint32_t a = u & 0x7fffffffu;
    if (a >= 0x7f800000u) {  // inf or nan: keep nan quiet and non-zero
        return (uint16_t)(sign | 0x7c00 | (a > 0x7f800000u ? (0x200 | ((a >> 13) & 0x3ff)) : 0));
    }
    if (a >= 0x477ff000u) return (uint16_t)(sign | 0x7c00);  // rounds to >= 65520: inf
    if (a < 0x38800000u) {  // below the smallest normal half (2^-14): subnormal or zero
        if (a < 0x33000000u) return sign;  // below half of the smallest subnormal (2^-25)
        const uint32_t e = a >> 23;
        const uint32_t m = (a & 0x7fffff) | 0x800000;
        const uint32_t shift = 126 - e;  // 14 + (113 - e) - ... : value = m * 2^(e-150), target unit 2^-24
        uint32_t q = m >> shift;
        const uint32_t rem = m & ((1u << shift) - 1);
        const uint32_t half = 1u << (shift - 1);
        if (rem > half || (rem == half && (q & 1))) ++q;
        return (uint16_t)(sign | q);
    }
    uint32_t r = a - 0x38000000u;  // rebias exponent 127 -> 15 (in the top bits)
    r += 0xfff + ((r >> 13) & 1);  // round to nearest even on the 13 dropped bits
    return (uint16_t)(sign | (r >> 13));
}

static inline float bf16_to_f32(uint16_t h) { return fp_float_of((uint32_t)h << 16); }

static inline uint16_t bf16_from_f32(float f) {
    const uint32_t u = fp_bits_of(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 64);  // quiet nan
    return (uint16_t)((u + (0x7fff + ((u >> 16) & 1))) >> 16);
}

// Half of an E8M0 scale, 2^(e - 128): MXFP4 blocks multiply it with their
// doubled E2M1 table. e = 0 and 1 give the subnormals 2^-128 and 2^-127;
// e = 255 (E8M0's NaN) is read as 2^127, as ggml does.
static inline float e8m0_half_to_f32(uint8_t e) {
    return e < 2 ? fp_float_of(0x00200000u << e) : fp_float_of((uint32_t)(e - 1) << 23);
}

} // namespace hearth
