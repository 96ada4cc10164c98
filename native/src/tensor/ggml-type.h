// ggml tensor type ids as GGUF stores them, with their block geometry.
//
// The ids are a file format fact (ggml's enum ggml_type); gaps are ids ggml
// retired. A tensor row of ne0 elements takes ne0 / block_elems blocks of
// block_bytes each. Block layouts themselves live in tensor/blocks.h.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hearth {

// The ids, from native/lists/ggml-types.json (the table TypeScript reads too).
enum GgmlType : uint32_t {
#define HEARTH_GGML_TYPE(name, id, block_elems, block_bytes, computable) GGML_TYPE_##name = id,
#include "tensor/ggml-types.inc"
#undef HEARTH_GGML_TYPE
    GGML_TYPE_COUNT_ = HEARTH_GGML_TYPE_ID_END,
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
