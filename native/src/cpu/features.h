// What this CPU can run, read once from cpuid/xgetbv (x86) or getauxval (arm64).
#pragma once

#include <string>
#include <vector>

namespace hearth {

struct CpuFeatures {
    // x86-64 (each true only when the OS also saves the needed register state)
    bool sse2 = false, ssse3 = false, sse41 = false, avx = false, avx2 = false, fma = false, f16c = false;
    bool avx512f = false, avx512bw = false, avx512vl = false, avx512dq = false;
    bool avx512vnni = false, avx512bf16 = false;
    // arm64
    bool neon = false, dotprod = false, fp16 = false;
};

const CpuFeatures & cpu_features_detect();
// Names of the features present, e.g. {"sse2", "avx2", "fma", ...}.
std::vector<std::string> cpu_features_names(const CpuFeatures & f);

} // namespace hearth
