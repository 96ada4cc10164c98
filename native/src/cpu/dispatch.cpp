#include "cpu/dispatch.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "common/status.h"
#include "cpu/cpu-ops.h"
#include "cpu/features.h"

namespace hearth {

namespace {

std::vector<CpuLevel> build_levels() {
    const CpuFeatures & f = cpu_features_detect();
    std::vector<CpuLevel> levels;
    levels.push_back({"generic", cpu_kernels_generic, true});
#if defined(__x86_64__) || defined(_M_X64)
    const bool avx2 = f.avx2 && f.fma && f.f16c;                           // Haswell (2013-), Zen (2017-)
    const bool avx512 = avx2 && f.avx512f && f.avx512bw && f.avx512vl && f.avx512dq;  // Skylake-X (2017-), Zen 4
    levels.push_back({"sse2", cpu_kernels_sse2, f.sse2});
    levels.push_back({"avx2", cpu_kernels_avx2, avx2});
    levels.push_back({"avx512", cpu_kernels_avx512, avx512});
    levels.push_back({"avx512vnni", cpu_kernels_avx512vnni, avx512 && f.avx512vnni});  // Cascade Lake (2019-)
    levels.push_back({"avx512bf16", cpu_kernels_avx512bf16, avx512 && f.avx512vnni && f.avx512bf16});  // Cooper Lake, Sapphire Rapids, Zen 4
#elif defined(__aarch64__)
    levels.push_back({"neon", cpu_kernels_neon, f.neon});
    levels.push_back({"dotprod", cpu_kernels_dotprod, f.neon && f.dotprod && f.fp16});  // ARMv8.2 (Cortex-A76-, Apple M1-)
#else
    (void)f;
#endif
    return levels;
}

const CpuKernels * pick_best() {
    const char * forced = std::getenv("HEARTH_CPU");
    const CpuKernels * chosen = nullptr;
    if (forced && *forced) {
        chosen = cpu_kernels_by_name(forced);  // throws when unknown or unsupported
    } else {
        for (const CpuLevel & level : cpu_levels()) {
            if (level.supported) chosen = level.table();
        }
    }
    const char * log = std::getenv("HEARTH_LOG");
    if (log && std::strcmp(log, "debug") == 0) {
        std::fprintf(stderr, "hearth: cpu kernels: %s%s\n", chosen->name, forced && *forced ? " (HEARTH_CPU)" : "");
    }
    return chosen;
}

} // namespace

const std::vector<CpuLevel> & cpu_levels() {
    static const std::vector<CpuLevel> levels = build_levels();
    return levels;
}

const CpuKernels * cpu_kernels_by_name(const char * name) {
    static const char * const KNOWN[] = {"generic", "sse2", "avx2", "avx512", "avx512vnni", "avx512bf16", "neon", "dotprod"};
    for (const CpuLevel & level : cpu_levels()) {
        if (std::strcmp(level.name, name) != 0) continue;
        if (!level.supported) throw_error(STATUS_E_CPU_UNSUPPORTED, "this CPU cannot run the '%s' kernels", name);
        return level.table();
    }
    for (const char * known : KNOWN) {
        if (std::strcmp(known, name) == 0) {
            throw_error(STATUS_E_CPU_UNSUPPORTED, "the '%s' kernels are not built for this architecture", name);
        }
    }
    throw_error(STATUS_E_INVALID_ARGUMENT, "unknown CPU level '%s' (generic, sse2, avx2, avx512, avx512vnni, "
                "avx512bf16, neon, dotprod)", name);
}

// Chosen once; a bad HEARTH_CPU throws on every call rather than being cached.
const CpuKernels * cpu_kernels_best() {
    static std::once_flag once;
    static const CpuKernels * best = nullptr;
    if (!best) {
        const CpuKernels * chosen = pick_best();
        std::call_once(once, [&] { best = chosen; });
    }
    return best;
}

const char * cpu_kernels_name(const CpuKernels * k) { return k ? k->name : "none"; }

} // namespace hearth
