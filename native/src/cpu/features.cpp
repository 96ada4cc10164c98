#include "cpu/features.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>
#endif
#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMD
#define HWCAP_ASIMD (1 << 1)
#endif
#ifndef HWCAP_FPHP
#define HWCAP_FPHP (1 << 9)
#endif
#ifndef HWCAP_ASIMDHP
#define HWCAP_ASIMDHP (1 << 10)
#endif
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif
#endif
#if defined(__aarch64__) && defined(__APPLE__)
#include <sys/sysctl.h>
#endif

namespace hearth {

namespace {

#if defined(__x86_64__) || defined(_M_X64)
// XCR0: which register files the OS saves on context switch.
unsigned long long read_xcr0() {
    unsigned int eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

CpuFeatures detect() {
    CpuFeatures f;
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return f;
    f.sse2 = (d >> 26) & 1;
    f.ssse3 = (c >> 9) & 1;
    f.sse41 = (c >> 19) & 1;
    const bool osxsave = (c >> 27) & 1;
    const bool cpu_avx = (c >> 28) & 1, cpu_fma = (c >> 12) & 1, cpu_f16c = (c >> 29) & 1;
    const unsigned long long xcr0 = osxsave ? read_xcr0() : 0;
    const bool os_ymm = (xcr0 & 0x6) == 0x6;      // SSE + AVX state
    const bool os_zmm = (xcr0 & 0xe6) == 0xe6;    // + opmask, ZMM_Hi256, Hi16_ZMM
    f.avx = cpu_avx && os_ymm;
    f.fma = cpu_fma && os_ymm;
    f.f16c = cpu_f16c && os_ymm;
    unsigned int max_leaf = __get_cpuid_max(0, nullptr);
    if (max_leaf >= 7) {
        __cpuid_count(7, 0, a, b, c, d);
        f.avx2 = ((b >> 5) & 1) && os_ymm;
        f.avx512f = ((b >> 16) & 1) && os_zmm;
        f.avx512dq = ((b >> 17) & 1) && os_zmm;
        f.avx512bw = ((b >> 30) & 1) && os_zmm;
        f.avx512vl = ((b >> 31) & 1) && os_zmm;
        f.avx512vnni = ((c >> 11) & 1) && os_zmm;
        __cpuid_count(7, 1, a, b, c, d);
        f.avx512bf16 = ((a >> 5) & 1) && os_zmm;
    }
    return f;
}
#elif defined(__aarch64__)
CpuFeatures detect() {
    CpuFeatures f;
    f.neon = true;  // mandatory in AArch64
#if defined(__linux__)
    const unsigned long hw = getauxval(AT_HWCAP);
    f.neon = (hw & HWCAP_ASIMD) != 0;
    f.dotprod = (hw & HWCAP_ASIMDDP) != 0;
    f.fp16 = (hw & HWCAP_FPHP) && (hw & HWCAP_ASIMDHP);
#elif defined(__APPLE__)
    // macOS has no getauxval; the kernel publishes each feature as a sysctl.
    // Untested here (no macOS SDK): see docs/platforms.md.
    auto has = [](const char * name) {
        int value = 0;
        size_t len = sizeof(value);
        return sysctlbyname(name, &value, &len, nullptr, 0) == 0 && value != 0;
    };
    f.dotprod = has("hw.optional.arm.FEAT_DotProd");
    f.fp16 = has("hw.optional.arm.FEAT_FP16");
#endif
    return f;
}
#else
CpuFeatures detect() { return CpuFeatures{}; }
#endif

} // namespace

const CpuFeatures & cpu_features_detect() {
    static const CpuFeatures features = detect();
    return features;
}

std::vector<std::string> cpu_features_names(const CpuFeatures & f) {
    std::vector<std::string> out;
    const std::pair<bool, const char *> all[] = {
        {f.sse2, "sse2"}, {f.ssse3, "ssse3"}, {f.sse41, "sse4.1"}, {f.avx, "avx"}, {f.avx2, "avx2"},
        {f.fma, "fma"}, {f.f16c, "f16c"}, {f.avx512f, "avx512f"}, {f.avx512bw, "avx512bw"},
        {f.avx512vl, "avx512vl"}, {f.avx512dq, "avx512dq"}, {f.avx512vnni, "avx512vnni"},
        {f.avx512bf16, "avx512bf16"}, {f.neon, "neon"}, {f.dotprod, "dotprod"}, {f.fp16, "fp16"},
    };
    for (const auto & [present, name] : all) {
        if (present) out.push_back(name);
    }
    return out;
}

} // namespace hearth
