#include "tensor/ggml-type.h"

namespace hearth {

namespace {

struct TypeRow { uint32_t id; GgmlTypeInfo info; };

// Geometry per ggml's block definitions (QK = 32 for the legacy quants,
// QK_K = 256 for the K-quants and most IQ formats), from the shared list.
constexpr TypeRow TYPE_TABLE[] = {
#define HEARTH_GGML_TYPE(name, id, block_elems, block_bytes, computable) \
    {GGML_TYPE_##name, {#name, block_elems, block_bytes, computable}},
#include "tensor/ggml-types.inc"
#undef HEARTH_GGML_TYPE
};

} // namespace

const GgmlTypeInfo * ggml_type_info(uint32_t type_id) {
    for (const TypeRow & row : TYPE_TABLE) {
        if (row.id == type_id) return &row.info;
    }
    return nullptr;
}

} // namespace hearth
