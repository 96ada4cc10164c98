// Standalone kernel check (no Node): every table this CPU runs against the
// generic one, for every weight format and a few shapes, plus attention and
// the element-wise ops. Used for cross builds run under qemu (arm64).
//
//   cpu-driver <expected selected level>     exit 0: all match
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "cpu/cpu-ops.h"
#include "cpu/dispatch.h"
#include "cpu/kernels.h"
#include "cpu/thread-pool.h"
#include "tensor/fp16.h"
#include "tensor/quants-ref.h"

using namespace hearth;

static double nmse(const std::vector<float> & got, const std::vector<float> & ref) {
    double e = 0, s = 0;
    for (size_t i = 0; i < ref.size(); ++i) {
        if (std::isnan(got[i])) return INFINITY;
        e += (double)(got[i] - ref[i]) * (got[i] - ref[i]);
        s += (double)ref[i] * ref[i];
    }
    return s ? e / s : e;
}

int main(int argc, char ** argv) {
    int failures = 0;
    const char * selected = cpu_kernels_name(cpu_kernels_best());
    std::printf("selected: %s\n", selected);
    if (argc > 1 && std::strcmp(argv[1], selected) != 0) {
        std::printf("FAIL: expected %s\n", argv[1]);
        ++failures;
    }
    std::mt19937 rng(42);
    std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
    const GgmlType types[] = {GGML_TYPE_F32, GGML_TYPE_F16, GGML_TYPE_BF16, GGML_TYPE_Q4_0, GGML_TYPE_Q4_1,
                              GGML_TYPE_Q5_0, GGML_TYPE_Q5_1, GGML_TYPE_Q8_0, GGML_TYPE_Q2_K, GGML_TYPE_Q3_K,
                              GGML_TYPE_Q4_K, GGML_TYPE_Q5_K, GGML_TYPE_Q6_K, GGML_TYPE_IQ4_NL, GGML_TYPE_IQ4_XS,
                              GGML_TYPE_MXFP4};
    const int shapes[][2] = {{1, 1}, {7, 1}, {65, 1}, {7, 5}, {33, 9}};
    ThreadPool pool(2);
    const CpuKernels * generic = cpu_kernels_generic();
    for (const CpuLevel & level : cpu_levels()) {
        if (!level.supported) continue;
        const CpuKernels * kt = level.table();
        double worst = 0;
        for (GgmlType t : types) {
            const int64_t k = tensor_block_elems(t) == 256 ? 512 : (tensor_block_elems(t) == 32 ? 96 : 83);
            for (const auto & s : shapes) {
                const int64_t m = s[0], n = s[1];
                std::vector<float> w((size_t)(m * k)), x((size_t)(n * k));
                for (float & v : w) v = uni(rng);
                for (float & v : x) v = uni(rng);
                std::vector<uint8_t> wq((size_t)(tensor_row_bytes(t, k) * m));
                for (int64_t i = 0; i < m; ++i) tensor_quantize_row(t, &w[(size_t)(i * k)], &wq[(size_t)(i * tensor_row_bytes(t, k))], k);
                std::vector<float> ref((size_t)(n * m)), got((size_t)(n * m), NAN);
                cpu_matmul(CpuContext{generic, nullptr}, t, wq.data(), m, k, x.data(), n, ref.data());
                cpu_matmul(CpuContext{kt, &pool}, t, wq.data(), m, k, x.data(), n, got.data());
                const double e = nmse(got, ref);
                if (e > worst) worst = e;
                if (!(e < 1e-5)) {
                    std::printf("FAIL %s %s m=%lld n=%lld: nmse %.3g\n", level.name, ggml_type_info(t)->name, (long long)m, (long long)n, e);
                    ++failures;
                }
            }
        }
        // attention + element-wise
        const int64_t n_kv = 300, hd = 64, nh = 4, nhk = 2;
        std::vector<float> q((size_t)(nh * hd)), kvf((size_t)(n_kv * nhk * hd));
        for (float & v : q) v = uni(rng);
        std::vector<uint16_t> kc(kvf.size()), vc(kvf.size());
        for (auto & v : kc) v = fp16_from_f32(uni(rng));
        for (auto & v : vc) v = fp16_from_f32(uni(rng));
        AttentionArgs a{q.data(), kc.data(), vc.data(), nullptr, 1, nh, nhk, hd, n_kv, n_kv - 1, 0.125f};
        std::vector<float> ra(q.size()), ga(q.size(), NAN);
        a.out = ra.data();
        cpu_attention(CpuContext{generic, nullptr}, a);
        a.out = ga.data();
        cpu_attention(CpuContext{kt, &pool}, a);
        const double ea = nmse(ga, ra);
        std::vector<float> xs(1000), r1(1000), g1(1000, NAN);
        for (float & v : xs) v = 4 * uni(rng);
        cpu_silu(CpuContext{generic, nullptr}, xs.data(), r1.data(), 1000);
        cpu_silu(CpuContext{kt, nullptr}, xs.data(), g1.data(), 1000);
        const double es = nmse(g1, r1);
        if (!(ea < 1e-10) || !(es < 1e-10)) {
            std::printf("FAIL %s attention nmse %.3g silu nmse %.3g\n", level.name, ea, es);
            ++failures;
        }
        std::printf("%-8s matmul worst nmse vs generic %.2e, attention %.2e, silu %.2e\n", level.name, worst, ea, es);
    }
    std::printf(failures ? "cpu-driver: %d FAILURES\n" : "cpu-driver: all tables match generic\n", failures);
    return failures ? 1 : 0;
}
