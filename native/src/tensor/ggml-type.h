// ggml tensor type ids as GGUF stores them, with their block geometry.
//
// The ids are a file format fact (ggml's enum ggml_type); gaps are ids ggml
// retired. A tensor row of ne0 elements takes ne0 / block_elems blocks of
// block_bytes each. Block layouts themselves live in tensor/blocks.h.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hearth {

enum GgmlType : uint32_t {
    GGML_TYPE_F32     = 0,
    GGML_TYPE_F16     = 1,
    GGML_TYPE_Q4_0    = 2,
    GGML_TYPE_Q4_1    = 3,
    GGML_TYPE_Q5_0    = 6,
    GGML_TYPE_Q5_1    = 7,
    GGML_TYPE_Q8_0    = 8,
    GGML_TYPE_Q8_1    = 9,
    GGML_TYPE_Q2_K    = 10,
    GGML_TYPE_Q3_K    = 11,
    GGML_TYPE_Q4_K    = 12,
    GGML_TYPE_Q5_K    = 13,
    GGML_TYPE_Q6_K    = 14,
    GGML_TYPE_Q8_K    = 15,
    GGML_TYPE_IQ2_XXS = 16,
    GGML_TYPE_IQ2_XS  = 17,
    GGML_TYPE_IQ3_XXS = 18,
    GGML_TYPE_IQ1_S   = 19,
    GGML_TYPE_IQ4_NL  = 20,
    GGML_TYPE_IQ3_S   = 21,
    GGML_TYPE_IQ2_S   = 22,
    GGML_TYPE_IQ4_XS  = 23,
    GGML_TYPE_I8      = 24,
    GGML_TYPE_I16     = 25,
    GGML_TYPE_I32     = 26,
    GGML_TYPE_I64     = 27,
    GGML_TYPE_F64     = 28,
    GGML_TYPE_IQ1_M   = 29,
    GGML_TYPE_BF16    = 30,
    GGML_TYPE_TQ1_0   = 34,
    GGML_TYPE_TQ2_0   = 35,
    GGML_TYPE_MXFP4   = 39,
    GGML_TYPE_COUNT_  = 40,  // one past the largest id we know
};

struct GgmlTypeInfo {
    const char * name;        // "Q4_K", as llama.cpp prints it
    uint32_t     block_elems; // elements per block (1 for plain types)
    uint32_t     block_bytes; // bytes per block
    bool         computable;  // Hearth has kernels for it (weights or activations)
};

// nullptr for an id that is unknown or retired.
const GgmlTypeInfo * ggml_type_info(uint32_t type_id);

// Bytes of one row of ne0 elements; ne0 must be a multiple of block_elems.
inline uint64_t ggml_row_bytes(const GgmlTypeInfo & t, uint64_t ne0) {
    return ne0 / t.block_elems * t.block_bytes;
}

} // namespace hearth
