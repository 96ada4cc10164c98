// The dotprod kernel table: kernels.inc under this file's own compiler flags
// (native/gyp/cpu.gypi). ARMv8.2 with dotprod and fp16 (Cortex-A76, Apple M1 and later).
#define HEARTH_ISA_NAME "dotprod"
#define HEARTH_ISA_NS isa_dotprod
#define HEARTH_ISA_TABLE cpu_kernels_dotprod
#include "cpu/kernels.inc"
