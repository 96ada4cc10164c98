// The avx512vnni kernel table: kernels.inc under this file's own compiler flags
// (native/gyp/cpu.gypi). Cascade Lake and later: + VNNI int8 dots.
#define HEARTH_ISA_NAME "avx512vnni"
#define HEARTH_ISA_NS isa_avx512vnni
#define HEARTH_ISA_TABLE cpu_kernels_avx512vnni
#include "cpu/kernels.inc"
