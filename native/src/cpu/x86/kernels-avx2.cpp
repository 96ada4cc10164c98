// The avx2 kernel table: kernels.inc under this file's own compiler flags
// (native/gyp/cpu.gypi). Haswell and later: AVX2 + FMA + F16C.
#define HEARTH_ISA_NAME "avx2"
#define HEARTH_ISA_NS isa_avx2
#define HEARTH_ISA_TABLE cpu_kernels_avx2
#include "cpu/kernels.inc"
