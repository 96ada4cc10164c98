// The one dispatch point: which kernel tables this CPU can run, best first.
#pragma once

#include <string>
#include <vector>

#include "cpu/kernels.h"

namespace hearth {

struct CpuLevel {
    const char * name;
    const CpuKernels * (*table)();
    bool supported;  // this CPU runs it
};

// Every level this build knows, lowest first (generic is always supported).
const std::vector<CpuLevel> & cpu_levels();

} // namespace hearth
