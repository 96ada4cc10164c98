// dequant-check: the CUDA backend's block decoders (backend/cuda/dequant.cuh)
// run on the host against the engine's reference dequantizers, for every
// format the CUDA matmul reads. Needs nvcc, not a GPU: CI runs it where nvcc
// exists (scripts/test.d/cuda.sh). Exit 1 on any mismatch.
#include <cmath>
#include <cstdio>
#include <vector>

#include "backend/cuda/dequant.cuh"
#include "tensor/quants-ref.h"

using namespace hearth;
using namespace hearth::cuda;

namespace {

template <int T>
int check(const char * name, int64_t k, int rows) {
    using F = Fmt<T>;
    uint64_t s = 0x12345678abcdefull + T;
    std::vector<float> x((size_t)k), ref((size_t)k), got((size_t)k);
    const uint64_t rb = tensor_row_bytes((GgmlType)T, k);
    std::vector<uint8_t> q((size_t)rb + 16);
    int bad = 0;
    double worst = 0;
    for (int r = 0; r < rows; ++r) {
        // Rows with different scales, some with an offset (exercises the K-quant mins).
        const float scale = std::pow(10.0f, (float)(r % 7) - 3.0f), offset = (r % 3 == 0) ? 0.5f * scale : 0.0f;
        for (auto & v : x) {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            v = ((float)(s >> 40) / 16777216.0f - 0.5f) * 2.0f * scale + offset;
        }
        tensor_quantize_row((GgmlType)T, x.data(), q.data(), k);
        tensor_dequantize_row((GgmlType)T, q.data(), ref.data(), k);
        for (int64_t c = 0; c < k / 8; ++c) {
            const int per = F::kElems / 8;
            F::chunk(q.data() + (c / per) * F::kBytes, (int)(c % per), got.data() + c * 8);
        }
        for (int64_t i = 0; i < k; ++i) {
            const double e = std::fabs((double)got[(size_t)i] - ref[(size_t)i]);
            const double tol = 1e-6 * std::fabs((double)ref[(size_t)i]) + 1e-30;
            if (e > tol) {
                if (bad < 5) std::printf("  %s row %d elem %lld: got %g want %g\n", name, r, (long long)i, got[(size_t)i], ref[(size_t)i]);
                ++bad;
            }
            if (e > worst) worst = e;
        }
    }
    std::printf("%s %s: %d rows of %lld, %d mismatches (max abs diff %.3g)\n", bad ? "FAIL" : "PASS", name, rows,
                (long long)k, bad, worst);
    return bad ? 1 : 0;
}

} // namespace

int main() {
    int fails = 0;
    fails += check<T_F32>("F32", 512, 8);
    fails += check<T_F16>("F16", 512, 8);
    fails += check<T_BF16>("BF16", 512, 8);
    fails += check<T_Q4_0>("Q4_0", 1024, 32);
    fails += check<T_Q8_0>("Q8_0", 1024, 32);
    fails += check<T_Q4_K>("Q4_K", 2048, 32);
    fails += check<T_Q6_K>("Q6_K", 2048, 32);
    std::printf("%s\n", fails ? "FAILED" : "OK");
    return fails ? 1 : 0;
}
