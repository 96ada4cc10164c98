// Scalar reference quantizers and dequantizers for every block format.
//
// The quantizers follow ggml's reference schemes (round-to-nearest, and the
// weighted scale/min searches for the K-quants), so a row quantized here is
// byte-identical to what llama.cpp's reference path writes. The non-linear
// formats (quants-ref-nl.cpp) have quantizers of their own; their
// dequantizers are bit-identical to ggml's.
#pragma once

#include <cstdint>

#include "tensor/ggml-type.h"

namespace hearth {

// True for the types quantize/dequantize below accept (F32, F16, BF16, the
// legacy quants incl. Q8_1, the K-quants incl. Q8_K, IQ4_NL, IQ4_XS, MXFP4).
bool tensor_type_has_ref(GgmlType type);

// y = blocks of x[k]; k must be a multiple of the type's block size.
void tensor_quantize_row(GgmlType type, const float * x, void * y, int64_t k);
// y[k] = f32 of k elements stored in x.
void tensor_dequantize_row(GgmlType type, const void * x, float * y, int64_t k);

// Bytes of k elements of type (k a multiple of its block size).
uint64_t tensor_row_bytes(GgmlType type, int64_t k);
// Elements per block (1 for plain types); 0 for an unknown type.
int64_t tensor_block_elems(GgmlType type);
// sizeof the block struct in tensor/blocks.h (element size for plain types);
// 0 where there is none. Tests check it against the ggml type table.
uint64_t tensor_block_struct_bytes(GgmlType type);

} // namespace hearth
