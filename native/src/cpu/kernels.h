// The kernel table: one instance per ISA level, chosen once by dispatch.cpp.
//
// kernels-generic.cpp is the scalar reference (always built, the test
// oracle); every other table is kernels.inc compiled under its own flags.
// Entries are never null for the types marked computable in the table.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tensor/ggml-type.h"

namespace hearth {

// y[j*ldy + i] = W_i · A_j for i < m (weight rows), j < n (activation rows).
// W rows are ldw bytes apart, A rows (already in act_type) lda bytes apart;
// k elements per row. Shapes: W [m][k], A [n][k], y [n][ldy].
using CpuGemmFn = void (*)(const void * W, size_t ldw, const void * A, size_t lda, int64_t k,
                           int64_t m, int64_t n, float * y, int64_t ldy);

struct CpuMatmulKernel {
    GgmlType act_type = GGML_TYPE_F32;  // format activations are converted to first
    CpuGemmFn gemm = nullptr;           // nullptr: weight type not supported
    // (optional) A table-private activation layout instead of act_type's
    // (e.g. Q8 blocks pre-arranged for vpdpbusd): bytes of a k-row, and the
    // f32 -> layout conversion. act_type then only fixes the k granularity.
    size_t (*act_row_bytes)(int64_t k) = nullptr;
    void (*act_convert)(const float * x, void * y, int64_t k) = nullptr;
    // (optional) Activation rows per mat-mat call when the kernel repacks its
    // weight rows per call: more columns spread the repack further. 0: the
    // default tile (cpu-ops.cpp).
    int64_t cols_per_call = 0;
};

struct CpuKernels {
    const char * name;  // level name: generic, sse2, avx2, avx512, avx512vnni, avx512bf16, neon, dotprod

    CpuMatmulKernel matmul[GGML_TYPE_COUNT_];
    // x[k] f32 -> one row of act_type (F32 copy, F16, BF16, Q8_0, Q8_1, Q8_K).
    void (*quantize_act)(GgmlType act_type, const float * x, void * y, int64_t k);

    // Attention over np F16 cache rows r_i = rows + i * stride, each d long
    // (one call per tile of positions, not per position):
    //   dot_rows_f16:  out[i] = scale * (r_i · q)
    //   axpy_rows_f16: y[0..d) += Σ_i w[i] * r_i
    void (*dot_rows_f16)(const uint16_t * rows, int64_t stride, int64_t np, const float * q, int64_t d, float scale, float * out);
    void (*axpy_rows_f16)(const float * w, const uint16_t * rows, int64_t stride, int64_t np, int64_t d, float * y);

    // Element-wise f32, length n; out may alias an input.
    float (*sum_sq)(const float * x, int64_t n);                                    // Σ x²
    void (*scale_mul)(const float * x, float s, const float * w, float * out, int64_t n);  // x*s*w (w nullable)
    void (*add)(const float * a, const float * b, float * out, int64_t n);
    void (*mul)(const float * a, const float * b, float * out, int64_t n);
    void (*silu)(const float * x, float * out, int64_t n);
    void (*swiglu)(const float * gate, const float * up, float * out, int64_t n);
    float (*max)(const float * x, int64_t n);
    float (*exp_sum)(float * x, float sub, int64_t n);  // x = exp(x - sub) in place; returns Σ
    void (*f32_to_f16)(const float * x, uint16_t * y, int64_t n);
    void (*f16_to_f32)(const uint16_t * x, float * y, int64_t n);

    // Machine-peak probes for the benchmark (never used by the engine).
    double (*probe_fma)(int64_t rounds);                // runs FMA chains; returns flops done
    float (*probe_read)(const void * p, size_t bytes);  // streams p with several streams; returns a checksum
};

// Tables compiled into this build (an ISA's table exists only in its arch's build).
const CpuKernels * cpu_kernels_generic();
#if defined(__x86_64__) || defined(_M_X64)
const CpuKernels * cpu_kernels_sse2();
const CpuKernels * cpu_kernels_avx2();
const CpuKernels * cpu_kernels_avx512();
const CpuKernels * cpu_kernels_avx512vnni();
const CpuKernels * cpu_kernels_avx512bf16();
#endif
#if defined(__aarch64__)
const CpuKernels * cpu_kernels_neon();
const CpuKernels * cpu_kernels_dotprod();
#endif

// The table for a level name; throws E_CPU_UNSUPPORTED when this CPU (or this
// build) lacks it, E_INVALID_ARGUMENT for a name that is no level at all.
const CpuKernels * cpu_kernels_by_name(const char * name);

} // namespace hearth
