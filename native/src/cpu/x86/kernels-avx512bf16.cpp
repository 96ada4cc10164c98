// The avx512bf16 kernel table: kernels.inc under this file's own compiler flags
// (native/gyp/cpu.gypi). Cooper Lake, Sapphire Rapids, Zen 4: + BF16 dots.
#define HEARTH_ISA_NAME "avx512bf16"
#define HEARTH_ISA_NS isa_avx512bf16
#define HEARTH_ISA_TABLE cpu_kernels_avx512bf16
#include "cpu/kernels.inc"
