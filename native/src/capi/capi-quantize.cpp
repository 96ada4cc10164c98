// Row (de)quantizers through hearth.h: the reference kernels, with the checks
// `hearth quantize` relies on for its messages.
#include <string>

#include "capi/capi-errors.h"
#include "common/status.h"
#include "hearth.h"
#include "tensor/ggml-type.h"
#include "tensor/quants-ref.h"

using namespace hearth;

extern "C" {

hearth_status hearth_quant_check_type(uint32_t type, hearth_error * err) {
    return capi::guarded(err, [&] {
        if (!tensor_type_has_ref((GgmlType)type)) {
            const GgmlTypeInfo * t = ggml_type_info(type);
            throw EngineError(STATUS_E_MODEL_UNSUPPORTED_TYPE,
                              std::string("no reference quantizer for type ") + (t ? t->name : std::to_string(type)));
        }
    });
}

hearth_status hearth_quant_row_bytes(uint32_t type, int64_t row_length, uint64_t * row_bytes, hearth_error * err) {
    *row_bytes = 0;
    return capi::guarded(err, [&] {
        const int64_t block = tensor_block_elems((GgmlType)type);
        if (row_length <= 0 || block <= 0 || row_length % block != 0) {
            throw EngineError(STATUS_E_INVALID_ARGUMENT, "row length " + std::to_string(row_length) +
                                                             " is not a multiple of the block size " + std::to_string(block));
        }
        *row_bytes = tensor_row_bytes((GgmlType)type, row_length);
    });
}

hearth_status hearth_quantize_rows(uint32_t type, const float * x, int64_t n_rows, int64_t row_length, void * out,
                                   hearth_error * err) {
    return capi::guarded(err, [&] {
        const uint64_t row_bytes = tensor_row_bytes((GgmlType)type, row_length);
        auto * y = static_cast<uint8_t *>(out);
        for (int64_t r = 0; r < n_rows; ++r) tensor_quantize_row((GgmlType)type, x + r * row_length, y + r * row_bytes, row_length);
    });
}

hearth_status hearth_dequantize_rows(uint32_t type, const void * x, int64_t n_rows, int64_t row_length, float * out,
                                     hearth_error * err) {
    return capi::guarded(err, [&] {
        const uint64_t row_bytes = tensor_row_bytes((GgmlType)type, row_length);
        const auto * q = static_cast<const uint8_t *>(x);
        for (int64_t r = 0; r < n_rows; ++r) tensor_dequantize_row((GgmlType)type, q + r * row_bytes, out + r * row_length, row_length);
    });
}

} // extern "C"
