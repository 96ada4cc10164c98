// Quantized block layouts, bit-compatible with GGUF / ggml. Each format is
// defined here once; sizes are checked against the type table's geometry.
//
// Element order inside a block is the format's, not memory order: see the
// dequantizers in quants-ref.cpp for where element e of a block lives.
#pragma once

#include <cstdint>

namespace hearth {

constexpr int QK = 32;     // legacy quants: elements per block
constexpr int QK_K = 256;  // K-quants: elements per super-block

// d * (q - 8), q a nibble; qs[j] holds element j (low) and j + 16 (high).
struct BlockQ4_0 { uint16_t d; uint8_t qs[QK / 2]; };
// d * q + m.
struct BlockQ4_1 { uint16_t d; uint16_t m; uint8_t qs[QK / 2]; };
// d * (q - 16); bit 4 of element j is bit j of qh (little-endian u32).
struct BlockQ5_0 { uint16_t d; uint8_t qh[4]; uint8_t qs[QK / 2]; };
// d * q + m, 5-bit q as in Q5_0.
struct BlockQ5_1 { uint16_t d; uint16_t m; uint8_t qh[4]; uint8_t qs[QK / 2]; };
// d * q.
struct BlockQ8_0 { uint16_t d; int8_t qs[QK]; };
// Activation partner of Q4_1 / Q5_1: s = d * sum(qs) carries the min term.
struct BlockQ8_1 { uint16_t d; uint16_t s; int8_t qs[QK]; };

// 16 sub-blocks of 16: d * (scales[i] & 15) * q - dmin * (scales[i] >> 4), q 2 bits.
struct BlockQ2_K {
    uint8_t scales[QK_K / 16];
    uint8_t qs[QK_K / 4];
    uint16_t d;
    uint16_t dmin;
};
// 16 sub-blocks of 16, 6-bit signed scales packed in 12 bytes, q = 2 low bits
// + 1 high bit in hmask (q - 4 when the high bit is clear).
struct BlockQ3_K {
    uint8_t hmask[QK_K / 8];
    uint8_t qs[QK_K / 4];
    uint8_t scales[12];
    uint16_t d;
};
// 8 sub-blocks of 32, 6-bit scale and min each packed in 12 bytes, 4-bit q.
struct BlockQ4_K {
    uint16_t d;
    uint16_t dmin;
    uint8_t scales[12];
    uint8_t qs[QK_K / 2];
};
// As Q4_K with a fifth bit per element in qh.
struct BlockQ5_K {
    uint16_t d;
    uint16_t dmin;
    uint8_t scales[12];
    uint8_t qh[QK_K / 8];
    uint8_t qs[QK_K / 2];
};
// 16 sub-blocks of 16, int8 scales, 6-bit q (4 low bits in ql, 2 in qh), q - 32.
struct BlockQ6_K {
    uint8_t ql[QK_K / 2];
    uint8_t qh[QK_K / 4];
    int8_t scales[QK_K / 16];
    uint16_t d;
};
// Non-linear 4-bit formats: a nibble indexes a 16-entry table of int8 values
// (laid out as Q4_0: qs[j] holds element j (low) and j + 16 (high)).
// IQ4_NL: d * IQ4_NL_VALUES[q].
struct BlockIQ4_NL { uint16_t d; uint8_t qs[QK / 2]; };
// 8 sub-blocks of 32, each an IQ4_NL block without its own d: sub-block ib
// has the 6-bit scale ls = (nibble ib%2 of scales_l[ib/2]) | (bits 2ib..2ib+1
// of scales_h) << 4, and element value d * (ls - 32) * IQ4_NL_VALUES[q].
struct BlockIQ4_XS {
    uint16_t d;
    uint16_t scales_h;
    uint8_t scales_l[QK_K / 64];
    uint8_t qs[QK_K / 2];
};
// OCP microscaling FP4: e is an E8M0 power of two 2^(e - 127), q an E2M1 code.
// The table holds the E2M1 values doubled (integers), so the block scale
// applied to it is 2^(e - 128) (fp16.h: e8m0_half_to_f32).
struct BlockMXFP4 { uint8_t e; uint8_t qs[QK / 2]; };

// The IQ4_NL (and IQ4_XS) value of each nibble: a non-uniform grid, denser near 0.
constexpr int8_t IQ4_NL_VALUES[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};
// E2M1 (sign, 2-bit exponent, 1-bit mantissa) values x 2: 0 0.5 1 1.5 2 3 4 6, then negated.
constexpr int8_t MXFP4_VALUES[16] = {0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12};

// Activation partner of the K-quants: f32 scale, bsums = sums of 16 qs each.
struct BlockQ8_K {
    float d;
    int8_t qs[QK_K];
    int16_t bsums[QK_K / 16];
};

static_assert(sizeof(BlockQ4_0) == 18, "Q4_0 block");
static_assert(sizeof(BlockQ4_1) == 20, "Q4_1 block");
static_assert(sizeof(BlockQ5_0) == 22, "Q5_0 block");
static_assert(sizeof(BlockQ5_1) == 24, "Q5_1 block");
static_assert(sizeof(BlockQ8_0) == 34, "Q8_0 block");
static_assert(sizeof(BlockQ8_1) == 36, "Q8_1 block");
static_assert(sizeof(BlockQ2_K) == 84, "Q2_K block");
static_assert(sizeof(BlockQ3_K) == 110, "Q3_K block");
static_assert(sizeof(BlockQ4_K) == 144, "Q4_K block");
static_assert(sizeof(BlockQ5_K) == 176, "Q5_K block");
static_assert(sizeof(BlockQ6_K) == 210, "Q6_K block");
static_assert(sizeof(BlockQ8_K) == 292, "Q8_K block");
static_assert(sizeof(BlockIQ4_NL) == 18, "IQ4_NL block");
static_assert(sizeof(BlockIQ4_XS) == 136, "IQ4_XS block");
static_assert(sizeof(BlockMXFP4) == 17, "MXFP4 block");

} // namespace hearth
