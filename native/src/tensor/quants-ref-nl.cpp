// Reference (de)quantizers of the non-linear 4-bit formats: a nibble picks
// one of 16 fixed values (tensor/blocks.h), times the block's scale.
//
// Dequantizers compute exactly what ggml's do (same products in the same
// order), so a file decodes bit-identically. The quantizers are our own and
// simpler than llama.cpp's (no importance weights): per block, a handful of
// candidate scales around the one that maps the largest magnitude onto the
// table's end; each value goes to its nearest table entry, and the candidate
// with the least squared error wins.
#include "tensor/quants-ref-nl.h"

#include <cmath>
#include <cstring>

#include "tensor/fp16.h"

namespace hearth {

namespace {

// Candidates per sign family: scales (1 + STEP * i) times the base, |i| <= SPAN.
constexpr int SCALE_SPAN = 10;
constexpr float SCALE_STEP = 0.02f;

inline int nearest_int(float v) { return (int)std::nearbyintf(v); }

// Index of the IQ4_NL value nearest to v (the table is ascending; ties go low).
inline int iq4_nearest(float v) {
    int lo = 0, hi = 15;
    while (hi - lo > 1) {
        const int mid = (lo + hi) / 2;
        if (v < IQ4_NL_VALUES[mid]) hi = mid; else lo = mid;
    }
    return v - IQ4_NL_VALUES[lo] <= IQ4_NL_VALUES[hi] - v ? lo : hi;
}

// Scale for n (<= 32) values on the IQ4_NL grid, least squared error over candidates
// of both signs (the grid is asymmetric: -127 .. 113); L gets the indices for
// the returned scale as it will be used (the caller rounds it further when it
// stores it, and re-picks L then).
float iq4_best_scale(const float * x, int n, uint8_t * L) {
    float amax = 0.0f, max = 0.0f;
    for (int i = 0; i < n; ++i) {
        if (std::fabs(x[i]) > amax) { amax = std::fabs(x[i]); max = x[i]; }
    }
    if (amax == 0.0f) {
        for (int i = 0; i < n; ++i) L[i] = (uint8_t)iq4_nearest(0.0f);
        return 0.0f;
    }
    float best_d = 0.0f, best_err = INFINITY;
    uint8_t Lc[32];
    const float bases[2] = {max / IQ4_NL_VALUES[0], max / IQ4_NL_VALUES[15]};  // max onto -127, or onto 113
    for (const float base : bases) {
        for (int is = -SCALE_SPAN; is <= SCALE_SPAN; ++is) {
            const float id = 1.0f / (base * (1.0f + SCALE_STEP * is));
            float sxv = 0.0f, svv = 0.0f;
            for (int i = 0; i < n; ++i) {
                Lc[i] = (uint8_t)iq4_nearest(x[i] * id);
                const float v = IQ4_NL_VALUES[Lc[i]];
                sxv += x[i] * v;
                svv += v * v;
            }
            // The best scale for these indices, and its error Σx² - (Σxv)²/Σv²
            // (Σx² is common to all candidates, so only the second term ranks them).
            if (svv <= 0.0f) continue;
            const float err = -sxv * sxv / svv;
            if (err < best_err) {
                best_err = err;
                best_d = sxv / svv;
                std::memcpy(L, Lc, (size_t)n);
            }
        }
    }
    return best_d;
}

// The indices of x[n] / d on the IQ4_NL grid (all the zero-nearest entry when d is 0).
void iq4_assign(const float * x, int n, float d, uint8_t * L) {
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    for (int i = 0; i < n; ++i) L[i] = (uint8_t)iq4_nearest(x[i] * id);
}

// Nibbles of 32 indices in the Q4_0 layout: qs[j] = L[j] | L[j + 16] << 4.
void pack_nibbles(const uint8_t * L, uint8_t * qs) {
    for (int j = 0; j < QK / 2; ++j) qs[j] = (uint8_t)(L[j] | (L[j + QK / 2] << 4));
}

// Nearest MXFP4 code to v: sign bit 3, magnitude the nearest of the doubled
// E2M1 values 0 1 2 3 4 6 8 12 (ties go to the smaller magnitude).
inline int mxfp4_nearest(float v) {
    const float a = std::fabs(v);
    int best = 0;
    for (int c = 1; c < 8; ++c) {
        if (std::fabs(a - MXFP4_VALUES[c]) < std::fabs(a - MXFP4_VALUES[best])) best = c;
    }
    return best | (v < 0.0f && best ? 8 : 0);
}

} // namespace

void quantize_iq4_nl(const float * x, BlockIQ4_NL * y, int64_t nb) {
    uint8_t L[QK];
    for (int64_t i = 0; i < nb; ++i, x += QK) {
        const float d = iq4_best_scale(x, QK, L);
        y[i].d = fp16_from_f32(d);
        iq4_assign(x, QK, fp16_to_f32(y[i].d), L);
        pack_nibbles(L, y[i].qs);
    }
}

void dequantize_iq4_nl(const BlockIQ4_NL * x, float * y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, y += QK) {
        const float d = fp16_to_f32(x[i].d);
        for (int j = 0; j < QK / 2; ++j) {
            y[j] = d * IQ4_NL_VALUES[x[i].qs[j] & 0xf];
            y[j + QK / 2] = d * IQ4_NL_VALUES[x[i].qs[j] >> 4];
        }
    }
}

// Each sub-block's best scale first, then the super-block d that maps the
// largest-magnitude one onto -32 (6-bit codes hold -32..31), then every
// sub-block's code (rounding can pick a worse one than its neighbour) and
// its quants against the scale it really gets.
void quantize_iq4_xs(const float * x, BlockIQ4_XS * y, int64_t nb) {
    uint8_t L[32], Lc[32];
    float scales[QK_K / 32];
    for (int64_t i = 0; i < nb; ++i, x += QK_K) {
        float amax = 0.0f, max = 0.0f;
        for (int ib = 0; ib < QK_K / 32; ++ib) {
            scales[ib] = iq4_best_scale(x + 32 * ib, 32, L);
            if (std::fabs(scales[ib]) > amax) { amax = std::fabs(scales[ib]); max = scales[ib]; }
        }
        std::memset(&y[i], 0, sizeof(y[i]));
        y[i].d = fp16_from_f32(max / -32.0f);
        const float d = fp16_to_f32(y[i].d);
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        for (int ib = 0; ib < QK_K / 32; ++ib) {
            // The nearest 6-bit code and its neighbours: whichever leaves the
            // least error once the quants are re-picked for it.
            const int l0 = nearest_int(scales[ib] * id);
            int best_l = 0;
            float best_err = INFINITY;
            for (int l = l0 - 1; l <= l0 + 1; ++l) {
                if (l < -32 || l > 31) continue;
                iq4_assign(x + 32 * ib, 32, d * l, Lc);
                float err = 0.0f;
                for (int j = 0; j < 32; ++j) {
                    const float diff = x[32 * ib + j] - d * l * IQ4_NL_VALUES[Lc[j]];
                    err += diff * diff;
                }
                if (err < best_err) {
                    best_err = err;
                    best_l = l;
                    std::memcpy(L, Lc, 32);
                }
            }
            const int code = best_l + 32;
            y[i].scales_l[ib / 2] |= (uint8_t)((code & 0xf) << (4 * (ib % 2)));
            y[i].scales_h |= (uint16_t)((code >> 4) << (2 * ib));
            pack_nibbles(L, y[i].qs + 16 * ib);
        }
    }
}

void dequantize_iq4_xs(const BlockIQ4_XS * x, float * y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i) {
        const float d = fp16_to_f32(x[i].d);
        for (int ib = 0; ib < QK_K / 32; ++ib, y += 32) {
            const int ls = ((x[i].scales_l[ib / 2] >> (4 * (ib % 2))) & 0xf) | (((x[i].scales_h >> (2 * ib)) & 3) << 4);
            const float dl = d * (ls - 32);
            const uint8_t * qs = x[i].qs + 16 * ib;
            for (int j = 0; j < 16; ++j) {
                y[j] = dl * IQ4_NL_VALUES[qs[j] & 0xf];
                y[j + 16] = dl * IQ4_NL_VALUES[qs[j] >> 4];
            }
        }
    }
}

// The exponent whose doubled-E2M1 grid puts the largest magnitude at 12 (6 in
// E2M1), and the one below it (clipping the largest to win resolution
// elsewhere); whichever fits the block better.
void quantize_mxfp4(const float * x, BlockMXFP4 * y, int64_t nb) {
    uint8_t L[QK];
    for (int64_t i = 0; i < nb; ++i, x += QK) {
        float amax = 0.0f;
        for (int j = 0; j < QK; ++j) amax = std::fabs(x[j]) > amax ? std::fabs(x[j]) : amax;
        // 2^(e - 128) * 12 >= amax; amax 0 (or below the smallest scale) gives e = 0.
        int e0 = amax > 0.0f ? 128 + (int)std::ceil(std::log2(amax / 12.0f)) : 0;
        e0 = e0 < 0 ? 0 : e0 > 254 ? 254 : e0;
        float best_err = INFINITY;
        for (int e = e0; e >= e0 - 1 && e >= 0; --e) {
            const float d = e8m0_half_to_f32((uint8_t)e);
            float err = 0.0f;
            uint8_t Lc[QK];
            for (int j = 0; j < QK; ++j) {
                Lc[j] = (uint8_t)mxfp4_nearest(x[j] / d);
                const float diff = x[j] - d * MXFP4_VALUES[Lc[j]];
                err += diff * diff;
            }
            if (err < best_err) {
                best_err = err;
                y[i].e = (uint8_t)e;
                std::memcpy(L, Lc, QK);
            }
        }
        pack_nibbles(L, y[i].qs);
    }
}

void dequantize_mxfp4(const BlockMXFP4 * x, float * y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, y += QK) {
        const float d = e8m0_half_to_f32(x[i].e);
        for (int j = 0; j < QK / 2; ++j) {
            y[j] = MXFP4_VALUES[x[i].qs[j] & 0xf] * d;
            y[j + QK / 2] = MXFP4_VALUES[x[i].qs[j] >> 4] * d;
        }
    }
}

} // namespace hearth
