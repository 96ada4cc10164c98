// The avx512 kernel table: kernels.inc under this file's own compiler flags
// (native/gyp/cpu.gypi). Skylake-X and later: AVX-512 F/BW/VL/DQ.
#define HEARTH_ISA_NAME "avx512"
#define HEARTH_ISA_NS isa_avx512
#define HEARTH_ISA_TABLE cpu_kernels_avx512
#include "cpu/kernels.inc"
