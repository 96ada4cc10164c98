// The CPU compute API (cpu-ops.h): argument checks, activation conversion,
// work splitting over the pool, then calls into the chosen kernel table.
#include "cpu/cpu-ops.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "common/status.h"
#include "cpu/kernels.h"
#include "cpu/thread-pool.h"
#include "tensor/fp16.h"
#include "tensor/quants-ref.h"

namespace hearth {

namespace {

// Matrix-matrix tiles handed to one thread: W rows x activation rows. A
// 64-row weight block of a 4096-wide Q8_0 matrix is ~280 KB, and so is a
// 64-row Q8 activation block: both stay in L2 while the tile runs.
constexpr int64_t MATMUL_ROWS_PER_TILE = 64;
constexpr int64_t MATMUL_COLS_PER_TILE = 64;
// Mat-vec: a thread's rows are a multiple of this (the kernels run 4-row passes).
constexpr int64_t MATVEC_GRAIN = 16;
// Attention: positions per online-softmax tile.
constexpr int64_t ATTENTION_TILE = 256;

const CpuKernels & kernels_of(const CpuContext & ctx) {
    return ctx.kernels ? *ctx.kernels : *cpu_kernels_best();
}

void run_parallel(ThreadPool * pool, int64_t n, const std::function<void(int64_t, int64_t, int)> & fn, int64_t grain) {
    if (pool) pool->parallel_for(n, fn, grain);
    else if (n > 0) fn(0, n, 0);
}

std::vector<uint8_t> & act_buffer() {
    thread_local std::vector<uint8_t> buffer;
    return buffer;
}

} // namespace

void cpu_matmul(const CpuContext & ctx, GgmlType wtype, const void * W, int64_t m, int64_t k,
                const float * x, int64_t n, float * y) {
    const CpuKernels & kt = kernels_of(ctx);
    const GgmlTypeInfo * info = ggml_type_info(wtype);
    if (!info || (uint32_t)wtype >= GGML_TYPE_COUNT_ || !kt.matmul[wtype].gemm) {
        throw_error(STATUS_E_INVALID_ARGUMENT, "no matmul kernel for weight type %s", info ? info->name : "?");
    }
    if (m <= 0 || n <= 0 || k <= 0) {
        if (m < 0 || n < 0 || k < 0) throw_error(STATUS_E_INVALID_ARGUMENT, "matmul: negative shape");
        return;
    }
    const CpuMatmulKernel mk = kt.matmul[wtype];
    const int64_t act_block = tensor_block_elems(mk.act_type);
    if (k % info->block_elems != 0 || k % act_block != 0) {
        throw_error(STATUS_E_INVALID_ARGUMENT, "matmul: k = %lld is not a multiple of the %s block (%u)",
                    (long long)k, info->name, info->block_elems);
    }
    const size_t ldw = (size_t)ggml_row_bytes(*info, (uint64_t)k);

    // Activations: converted once for all weight rows.
    const void * A = x;
    size_t lda = (size_t)k * sizeof(float);
    if (mk.act_type != GGML_TYPE_F32 || mk.act_convert) {
        lda = mk.act_row_bytes ? mk.act_row_bytes(k) : (size_t)tensor_row_bytes(mk.act_type, k);
        std::vector<uint8_t> & buf = act_buffer();
        if (buf.size() < lda * (size_t)n) buf.resize(lda * (size_t)n);
        uint8_t * dst = buf.data();
        run_parallel(ctx.pool, n, [&](int64_t j0, int64_t j1, int) {
            for (int64_t j = j0; j < j1; ++j) {
                if (mk.act_convert) mk.act_convert(x + j * k, dst + j * lda, k);
                else kt.quantize_act(mk.act_type, x + j * k, dst + j * lda, k);
            }
        }, 1);
        A = dst;
    }

    const char * wbytes = (const char *)W;
    const char * abytes = (const char *)A;
    if (n == 1) {
        // One contiguous run of rows per thread: the mat-vec streams its
        // weights once, and a long sequential run keeps the prefetchers
        // ahead, where the pool's usual 8 chunks per thread each started
        // cold (1.5B Q4_0 generation on a 2-core AVX-512 EPYC: 28.7 -> 36.3
        // tok/s; 2 runs per thread measured 33.8). The price: a thread
        // slowed by another process is not helped by the others here.
        const int64_t threads = ctx.pool ? ctx.pool->size() : 1;
        int64_t grain = (m + threads - 1) / threads;
        grain = (grain + MATVEC_GRAIN - 1) / MATVEC_GRAIN * MATVEC_GRAIN;
        run_parallel(ctx.pool, m, [&](int64_t i0, int64_t i1, int) {
            mk.gemm(wbytes + i0 * ldw, ldw, abytes, lda, k, i1 - i0, 1, y + i0, m);
        }, grain);
        return;
    }
    const int64_t row_tiles = (m + MATMUL_ROWS_PER_TILE - 1) / MATMUL_ROWS_PER_TILE;
    // A kernel that repacks its weight rows in each call asks for wider
    // calls; narrower again while there would be fewer than two tiles per
    // thread, so every thread keeps work.
    int64_t cols = MATMUL_COLS_PER_TILE;
    if (mk.cols_per_call > cols) {
        const int64_t threads = ctx.pool ? ctx.pool->size() : 1;
        cols = mk.cols_per_call;
        while (cols > MATMUL_COLS_PER_TILE && row_tiles * ((n + cols - 1) / cols) < 2 * threads) cols /= 2;
    }
    const int64_t col_tiles = (n + cols - 1) / cols;
    run_parallel(ctx.pool, row_tiles * col_tiles, [&](int64_t t0, int64_t t1, int) {
        for (int64_t t = t0; t < t1; ++t) {
            const int64_t i0 = (t % row_tiles) * MATMUL_ROWS_PER_TILE;
            const int64_t j0 = (t / row_tiles) * cols;
            const int64_t mi = m - i0 < MATMUL_ROWS_PER_TILE ? m - i0 : MATMUL_ROWS_PER_TILE;
            const int64_t nj = n - j0 < cols ? n - j0 : cols;
            mk.gemm(wbytes + i0 * ldw, ldw, abytes + j0 * lda, lda, k, mi, nj, y + j0 * m + i0, m);
        }
    }, 1);
}

void cpu_get_row(GgmlType wtype, const void * W, int64_t k, int64_t r, float * dst) {
    const uint64_t row_bytes = tensor_row_bytes(wtype, k);
    tensor_dequantize_row(wtype, (const char *)W + r * row_bytes, dst, k);
}

void cpu_rms_norm(const CpuContext & ctx, const float * x, const float * w, int64_t n, float eps, float * out) {
    const CpuKernels & kt = kernels_of(ctx);
    if (n <= 0) return;
    const float mean = kt.sum_sq(x, n) / (float)n;
    kt.scale_mul(x, 1.0f / std::sqrt(mean + eps), w, out, n);
}

void cpu_layer_norm(const float * x, const float * w, const float * b, int64_t n, float eps, float * out) {
    if (n <= 0) return;
    // Sums in double: a row of thousands of floats, and the variance is taken
    // of centred values so a large mean does not cancel it away.
    double sum = 0;
    for (int64_t i = 0; i < n; ++i) sum += x[i];
    const float mean = (float)(sum / (double)n);
    double sq = 0;
    for (int64_t i = 0; i < n; ++i) sq += (double)(x[i] - mean) * (double)(x[i] - mean);
    const float inv = 1.0f / std::sqrt((float)(sq / (double)n) + eps);
    for (int64_t i = 0; i < n; ++i) {
        float v = (x[i] - mean) * inv;
        if (w) v *= w[i];
        if (b) v += b[i];
        out[i] = v;
    }
}

void cpu_softmax(const CpuContext & ctx, float * x, int64_t n) {
    if (n <= 0) return;
    const CpuKernels & kt = kernels_of(ctx);
    const float max = kt.max(x, n);
    const float sum = kt.exp_sum(x, max, n);
    kt.scale_mul(x, 1.0f / sum, nullptr, x, n);
}

void cpu_softmax(float * x, int64_t n) { cpu_softmax(CpuContext{}, x, n); }

void rope_yarn_corr_dims(int64_t n_rot, int64_t n_ctx_orig, float freq_base, float beta_fast, float beta_slow,
                         float * low, float * high) {
    // The pair index whose wavelength fits `rotations` times into n_ctx_orig positions.
    auto dim = [&](float rotations) {
        return (float)n_rot * std::log((float)n_ctx_orig / (rotations * 2.0f * 3.14159265358979f)) / (2.0f * std::log(freq_base));
    };
    *low = std::max(0.0f, std::floor(dim(beta_fast)));
    *high = std::min((float)(n_rot - 1), std::ceil(dim(beta_slow)));
}

double rope_angle(int64_t pos, int64_t i, int64_t n_rot, float freq_base, float freq_scale, const float * freq_factors,
                  const RopeYarn * yarn, float * mscale) {
    double extrap = (double)pos * std::pow((double)freq_base, -2.0 * (double)i / (double)n_rot);
    if (freq_factors) extrap /= freq_factors[i];
    const double interp = extrap * freq_scale;
    *mscale = 1.0f;
    if (!yarn) return interp;
    const float y = ((float)i - yarn->low) / std::max(0.001f, yarn->high - yarn->low);
    const double ramp = 1.0 - std::min(1.0f, std::max(0.0f, y));
    *mscale = yarn->mscale;
    return interp * (1.0 - ramp) + extrap * ramp;
}

void cpu_rope(float * x, int64_t n_head, int64_t head_dim, int64_t n_rot, int64_t pos,
              float freq_base, float freq_scale, bool neox, const float * freq_factors, const RopeYarn * yarn,
              float mscale) {
    if (n_rot > head_dim || n_rot % 2 != 0) {
        throw_error(STATUS_E_INVALID_ARGUMENT, "rope: n_rot %lld must be even and <= head_dim %lld",
                    (long long)n_rot, (long long)head_dim);
    }
    const int64_t half = n_rot / 2;
    for (int64_t i = 0; i < half; ++i) {
        float m = 1.0f;
        const double theta = rope_angle(pos, i, n_rot, freq_base, freq_scale, freq_factors, yarn, &m);
        if (!yarn) m = mscale;
        const float c = (float)std::cos(theta) * m, s = (float)std::sin(theta) * m;
        for (int64_t h = 0; h < n_head; ++h) {
            float * v = x + h * head_dim;
            const int64_t a = neox ? i : 2 * i;
            const int64_t b = neox ? i + half : 2 * i + 1;
            const float x0 = v[a], x1 = v[b];
            v[a] = x0 * c - x1 * s;
            v[b] = x0 * s + x1 * c;
        }
    }
}

// A prompt's activations (n tokens x FFN width) are long enough to split over
// the pool; one token's are not worth a hand-out. fn(offset, count).
template <class Fn>
void elementwise(const CpuContext & ctx, int64_t n, const Fn & fn) {
    constexpr int64_t GRAIN = 16384;
    if (!ctx.pool || n < 2 * GRAIN) {
        fn(0, n);
        return;
    }
    run_parallel(ctx.pool, (n + GRAIN - 1) / GRAIN, [&](int64_t c0, int64_t c1, int) {
        const int64_t a = c0 * GRAIN, b = c1 * GRAIN < n ? c1 * GRAIN : n;
        fn(a, b - a);
    }, 1);
}

void cpu_add(const CpuContext & ctx, const float * a, const float * b, float * out, int64_t n) {
    const CpuKernels & kt = kernels_of(ctx);
    elementwise(ctx, n, [&](int64_t o, int64_t c) { kt.add(a + o, b + o, out + o, c); });
}
void cpu_mul(const CpuContext & ctx, const float * a, const float * b, float * out, int64_t n) {
    const CpuKernels & kt = kernels_of(ctx);
    elementwise(ctx, n, [&](int64_t o, int64_t c) { kt.mul(a + o, b + o, out + o, c); });
}
void cpu_silu(const CpuContext & ctx, const float * x, float * out, int64_t n) {
    const CpuKernels & kt = kernels_of(ctx);
    elementwise(ctx, n, [&](int64_t o, int64_t c) { kt.silu(x + o, out + o, c); });
}
namespace {
// GELU (tanh form) of every f16 value, rounded to f16: ggml's CPU GELU reads
// its input as f16 and looks the result up in such a table. Using the same
// table keeps GELU models token-identical to the oracle and costs a lookup
// instead of a tanh per element.
const float * gelu_f16_table() {
    static const std::vector<float> table = [] {
        std::vector<float> t(65536);
        const float c = 0.7978845608028654f;  // sqrt(2/pi)
        for (uint32_t h = 0; h < 65536; ++h) {
            const float v = fp16_to_f32((uint16_t)h);
            t[h] = fp16_to_f32(fp16_from_f32(0.5f * v * (1.0f + std::tanh(c * v * (1.0f + 0.044715f * v * v)))));
        }
        return t;
    }();
    return table.data();
}
} // namespace

void cpu_gelu(const CpuContext & ctx, const float * x, float * out, int64_t n) {
    const float * table = gelu_f16_table();
    elementwise(ctx, n, [&](int64_t o, int64_t c) {
        for (int64_t i = o; i < o + c; ++i) {
            const float v = x[i];
            // Beyond +-10 GELU is x or 0 to float precision (and f16 would clip the input).
            out[i] = v <= -10.0f ? 0.0f : v >= 10.0f ? v : table[fp16_from_f32(v)];
        }
    });
}
void cpu_swiglu(const CpuContext & ctx, const float * gate, const float * up, float * out, int64_t n) {
    const CpuKernels & kt = kernels_of(ctx);
    elementwise(ctx, n, [&](int64_t o, int64_t c) { kt.swiglu(gate + o, up + o, out + o, c); });
}

void cpu_add(const float * a, const float * b, float * out, int64_t n) { cpu_add(CpuContext{}, a, b, out, n); }
void cpu_add_rows(const CpuContext & ctx, float * x, const float * b, int64_t rows, int64_t n) {
    if (!b) return;
    for (int64_t r = 0; r < rows; ++r) cpu_add(ctx, x + r * n, b, x + r * n, n);
}
void cpu_mul(const float * a, const float * b, float * out, int64_t n) { cpu_mul(CpuContext{}, a, b, out, n); }
void cpu_silu(const float * x, float * out, int64_t n) { cpu_silu(CpuContext{}, x, out, n); }
void cpu_gelu(const float * x, float * out, int64_t n) { cpu_gelu(CpuContext{}, x, out, n); }
void cpu_swiglu(const float * gate, const float * up, float * out, int64_t n) {
    cpu_swiglu(CpuContext{}, gate, up, out, n);
}

// One (token, head) at a time: scores for a tile of positions, then an
// online-softmax merge into a running maximum, denominator and weighted sum,
// so memory stays O(tile + head_dim) however long the context.
void cpu_attention(const CpuContext & ctx, const AttentionArgs & p) {
    if (p.n_head <= 0 || p.n_head_kv <= 0 || p.n_head % p.n_head_kv != 0 || p.head_dim <= 0) {
        throw_error(STATUS_E_INVALID_ARGUMENT, "attention: n_head %lld must be a positive multiple of n_head_kv %lld",
                    (long long)p.n_head, (long long)p.n_head_kv);
    }
    const CpuKernels & kt = kernels_of(ctx);
    const int64_t group = p.n_head / p.n_head_kv;
    const int64_t kv_stride = p.n_head_kv * p.head_dim;  // elements between positions
    run_parallel(ctx.pool, p.n_tokens * p.n_head, [&](int64_t w0, int64_t w1, int) {
        std::vector<float> scores(ATTENTION_TILE);
        std::vector<float> acc((size_t)p.head_dim);
        for (int64_t w = w0; w < w1; ++w) {
            const int64_t t = w / p.n_head, h = w % p.n_head, hk = h / group;
            const float * q = p.q + (t * p.n_head + h) * p.head_dim;
            float * out = p.out + (t * p.n_head + h) * p.head_dim;
            int64_t visible = p.pos0 + t + 1;
            if (visible > p.n_kv) visible = p.n_kv;
            // A sliding window starts late: keys more than window-1 positions back are not seen.
            const int64_t first = p.window > 0 && p.pos0 + t + 1 > p.window ? p.pos0 + t + 1 - p.window : 0;
            float run_max = -INFINITY, run_sum = 0.0f;
            std::fill(acc.begin(), acc.end(), 0.0f);
            for (int64_t p0 = first; p0 < visible; p0 += ATTENTION_TILE) {
                const int64_t np = visible - p0 < ATTENTION_TILE ? visible - p0 : ATTENTION_TILE;
                kt.dot_rows_f16(p.k + p0 * kv_stride + hk * p.head_dim, kv_stride, np, q, p.head_dim, p.scale, scores.data());
                if (p.softcap > 0.0f) {
                    for (int64_t i = 0; i < np; ++i) scores[(size_t)i] = p.softcap * std::tanh(scores[(size_t)i] / p.softcap);
                }
                const float tile_max = kt.max(scores.data(), np);
                const float new_max = tile_max > run_max ? tile_max : run_max;
                if (run_max != -INFINITY && new_max != run_max) {
                    const float correction = std::exp(run_max - new_max);
                    run_sum *= correction;
                    kt.scale_mul(acc.data(), correction, nullptr, acc.data(), p.head_dim);
                }
                run_max = new_max;
                run_sum += kt.exp_sum(scores.data(), run_max, np);
                kt.axpy_rows_f16(scores.data(), p.v + p0 * kv_stride + hk * p.head_dim, kv_stride, np, p.head_dim, acc.data());
            }
            if (p.sinks) {
                const float sink = p.sinks[h];
                if (sink > run_max) {
                    const float shrink = run_max == -INFINITY ? 0.0f : std::exp(run_max - sink);
                    kt.scale_mul(acc.data(), shrink, nullptr, acc.data(), p.head_dim);
                    run_sum = run_sum * shrink + 1.0f;
                } else {
                    run_sum += std::exp(sink - run_max);
                }
            }
            if (run_sum > 0) kt.scale_mul(acc.data(), 1.0f / run_sum, nullptr, out, p.head_dim);
            else std::fill(out, out + p.head_dim, 0.0f);
        }
    }, 1);
}

void cpu_f32_to_f16(const float * x, uint16_t * y, int64_t n) { cpu_kernels_best()->f32_to_f16(x, y, n); }
void cpu_f16_to_f32(const uint16_t * x, float * y, int64_t n) { cpu_kernels_best()->f16_to_f32(x, y, n); }

} // namespace hearth
