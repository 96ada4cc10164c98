// The sse2 kernel table: kernels.inc under this file's own compiler flags
// (native/gyp/cpu.gypi). Baseline x86-64: must contain no AVX (tests scan the object).
#define HEARTH_ISA_NAME "sse2"
#define HEARTH_ISA_NS isa_sse2
#define HEARTH_ISA_TABLE cpu_kernels_sse2
#include "cpu/kernels.inc"
