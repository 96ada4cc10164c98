// The neon kernel table: kernels.inc under this file's own compiler flags
// (native/gyp/cpu.gypi). AArch64 baseline (ARMv8.0 NEON).
#define HEARTH_ISA_NAME "neon"
#define HEARTH_ISA_NS isa_neon
#define HEARTH_ISA_TABLE cpu_kernels_neon
#include "cpu/kernels.inc"
