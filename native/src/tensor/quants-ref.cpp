#include "tensor/quants-ref.h"

#include <cmath>
#include <cstring>

#include "common/status.h"
#include "tensor/blocks.h"
#include "tensor/fp16.h"
#include "tensor/quants-ref-nl.h"

namespace hearth {

namespace {

constexpr float GROUP_MAX_EPS = 1e-15f;

// Round half to even (ggml's nearest_int does the same via a float trick).
inline int nearest_int(float v) { return (int)std::nearbyintf(v); }
inline int clamp_int(int v, int lo, int hi) { return v < lo ? lo : (v > hi ? hi : v); }
inline float f16(uint16_t h) { return fp16_to_f32(h); }
inline uint16_t to_f16(float f) { return fp16_from_f32(f); }

// ---------------------------------------------------------------- legacy quants

void quantize_q4_0(const float * x, BlockQ4_0 * y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, x += QK) {
        float amax = 0.0f, max = 0.0f;
        for (int j = 0; j < QK; ++j) {
            if (std::fabs(x[j]) > amax) { amax = std::fabs(x[j]); max = x[j]; }
        }
        const float d = max / -8.0f;
        const float id = d ? 1.0f / d : 0.0f;
        y[i].d = to_f16(d);
        for (int j = 0; j < QK / 2; ++j) {
            const int q0 = clamp_int((int8_t)(x[j] * id + 8.5f), 0, 15);
            const int q1 = clamp_int((int8_t)(x[j + QK / 2] * id + 8.5f), 0, 15);
            y[i].qs[j] = (uint8_t)(q0 | (q1 << 4));
        }
    }
}

void dequantize_q4_0(const BlockQ4_0 * x, float * y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, y += QK) {
        const float d = f16(x[i].d);
        for (int j = 0; j < QK / 2; ++j) {
            y[j] = ((x[i].qs[j] & 0xf) - 8) * d;
            y[j + QK / 2] = ((x[i].qs[j] >> 4) - 8) * d;
        }
    }
}

void quantize_q4_1(const float * x, BlockQ4_1 * y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, x += QK) {
        float min = INFINITY, max = -INFINITY;
        for (int j = 0; j < QK; ++j) { min = x[j] < min ? x[j] : min; max = x[j] > max ? x[j] : max; }
        const float d = (max - min) / 15.0f;
        const float id = d ? 1.0f / d : 0.0f;
        y[i].d = to_f16(d);
        y[i].m = to_f16(min);
        for (int j = 0; j < QK / 2; ++j) {
            const int q0 = clamp_int((int8_t)((x[j] - min) * id + 0.5f), 0, 15);
            const int q1 = clamp_int((int8_t)((x[j + QK / 2] - min) * id + 0.5f), 0, 15);
            y[i].qs[j] = (uint8_t)(q0 | (q1 << 4));
        }
    }
}

void dequantize_q4_1(const BlockQ4_1 * x, float * y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, y += QK) {
        const float d = f16(x[i].d), m = f16(x[i].m);
        for (int j = 0; j < QK / 2; ++j) {
            y[j] = (x[i].qs[j] & 0xf) * d + m;
            y[j + QK / 2] = (x[i].qs[j] >> 4) * d + m;
        }
    }
}

void quantize_q5_0(const float * x, BlockQ5_0 * y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, x += QK) {
        float amax = 0.0f, max = 0.0f;
        for (int j = 0; j < QK; ++j) {
            if (std::fabs(x[j]) > amax) { amax = std::fabs(x[j]); max = x[j]; }
        }
        const float d = max / -16.0f;
        const float id = d ? 1.0f / d : 0.0f;
        y[i].d = to_f16(d);
        uint32_t qh = 0;
        for (int j = 0; j < QK / 2; ++j) {
            const int q0 = clamp_int((int8_t)(x[j] * id + 16.5f), 0, 31);
            const int q1 = clamp_int((int8_t)(x[j + QK / 2] * id + 16.5f), 0, 31);
            y[i].qs[j] = (uint8_t)((q0 & 0xf) | ((q1 & 0xf) << 4));
            qh |= (uint32_t)((q0 >> 4) & 1) << j;
            qh |= (uint32_t)((q1 >> 4) & 1) << (j + QK / 2);
        }
        std::memcpy(y[i].qh, &qh, 4);
    }
}

void dequantize_q5_0(const BlockQ5_0 * x, float * y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, y += QK) {
        const float d = f16(x[i].d);
        uint32_t qh;
        std::memcpy(&qh, x[i].qh, 4);
        for (int j = 0; j < QK / 2; ++j) {
            const int q0 = (x[i].qs[j] & 0xf) | (((qh >> j) & 1) << 4);
            const int q1 = (x[i].qs[j] >> 4) | (((qh >> (j + QK / 2)) & 1) << 4);
            y[j] = (q0 - 16) * d;
            y[j + QK / 2] = (q1 - 16) * d;
        }
    }
}

void quantize_q5_1(const float * x, BlockQ5_1 * y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, x += QK) {
        float min = INFINITY, max = -INFINITY;
        for (int j = 0; j < QK; ++j) { min = x[j] < min ? x[j] : min; max = x[j] > max ? x[j] : max; }
        const float d = (max - min) / 31.0f;
        const float id = d ? 1.0f / d : 0.0f;
        y[i].d = to_f16(d);
        y[i].m = to_f16(min);
        uint32_t qh = 0;
        for (int j = 0; j < QK / 2; ++j) {
            const int q0 = (uint8_t)((x[j] - min) * id + 0.5f);
            const int q1 = (uint8_t)((x[j + QK / 2] - min) * id + 0.5f);
            y[i].qs[j] = (uint8_t)((q0 & 0xf) | ((q1 & 0xf) << 4));
            qh |= (uint32_t)((q0 >> 4) & 1) << j;
            qh |= (uint32_t)((q1 >> 4) & 1) << (j + QK / 2);
        }
        std::memcpy(y[i].qh, &qh, 4);
    }
}

void dequantize_q5_1(const BlockQ5_1 * x, float * y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, y += QK) {
        const float d = f16(x[i].d), m = f16(x[i].m);
        uint32_t qh;
        std::memcpy(&qh, x[i].qh, 4);
        for (int j = 0; j < QK / 2; ++j) {
            const int q0 = (x[i].qs[j] & 0xf) | (((qh >> j) & 1) << 4);
            const int q1 = (x[i].qs[j] >> 4) | (((qh >> (j + QK / 2)) & 1) << 4);
            y[j] = q0 * d + m;
            y[j + QK / 2] = q1 * d + m;
        }
    }
}

void quantize_q8_0(const float * x, BlockQ8_0 * y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, x += QK) {
        float amax = 0.0f;
        for (int j = 0; j < QK; ++j) amax = std::fabs(x[j]) > amax ? std::fabs(x[j]) : amax;
        const float d = amax / 127.0f;
        const float id = d ? 1.0f / d : 0.0f;
        y[i].d = to_f16(d);
        for (int j = 0; j < QK; ++j) y[i].qs[j] = (int8_t)std::roundf(x[j] * id);
    }
}

void dequantize_q8_0(const BlockQ8_0 * x, float * y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, y += QK) {
        const float d = f16(x[i].d);
        for (int j = 0; j < QK; ++j) y[j] = x[i].qs[j] * d;
    }
}

void quantize_q8_1(const float * x, BlockQ8_1 * y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, x += QK) {
        float amax = 0.0f;
        for (int j = 0; j < QK; ++j) amax = std::fabs(x[j]) > amax ? std::fabs(x[j]) : amax;
        const float d = amax / 127.0f;
        const float id = d ? 1.0f / d : 0.0f;
        y[i].d = to_f16(d);
        int sum = 0;
        for (int j = 0; j < QK; ++j) {
            y[i].qs[j] = (int8_t)std::roundf(x[j] * id);
            sum += y[i].qs[j];
        }
        y[i].s = to_f16(sum * d);
    }
}

void dequantize_q8_1(const BlockQ8_1 * x, float * y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, y += QK) {
        const float d = f16(x[i].d);
        for (int j = 0; j < QK; ++j) y[j] = x[i].qs[j] * d;
    }
}

// ---------------------------------------------------------------- K-quant searches

// Scale (returned) and min (-*the_min) for n values into [0, nmax], minimizing the
// weighted error over nstep candidate scales around nmax / (max - min).
float make_qkx2_quants(int n, int nmax, const float * x, const float * weights, uint8_t * L,
                       float * the_min, uint8_t * Laux, float rmin, float rdelta, int nstep, bool use_mad) {
    float min = x[0], max = x[0];
    float sum_w = weights[0], sum_x = sum_w * x[0];
    for (int i = 1; i < n; ++i) {
        if (x[i] < min) min = x[i];
        if (x[i] > max) max = x[i];
        const float w = weights[i];
        sum_w += w;
        sum_x += w * x[i];
    }
    if (min > 0) min = 0;
    if (max == min) {
        for (int i = 0; i < n; ++i) L[i] = 0;
        *the_min = -min;
        return 0.0f;
    }
    float iscale = nmax / (max - min);
    float scale = 1.0f / iscale;
    float best_error = 0;
    for (int i = 0; i < n; ++i) {
        const int l = clamp_int(nearest_int(iscale * (x[i] - min)), 0, nmax);
        L[i] = (uint8_t)l;
        float diff = scale * L[i] + min - x[i];
        diff = use_mad ? std::fabs(diff) : diff * diff;
        best_error += weights[i] * diff;
    }
    if (nstep < 1) {
        *the_min = -min;
        return scale;
    }
    for (int is = 0; is <= nstep; ++is) {
        iscale = (rmin + rdelta * is + nmax) / (max - min);
        float sum_l = 0, sum_l2 = 0, sum_xl = 0;
        for (int i = 0; i < n; ++i) {
            const int l = clamp_int(nearest_int(iscale * (x[i] - min)), 0, nmax);
            Laux[i] = (uint8_t)l;
            const float w = weights[i];
            sum_l += w * l;
            sum_l2 += w * l * l;
            sum_xl += w * l * x[i];
        }
        const float D = sum_w * sum_l2 - sum_l * sum_l;
        if (D > 0) {
            float this_scale = (sum_w * sum_xl - sum_x * sum_l) / D;
            float this_min = (sum_l2 * sum_x - sum_l * sum_xl) / D;
            if (this_min > 0) {
                this_min = 0;
                this_scale = sum_xl / sum_l2;
            }
            float err = 0;
            for (int i = 0; i < n; ++i) {
                float diff = this_scale * Laux[i] + this_min - x[i];
                diff = use_mad ? std::fabs(diff) : diff * diff;
                err += weights[i] * diff;
            }
            if (err < best_error) {
                for (int i = 0; i < n; ++i) L[i] = Laux[i];
                best_error = err;
                scale = this_scale;
                min = this_min;
            }
        }
    }
    *the_min = -min;
    return scale;
}

// Symmetric scale for n values into [-nmax, nmax-1] (L stores l + nmax),
// refined over 18 nearby scales with weights x^2 (rmse_type 1).
float make_qx_quants(int n, int nmax, const float * x, int8_t * L, int rmse_type) {
    float max = 0, amax = 0;
    for (int i = 0; i < n; ++i) {
        const float ax = std::fabs(x[i]);
        if (ax > amax) { amax = ax; max = x[i]; }
    }
    if (amax < GROUP_MAX_EPS) {
        for (int i = 0; i < n; ++i) L[i] = 0;
        return 0.0f;
    }
    float iscale = -nmax / max;
    if (rmse_type == 0) {
        for (int i = 0; i < n; ++i) L[i] = (int8_t)(nmax + clamp_int(nearest_int(iscale * x[i]), -nmax, nmax - 1));
        return 1 / iscale;
    }
    auto weight = [rmse_type](float v) {
        return rmse_type == 1 ? v * v : rmse_type == 2 ? 1.0f : rmse_type == 3 ? std::fabs(v) : std::sqrt(std::fabs(v));
    };
    float sumlx = 0, suml2 = 0;
    for (int i = 0; i < n; ++i) {
        const int l = clamp_int(nearest_int(iscale * x[i]), -nmax, nmax - 1);
        L[i] = (int8_t)(l + nmax);
        const float w = weight(x[i]);
        sumlx += w * x[i] * l;
        suml2 += w * l * l;
    }
    float scale = suml2 ? sumlx / suml2 : 0.0f;
    float best = scale * sumlx;
    for (int is = -9; is <= 9; ++is) {
        if (is == 0) continue;
        iscale = -(nmax + 0.1f * is) / max;
        sumlx = suml2 = 0;
        for (int i = 0; i < n; ++i) {
            const int l = clamp_int(nearest_int(iscale * x[i]), -nmax, nmax - 1);
            const float w = weight(x[i]);
            sumlx += w * x[i] * l;
            suml2 += w * l * l;
        }
        if (suml2 > 0 && sumlx * sumlx > best * suml2) {
            for (int i = 0; i < n; ++i) L[i] = (int8_t)(nmax + clamp_int(nearest_int(iscale * x[i]), -nmax, nmax - 1));
            scale = sumlx / suml2;
            best = scale * sumlx;
        }
    }
    return scale;
}

// Q3_K's search: start from round-to-nearest, then move single elements while
// the weighted (x^2) fit improves, at most 5 passes. L stores l + nmax.
float make_q3_quants(int n, int nmax, const float * x, int8_t * L) {
    float max = 0, amax = 0;
    for (int i = 0; i < n; ++i) {
        const float ax = std::fabs(x[i]);
        if (ax > amax) { amax = ax; max = x[i]; }
    }
    if (amax < GROUP_MAX_EPS) {
        for (int i = 0; i < n; ++i) L[i] = 0;
        return 0.0f;
    }
    const float iscale = -nmax / max;
    float sumlx = 0, suml2 = 0;
    for (int i = 0; i < n; ++i) {
        const int l = clamp_int(nearest_int(iscale * x[i]), -nmax, nmax - 1);
        L[i] = (int8_t)l;
        const float w = x[i] * x[i];
        sumlx += w * x[i] * l;
        suml2 += w * l * l;
    }
    for (int itry = 0; itry < 5; ++itry) {
        int n_changed = 0;
        for (int i = 0; i < n; ++i) {
            const float w = x[i] * x[i];
            float slx = sumlx - w * x[i] * L[i];
            if (slx > 0) {
                float sl2 = suml2 - w * L[i] * L[i];
                const int new_l = clamp_int(nearest_int(x[i] * sl2 / slx), -nmax, nmax - 1);
                if (new_l != L[i]) {
                    slx += w * x[i] * new_l;
                    sl2 += w * new_l * new_l;
                    if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
                        L[i] = (int8_t)new_l;
                        sumlx = slx;
                        suml2 = sl2;
                        ++n_changed;
                    }
                }
            }
        }
        if (!n_changed) break;
    }
    for (int i = 0; i < n; ++i) L[i] = (int8_t)(L[i] + nmax);
    return sumlx / suml2;
}

// Q4_K / Q5_K scale j and min j (6 bits each) from the 12 packed bytes.
inline void get_scale_min_k4(int j, const uint8_t * q, int * d, int * m) {
    if (j < 4) {
        *d = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *d = (q[j + 4] & 0xf) | ((q[j - 4] >> 6) << 4);
        *m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

// ---------------------------------------------------------------- K-quants

void quantize_q2_k(const float * x, BlockQ2_K * y, int64_t nb) {
    uint8_t L[QK_K], Laux[16];
    float weights[16], mins[QK_K / 16], scales[QK_K / 16];
    const float q4scale = 15.0f;
    for (int64_t i = 0; i < nb; ++i, x += QK_K) {
        float max_scale = 0, max_min = 0;
        for (int j = 0; j < QK_K / 16; ++j) {
            for (int l = 0; l < 16; ++l) weights[l] = std::fabs(x[16 * j + l]);
            scales[j] = make_qkx2_quants(16, 3, x + 16 * j, weights, L + 16 * j, &mins[j], Laux, -0.5f, 0.1f, 15, true);
            if (scales[j] > max_scale) max_scale = scales[j];
            if (mins[j] > max_min) max_min = mins[j];
        }
        if (max_scale > 0) {
            const float iscale = q4scale / max_scale;
            for (int j = 0; j < QK_K / 16; ++j) y[i].scales[j] = (uint8_t)nearest_int(iscale * scales[j]);
            y[i].d = to_f16(max_scale / q4scale);
        } else {
            for (int j = 0; j < QK_K / 16; ++j) y[i].scales[j] = 0;
            y[i].d = to_f16(0.0f);
        }
        if (max_min > 0) {
            const float iscale = q4scale / max_min;
            for (int j = 0; j < QK_K / 16; ++j) y[i].scales[j] |= (uint8_t)(nearest_int(iscale * mins[j]) << 4);
            y[i].dmin = to_f16(max_min / q4scale);
        } else {
            y[i].dmin = to_f16(0.0f);
        }
        for (int j = 0; j < QK_K / 16; ++j) {
            const float d = f16(y[i].d) * (y[i].scales[j] & 0xf);
            if (!d) continue;
            const float dm = f16(y[i].dmin) * (y[i].scales[j] >> 4);
            for (int ii = 0; ii < 16; ++ii) L[16 * j + ii] = (uint8_t)clamp_int(nearest_int((x[16 * j + ii] + dm) / d), 0, 3);
        }
        for (int j = 0; j < QK_K; j += 128) {
            for (int l = 0; l < 32; ++l) {
                y[i].qs[j / 4 + l] = (uint8_t)(L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
            }
        }
    }
}

// Element e of a K-quant block with 2-bit planes: byte 32*(e/128) + e%32, shift 2*((e/32)%4).
void dequantize_q2_k(const BlockQ2_K * x, float * y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, y += QK_K) {
        const float d = f16(x[i].d), dmin = f16(x[i].dmin);
        for (int e = 0; e < QK_K; ++e) {
            const uint8_t sc = x[i].scales[e / 16];
            const int q = (x[i].qs[32 * (e / 128) + e % 32] >> (2 * ((e / 32) % 4))) & 3;
            y[e] = d * (sc & 0xf) * q - dmin * (sc >> 4);
        }
    }
}

void quantize_q3_k(const float * x, BlockQ3_K * y, int64_t nb) {
    int8_t L[QK_K];
    float scales[QK_K / 16];
    for (int64_t i = 0; i < nb; ++i, x += QK_K) {
        float max_scale = 0, amax = 0;
        for (int j = 0; j < QK_K / 16; ++j) {
            scales[j] = make_q3_quants(16, 4, x + 16 * j, L + 16 * j);
            const float scale = std::fabs(scales[j]);
            if (scale > amax) { amax = scale; max_scale = scales[j]; }
        }
        std::memset(y[i].scales, 0, 12);
        if (max_scale) {
            const float iscale = -32.0f / max_scale;
            for (int j = 0; j < QK_K / 16; ++j) {
                int l = clamp_int(nearest_int(iscale * scales[j]), -32, 31) + 32;
                if (j < 8) y[i].scales[j] = (uint8_t)(l & 0xf);
                else y[i].scales[j - 8] |= (uint8_t)((l & 0xf) << 4);
                l >>= 4;
                y[i].scales[j % 4 + 8] |= (uint8_t)(l << (2 * (j / 4)));
            }
            y[i].d = to_f16(1 / iscale);
        } else {
            y[i].d = to_f16(0.0f);
        }
        for (int j = 0; j < QK_K / 16; ++j) {
            const int lo = j < 8 ? y[i].scales[j] & 0xf : y[i].scales[j - 8] >> 4;
            const int sc = (lo | (((y[i].scales[8 + j % 4] >> (2 * (j / 4))) & 3) << 4)) - 32;
            const float d = f16(y[i].d) * sc;
            if (!d) continue;
            for (int ii = 0; ii < 16; ++ii) L[16 * j + ii] = (int8_t)(clamp_int(nearest_int(x[16 * j + ii] / d), -4, 3) + 4);
        }
        std::memset(y[i].hmask, 0, sizeof(y[i].hmask));
        for (int e = 0; e < QK_K; ++e) {
            if (L[e] > 3) {
                y[i].hmask[e % 32] |= (uint8_t)(1 << (e / 32));
                L[e] -= 4;
            }
        }
        for (int j = 0; j < QK_K; j += 128) {
            for (int l = 0; l < 32; ++l) {
                y[i].qs[j / 4 + l] = (uint8_t)(L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
            }
        }
    }
}

void dequantize_q3_k(const BlockQ3_K * x, float * y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, y += QK_K) {
        const float d = f16(x[i].d);
        for (int e = 0; e < QK_K; ++e) {
            const int j = e / 16;
            const int lo = j < 8 ? x[i].scales[j] & 0xf : x[i].scales[j - 8] >> 4;
            const int sc = (lo | (((x[i].scales[8 + j % 4] >> (2 * (j / 4))) & 3) << 4)) - 32;
            const int q = (x[i].qs[32 * (e / 128) + e % 32] >> (2 * ((e / 32) % 4))) & 3;
            const int h = (x[i].hmask[e % 32] >> (e / 32)) & 1;
            y[e] = d * sc * (q - (h ? 0 : 4));
        }
    }
}

// Shared by Q4_K (nmax 15) and Q5_K (nmax 31): per 32-element sub-block
// scale/min with weights av_x + |x|, then 6-bit scale and min codes.
void quantize_k_scales_mins(const float * x, int nmax, float rmin, int nstep, uint8_t * L,
                            uint8_t * packed, uint16_t * d_out, uint16_t * dmin_out) {
    uint8_t Laux[32];
    float weights[32], mins[QK_K / 32], scales[QK_K / 32];
    float max_scale = 0, max_min = 0;
    for (int j = 0; j < QK_K / 32; ++j) {
        float sum_x2 = 0;
        for (int l = 0; l < 32; ++l) sum_x2 += x[32 * j + l] * x[32 * j + l];
        const float av_x = std::sqrt(sum_x2 / 32);
        for (int l = 0; l < 32; ++l) weights[l] = av_x + std::fabs(x[32 * j + l]);
        scales[j] = make_qkx2_quants(32, nmax, x + 32 * j, weights, L + 32 * j, &mins[j], Laux, rmin, 0.1f, nstep, false);
        if (scales[j] > max_scale) max_scale = scales[j];
        if (mins[j] > max_min) max_min = mins[j];
    }
    const float inv_scale = max_scale > 0 ? 63.0f / max_scale : 0.0f;
    const float inv_min = max_min > 0 ? 63.0f / max_min : 0.0f;
    for (int j = 0; j < QK_K / 32; ++j) {
        int ls = nearest_int(inv_scale * scales[j]);
        int lm = nearest_int(inv_min * mins[j]);
        ls = ls < 63 ? ls : 63;
        lm = lm < 63 ? lm : 63;
        if (j < 4) {
            packed[j] = (uint8_t)ls;
            packed[j + 4] = (uint8_t)lm;
        } else {
            packed[j + 4] = (uint8_t)((ls & 0xf) | ((lm & 0xf) << 4));
            packed[j - 4] |= (uint8_t)((ls >> 4) << 6);
            packed[j] |= (uint8_t)((lm >> 4) << 6);
        }
    }
    *d_out = to_f16(max_scale / 63.0f);
    *dmin_out = to_f16(max_min / 63.0f);
    for (int j = 0; j < QK_K / 32; ++j) {
        int sc, m;
        get_scale_min_k4(j, packed, &sc, &m);
        const float d = f16(*d_out) * sc;
        if (!d) continue;
        const float dm = f16(*dmin_out) * m;
        for (int ii = 0; ii < 32; ++ii) L[32 * j + ii] = (uint8_t)clamp_int(nearest_int((x[32 * j + ii] + dm) / d), 0, nmax);
    }
}

void quantize_q4_k(const float * x, BlockQ4_K * y, int64_t nb) {
    uint8_t L[QK_K];
    for (int64_t i = 0; i < nb; ++i, x += QK_K) {
        quantize_k_scales_mins(x, 15, -1.0f, 20, L, y[i].scales, &y[i].d, &y[i].dmin);
        for (int j = 0; j < QK_K; j += 64) {
            for (int l = 0; l < 32; ++l) y[i].qs[j / 2 + l] = (uint8_t)(L[j + l] | (L[j + l + 32] << 4));
        }
    }
}

// Element e: byte 32*(e/64) + e%32, high nibble when (e/32) is odd; sub-block e/32.
void dequantize_q4_k(const BlockQ4_K * x, float * y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, y += QK_K) {
        const float d = f16(x[i].d), dmin = f16(x[i].dmin);
        for (int e = 0; e < QK_K; ++e) {
            int sc, m;
            get_scale_min_k4(e / 32, x[i].scales, &sc, &m);
            const uint8_t b = x[i].qs[32 * (e / 64) + e % 32];
            const int q = ((e / 32) & 1) ? b >> 4 : b & 0xf;
            y[e] = d * sc * q - dmin * m;
        }
    }
}

void quantize_q5_k(const float * x, BlockQ5_K * y, int64_t nb) {
    uint8_t L[QK_K];
    for (int64_t i = 0; i < nb; ++i, x += QK_K) {
        quantize_k_scales_mins(x, 31, -0.5f, 15, L, y[i].scales, &y[i].d, &y[i].dmin);
        std::memset(y[i].qh, 0, sizeof(y[i].qh));
        for (int e = 0; e < QK_K; ++e) {
            if (L[e] > 15) y[i].qh[e % 32] |= (uint8_t)(1 << (e / 32));
        }
        for (int j = 0; j < QK_K; j += 64) {
            for (int l = 0; l < 32; ++l) {
                y[i].qs[j / 2 + l] = (uint8_t)((L[j + l] & 0xf) | ((L[j + l + 32] & 0xf) << 4));
            }
        }
    }
}

void dequantize_q5_k(const BlockQ5_K * x, float * y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, y += QK_K) {
        const float d = f16(x[i].d), dmin = f16(x[i].dmin);
        for (int e = 0; e < QK_K; ++e) {
            int sc, m;
            get_scale_min_k4(e / 32, x[i].scales, &sc, &m);
            const uint8_t b = x[i].qs[32 * (e / 64) + e % 32];
            const int q = (((e / 32) & 1) ? b >> 4 : b & 0xf) | (((x[i].qh[e % 32] >> (e / 32)) & 1) << 4);
            y[e] = d * sc * q - dmin * m;
        }
    }
}

void quantize_q6_k(const float * x, BlockQ6_K * y, int64_t nb) {
    int8_t L[QK_K];
    float scales[QK_K / 16];
    for (int64_t i = 0; i < nb; ++i, x += QK_K) {
        float max_scale = 0, max_abs_scale = 0;
        for (int ib = 0; ib < QK_K / 16; ++ib) {
            scales[ib] = make_qx_quants(16, 32, x + 16 * ib, L + 16 * ib, 1);
            const float abs_scale = std::fabs(scales[ib]);
            if (abs_scale > max_abs_scale) { max_abs_scale = abs_scale; max_scale = scales[ib]; }
        }
        if (max_abs_scale < GROUP_MAX_EPS) {
            std::memset(&y[i], 0, sizeof(y[i]));
            y[i].d = to_f16(0.0f);
            continue;
        }
        const float iscale = -128.0f / max_scale;
        y[i].d = to_f16(1 / iscale);
        for (int ib = 0; ib < QK_K / 16; ++ib) {
            const int v = nearest_int(iscale * scales[ib]);
            y[i].scales[ib] = (int8_t)(v < 127 ? v : 127);
        }
        for (int j = 0; j < QK_K / 16; ++j) {
            const float d = f16(y[i].d) * y[i].scales[j];
            if (!d) continue;
            for (int ii = 0; ii < 16; ++ii) L[16 * j + ii] = (int8_t)(clamp_int(nearest_int(x[16 * j + ii] / d), -32, 31) + 32);
        }
        for (int j = 0; j < QK_K; j += 128) {
            uint8_t * ql = y[i].ql + j / 2;
            uint8_t * qh = y[i].qh + j / 4;
            for (int l = 0; l < 32; ++l) {
                const int q1 = L[j + l] & 0xf, q2 = L[j + l + 32] & 0xf;
                const int q3 = L[j + l + 64] & 0xf, q4 = L[j + l + 96] & 0xf;
                ql[l] = (uint8_t)(q1 | (q3 << 4));
                ql[l + 32] = (uint8_t)(q2 | (q4 << 4));
                qh[l] = (uint8_t)((L[j + l] >> 4) | ((L[j + l + 32] >> 4) << 2) | ((L[j + l + 64] >> 4) << 4) |
                                  ((L[j + l + 96] >> 4) << 6));
            }
        }
    }
}

// Element e = 128c + 32p + l: low nibble of ql[64c + 32(p&1) + l] (high nibble when
// p >= 2), 2 high bits at qh[32c + l] >> 2p; scale e/16.
void dequantize_q6_k(const BlockQ6_K * x, float * y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, y += QK_K) {
        const float d = f16(x[i].d);
        for (int e = 0; e < QK_K; ++e) {
            const int c = e / 128, p = (e / 32) % 4, l = e % 32;
            const uint8_t b = x[i].ql[64 * c + 32 * (p & 1) + l];
            const int lo = p >= 2 ? b >> 4 : b & 0xf;
            const int hi = (x[i].qh[32 * c + l] >> (2 * p)) & 3;
            y[e] = d * x[i].scales[e / 16] * ((lo | (hi << 4)) - 32);
        }
    }
}

void quantize_q8_k(const float * x, BlockQ8_K * y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, x += QK_K) {
        float max = 0, amax = 0;
        for (int j = 0; j < QK_K; ++j) {
            if (std::fabs(x[j]) > amax) { amax = std::fabs(x[j]); max = x[j]; }
        }
        if (!amax) {
            y[i].d = 0;
            std::memset(y[i].qs, 0, QK_K);
            std::memset(y[i].bsums, 0, sizeof(y[i].bsums));
            continue;
        }
        const float iscale = -127.0f / max;
        for (int j = 0; j < QK_K; ++j) {
            const int v = nearest_int(iscale * x[j]);
            y[i].qs[j] = (int8_t)(v < 127 ? v : 127);
        }
        for (int j = 0; j < QK_K / 16; ++j) {
            int sum = 0;
            for (int ii = 0; ii < 16; ++ii) sum += y[i].qs[16 * j + ii];
            y[i].bsums[j] = (int16_t)sum;
        }
        y[i].d = 1 / iscale;
    }
}

void dequantize_q8_k(const BlockQ8_K * x, float * y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, y += QK_K) {
        for (int j = 0; j < QK_K; ++j) y[j] = x[i].d * x[i].qs[j];
    }
}

} // namespace

bool tensor_type_has_ref(GgmlType type) {
    switch (type) {
    case GGML_TYPE_F32: case GGML_TYPE_F16: case GGML_TYPE_BF16:
    case GGML_TYPE_Q4_0: case GGML_TYPE_Q4_1: case GGML_TYPE_Q5_0: case GGML_TYPE_Q5_1:
    case GGML_TYPE_Q8_0: case GGML_TYPE_Q8_1:
    case GGML_TYPE_Q2_K: case GGML_TYPE_Q3_K: case GGML_TYPE_Q4_K: case GGML_TYPE_Q5_K:
    case GGML_TYPE_Q6_K: case GGML_TYPE_Q8_K:
    case GGML_TYPE_IQ4_NL: case GGML_TYPE_IQ4_XS: case GGML_TYPE_MXFP4:
        return true;
    default:
        return false;
    }
}

int64_t tensor_block_elems(GgmlType type) {
    const GgmlTypeInfo * info = ggml_type_info(type);
    return info ? info->block_elems : 0;
}

uint64_t tensor_row_bytes(GgmlType type, int64_t k) {
    const GgmlTypeInfo * info = ggml_type_info(type);
    return info ? ggml_row_bytes(*info, (uint64_t)k) : 0;
}

uint64_t tensor_block_struct_bytes(GgmlType type) {
    switch (type) {
    case GGML_TYPE_F32: return sizeof(float);
    case GGML_TYPE_F16: case GGML_TYPE_BF16: return sizeof(uint16_t);
    case GGML_TYPE_Q4_0: return sizeof(BlockQ4_0);
    case GGML_TYPE_Q4_1: return sizeof(BlockQ4_1);
    case GGML_TYPE_Q5_0: return sizeof(BlockQ5_0);
    case GGML_TYPE_Q5_1: return sizeof(BlockQ5_1);
    case GGML_TYPE_Q8_0: return sizeof(BlockQ8_0);
    case GGML_TYPE_Q8_1: return sizeof(BlockQ8_1);
    case GGML_TYPE_Q2_K: return sizeof(BlockQ2_K);
    case GGML_TYPE_Q3_K: return sizeof(BlockQ3_K);
    case GGML_TYPE_Q4_K: return sizeof(BlockQ4_K);
    case GGML_TYPE_Q5_K: return sizeof(BlockQ5_K);
    case GGML_TYPE_Q6_K: return sizeof(BlockQ6_K);
    case GGML_TYPE_Q8_K: return sizeof(BlockQ8_K);
    case GGML_TYPE_IQ4_NL: return sizeof(BlockIQ4_NL);
    case GGML_TYPE_IQ4_XS: return sizeof(BlockIQ4_XS);
    case GGML_TYPE_MXFP4: return sizeof(BlockMXFP4);
    default: return 0;
    }
}

static void check_row(GgmlType type, int64_t k) {
    if (!tensor_type_has_ref(type)) {
        const GgmlTypeInfo * info = ggml_type_info(type);
        throw_error(STATUS_E_INVALID_ARGUMENT, "no reference quantizer for type %s", info ? info->name : "?");
    }
    const int64_t be = tensor_block_elems(type);
    if (k < 0 || k % be != 0) {
        throw_error(STATUS_E_INVALID_ARGUMENT, "row of %lld elements is not a multiple of %s's block of %lld",
                    (long long)k, ggml_type_info(type)->name, (long long)be);
    }
}

void tensor_quantize_row(GgmlType type, const float * x, void * y, int64_t k) {
    check_row(type, k);
    const int64_t nb = k / tensor_block_elems(type);
    switch (type) {
    case GGML_TYPE_F32: std::memcpy(y, x, (size_t)k * 4); break;
    case GGML_TYPE_F16: for (int64_t i = 0; i < k; ++i) ((uint16_t *)y)[i] = fp16_from_f32(x[i]); break;
    case GGML_TYPE_BF16: for (int64_t i = 0; i < k; ++i) ((uint16_t *)y)[i] = bf16_from_f32(x[i]); break;
    case GGML_TYPE_Q4_0: quantize_q4_0(x, (BlockQ4_0 *)y, nb); break;
    case GGML_TYPE_Q4_1: quantize_q4_1(x, (BlockQ4_1 *)y, nb); break;
    case GGML_TYPE_Q5_0: quantize_q5_0(x, (BlockQ5_0 *)y, nb); break;
    case GGML_TYPE_Q5_1: quantize_q5_1(x, (BlockQ5_1 *)y, nb); break;
    case GGML_TYPE_Q8_0: quantize_q8_0(x, (BlockQ8_0 *)y, nb); break;
    case GGML_TYPE_Q8_1: quantize_q8_1(x, (BlockQ8_1 *)y, nb); break;
    case GGML_TYPE_Q2_K: quantize_q2_k(x, (BlockQ2_K *)y, nb); break;
    case GGML_TYPE_Q3_K: quantize_q3_k(x, (BlockQ3_K *)y, nb); break;
    case GGML_TYPE_Q4_K: quantize_q4_k(x, (BlockQ4_K *)y, nb); break;
    case GGML_TYPE_Q5_K: quantize_q5_k(x, (BlockQ5_K *)y, nb); break;
    case GGML_TYPE_Q6_K: quantize_q6_k(x, (BlockQ6_K *)y, nb); break;
    case GGML_TYPE_Q8_K: quantize_q8_k(x, (BlockQ8_K *)y, nb); break;
    case GGML_TYPE_IQ4_NL: quantize_iq4_nl(x, (BlockIQ4_NL *)y, nb); break;
    case GGML_TYPE_IQ4_XS: quantize_iq4_xs(x, (BlockIQ4_XS *)y, nb); break;
    case GGML_TYPE_MXFP4: quantize_mxfp4(x, (BlockMXFP4 *)y, nb); break;
    default: break;
    }
}

void tensor_dequantize_row(GgmlType type, const void * x, float * y, int64_t k) {
    check_row(type, k);
    const int64_t nb = k / tensor_block_elems(type);
    switch (type) {
    case GGML_TYPE_F32: std::memcpy(y, x, (size_t)k * 4); break;
    case GGML_TYPE_F16: for (int64_t i = 0; i < k; ++i) y[i] = fp16_to_f32(((const uint16_t *)x)[i]); break;
    case GGML_TYPE_BF16: for (int64_t i = 0; i < k; ++i) y[i] = bf16_to_f32(((const uint16_t *)x)[i]); break;
    case GGML_TYPE_Q4_0: dequantize_q4_0((const BlockQ4_0 *)x, y, nb); break;
    case GGML_TYPE_Q4_1: dequantize_q4_1((const BlockQ4_1 *)x, y, nb); break;
    case GGML_TYPE_Q5_0: dequantize_q5_0((const BlockQ5_0 *)x, y, nb); break;
    case GGML_TYPE_Q5_1: dequantize_q5_1((const BlockQ5_1 *)x, y, nb); break;
    case GGML_TYPE_Q8_0: dequantize_q8_0((const BlockQ8_0 *)x, y, nb); break;
    case GGML_TYPE_Q8_1: dequantize_q8_1((const BlockQ8_1 *)x, y, nb); break;
    case GGML_TYPE_Q2_K: dequantize_q2_k((const BlockQ2_K *)x, y, nb); break;
    case GGML_TYPE_Q3_K: dequantize_q3_k((const BlockQ3_K *)x, y, nb); break;
    case GGML_TYPE_Q4_K: dequantize_q4_k((const BlockQ4_K *)x, y, nb); break;
    case GGML_TYPE_Q5_K: dequantize_q5_k((const BlockQ5_K *)x, y, nb); break;
    case GGML_TYPE_Q6_K: dequantize_q6_k((const BlockQ6_K *)x, y, nb); break;
    case GGML_TYPE_Q8_K: dequantize_q8_k((const BlockQ8_K *)x, y, nb); break;
    case GGML_TYPE_IQ4_NL: dequantize_iq4_nl((const BlockIQ4_NL *)x, y, nb); break;
    case GGML_TYPE_IQ4_XS: dequantize_iq4_xs((const BlockIQ4_XS *)x, y, nb); break;
    case GGML_TYPE_MXFP4: dequantize_mxfp4((const BlockMXFP4 *)x, y, nb); break;
    default: break;
    }
}

} // namespace hearth
