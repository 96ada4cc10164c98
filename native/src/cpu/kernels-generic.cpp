// The scalar reference table: plain loops, no intrinsics. Every other table
// is tested against this one. Kept free of anything clever on purpose.
#include <cmath>
#include <cstring>

#include "cpu/kernels.h"
#include "tensor/blocks.h"
#include "tensor/fp16.h"
#include "tensor/quants-ref.h"

namespace hearth {

namespace {

#include "cpu/kernels-scalar-dots.inc"

using RowDot = float (*)(const void *, const void *, int64_t);

template <RowDot DOT>
void gemm_by_rows(const void * W, size_t ldw, const void * A, size_t lda, int64_t k, int64_t m, int64_t n,
                  float * y, int64_t ldy) {
    for (int64_t j = 0; j < n; ++j) {
        for (int64_t i = 0; i < m; ++i) {
            y[j * ldy + i] = DOT((const char *)W + i * ldw, (const char *)A + j * lda, k);
        }
    }
}

void quantize_act(GgmlType type, const float * x, void * y, int64_t k) { tensor_quantize_row(type, x, y, k); }

// ------------------------------------------------------------ element-wise

float dot_f16_f32(const uint16_t * a, const float * b, int64_t n) {
    float sum = 0;
    for (int64_t i = 0; i < n; ++i) sum += fp16_to_f32(a[i]) * b[i];
    return sum;
}

void axpy_f16(float s, const uint16_t * v, float * y, int64_t n) {
    for (int64_t i = 0; i < n; ++i) y[i] += s * fp16_to_f32(v[i]);
}

void dot_rows_f16(const uint16_t * rows, int64_t stride, int64_t np, const float * q, int64_t d, float scale, float * out) {
    for (int64_t i = 0; i < np; ++i) out[i] = scale * dot_f16_f32(rows + i * stride, q, d);
}

void axpy_rows_f16(const float * w, const uint16_t * rows, int64_t stride, int64_t np, int64_t d, float * y) {
    for (int64_t i = 0; i < np; ++i) axpy_f16(w[i], rows + i * stride, y, d);
}

float sum_sq(const float * x, int64_t n) {
    double sum = 0;
    for (int64_t i = 0; i < n; ++i) sum += (double)x[i] * x[i];
    return (float)sum;
}

void scale_mul(const float * x, float s, const float * w, float * out, int64_t n) {
    for (int64_t i = 0; i < n; ++i) out[i] = x[i] * s * (w ? w[i] : 1.0f);
}

void add(const float * a, const float * b, float * out, int64_t n) {
    for (int64_t i = 0; i < n; ++i) out[i] = a[i] + b[i];
}

void mul(const float * a, const float * b, float * out, int64_t n) {
    for (int64_t i = 0; i < n; ++i) out[i] = a[i] * b[i];
}

void silu(const float * x, float * out, int64_t n) {
    for (int64_t i = 0; i < n; ++i) out[i] = x[i] / (1.0f + std::exp(-x[i]));
}

void swiglu(const float * gate, const float * up, float * out, int64_t n) {
    for (int64_t i = 0; i < n; ++i) out[i] = gate[i] / (1.0f + std::exp(-gate[i])) * up[i];
}

float max(const float * x, int64_t n) {
    float m = -INFINITY;
    for (int64_t i = 0; i < n; ++i) m = x[i] > m ? x[i] : m;
    return m;
}

float exp_sum(float * x, float sub, int64_t n) {
    double sum = 0;
    for (int64_t i = 0; i < n; ++i) {
        x[i] = std::exp(x[i] - sub);
        sum += x[i];
    }
    return (float)sum;
}

void f32_to_f16(const float * x, uint16_t * y, int64_t n) {
    for (int64_t i = 0; i < n; ++i) y[i] = fp16_from_f32(x[i]);
}

void f16_to_f32(const uint16_t * x, float * y, int64_t n) {
    for (int64_t i = 0; i < n; ++i) y[i] = fp16_to_f32(x[i]);
}

double probe_fma(int64_t rounds) {
    float acc[8];
    for (int c = 0; c < 8; ++c) acc[c] = 0.001f * c;
    for (int64_t r = 0; r < rounds; ++r)
        for (int c = 0; c < 8; ++c) acc[c] = acc[c] * 0.999999f + 1e-7f;
    volatile float sink = acc[0] + acc[7];
    (void)sink;
    return (double)rounds * 8 * 2;
}

float probe_read(const void * p, size_t bytes) {
    const uint64_t * q = (const uint64_t *)p;
    uint64_t x = 0;
    for (size_t i = 0; i < bytes / 8; ++i) x ^= q[i];
    return (float)(x & 0xff);
}

CpuKernels make_table() {
    CpuKernels t{};
    t.name = "generic";
    t.matmul[GGML_TYPE_F32] = {GGML_TYPE_F32, gemm_by_rows<dot_f32>};
    t.matmul[GGML_TYPE_F16] = {GGML_TYPE_F32, gemm_by_rows<dot_f16>};
    t.matmul[GGML_TYPE_BF16] = {GGML_TYPE_F32, gemm_by_rows<dot_bf16>};
    t.matmul[GGML_TYPE_Q4_0] = {GGML_TYPE_Q8_0, gemm_by_rows<dot_q4_0>};
    t.matmul[GGML_TYPE_Q4_1] = {GGML_TYPE_Q8_1, gemm_by_rows<dot_q4_1>};
    t.matmul[GGML_TYPE_Q5_0] = {GGML_TYPE_Q8_0, gemm_by_rows<dot_q5_0>};
    t.matmul[GGML_TYPE_Q5_1] = {GGML_TYPE_Q8_1, gemm_by_rows<dot_q5_1>};
    t.matmul[GGML_TYPE_Q8_0] = {GGML_TYPE_Q8_0, gemm_by_rows<dot_q8_0>};
    t.matmul[GGML_TYPE_Q2_K] = {GGML_TYPE_Q8_K, gemm_by_rows<dot_q2_k>};
    t.matmul[GGML_TYPE_Q3_K] = {GGML_TYPE_Q8_K, gemm_by_rows<dot_q3_k>};
    t.matmul[GGML_TYPE_Q4_K] = {GGML_TYPE_Q8_K, gemm_by_rows<dot_q4_k>};
    t.matmul[GGML_TYPE_Q5_K] = {GGML_TYPE_Q8_K, gemm_by_rows<dot_q5_k>};
    t.matmul[GGML_TYPE_Q6_K] = {GGML_TYPE_Q8_K, gemm_by_rows<dot_q6_k>};
    t.matmul[GGML_TYPE_IQ4_NL] = {GGML_TYPE_Q8_0, gemm_by_rows<dot_iq4_nl>};
    t.matmul[GGML_TYPE_IQ4_XS] = {GGML_TYPE_Q8_K, gemm_by_rows<dot_iq4_xs>};
    t.matmul[GGML_TYPE_MXFP4] = {GGML_TYPE_Q8_0, gemm_by_rows<dot_mxfp4>};
    t.quantize_act = quantize_act;
    t.dot_rows_f16 = dot_rows_f16;
    t.axpy_rows_f16 = axpy_rows_f16;
    t.sum_sq = sum_sq;
    t.scale_mul = scale_mul;
    t.add = add;
    t.mul = mul;
    t.silu = silu;
    t.swiglu = swiglu;
    t.max = max;
    t.exp_sum = exp_sum;
    t.f32_to_f16 = f32_to_f16;
    t.f16_to_f32 = f16_to_f32;
    t.probe_fma = probe_fma;
    t.probe_read = probe_read;
    return t;
}

} // namespace

const CpuKernels * cpu_kernels_generic() {
    static const CpuKernels table = make_table();
    return &table;
}

} // namespace hearth
