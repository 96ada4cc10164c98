// Row quantizers for `hearth quantize`: the kernels module's reference
// (de)quantizers, run on the libuv pool so the CLI's event loop stays free.
#include <cstring>
#include <vector>

#include "common/status.h"
#include "napi/async-task.h"
#include "napi/js-values.h"
#include "tensor/quants-ref.h"

namespace hearth::napi {

namespace {

GgmlType require_type(const Napi::CallbackInfo & info, size_t index) {
    if (info.Length() <= index || !info[index].IsNumber()) {
        throw make_error(info.Env(), "E_INVALID_ARGUMENT", "type must be a ggml type id");
    }
    uint32_t id = info[index].As<Napi::Number>().Uint32Value();
    if (!tensor_type_has_ref((GgmlType)id)) {
        const GgmlTypeInfo * t = ggml_type_info(id);
        throw make_error(info.Env(), "E_MODEL_UNSUPPORTED_TYPE",
                         std::string("no reference quantizer for type ") + (t ? t->name : std::to_string(id)));
    }
    return (GgmlType)id;
}

int64_t require_row_length(const Napi::CallbackInfo & info, size_t index, GgmlType type) {
    int64_t k = info.Length() > index && info[index].IsNumber() ? info[index].As<Napi::Number>().Int64Value() : 0;
    int64_t block = tensor_block_elems(type);
    if (k <= 0 || block <= 0 || k % block != 0) {
        throw make_error(info.Env(), "E_INVALID_ARGUMENT",
                         "row length " + std::to_string(k) + " is not a multiple of the block size " + std::to_string(block));
    }
    return k;
}

// quantizeRows(typeId, Float32Array data, rowLength) -> Promise<Uint8Array>
Napi::Value quantize_rows(const Napi::CallbackInfo & info) {
    GgmlType type = require_type(info, 0);
    if (info.Length() < 2 || !info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
        throw make_error(info.Env(), "E_INVALID_ARGUMENT", "data must be a Float32Array");
    }
    auto arr = info[1].As<Napi::Float32Array>();
    int64_t k = require_row_length(info, 2, type);
    if ((int64_t)arr.ElementLength() % k != 0) throw make_error(info.Env(), "E_INVALID_ARGUMENT", "data is not whole rows");
    auto x = std::make_shared<std::vector<float>>(arr.Data(), arr.Data() + arr.ElementLength());
    return AsyncTask<std::vector<uint8_t>>::start(
        info.Env(),
        [type, x, k]() {
            const int64_t rows = (int64_t)x->size() / k;
            const uint64_t row_bytes = tensor_row_bytes(type, k);
            std::vector<uint8_t> out((size_t)(row_bytes * (uint64_t)rows));
            for (int64_t r = 0; r < rows; ++r) tensor_quantize_row(type, x->data() + r * k, out.data() + r * row_bytes, k);
            return out;
        },
        [](Napi::Env env, std::vector<uint8_t> & out) -> Napi::Value {
            auto buf = Napi::Uint8Array::New(env, out.size());
            std::memcpy(buf.Data(), out.data(), out.size());
            return buf;
        });
}

// dequantizeRows(typeId, Uint8Array bytes, rowLength) -> Promise<Float32Array>
Napi::Value dequantize_rows(const Napi::CallbackInfo & info) {
    GgmlType type = require_type(info, 0);
    if (info.Length() < 2 || !info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
        throw make_error(info.Env(), "E_INVALID_ARGUMENT", "bytes must be a Uint8Array");
    }
    auto arr = info[1].As<Napi::Uint8Array>();
    int64_t k = require_row_length(info, 2, type);
    const uint64_t row_bytes = tensor_row_bytes(type, k);
    if (arr.ByteLength() % row_bytes != 0) throw make_error(info.Env(), "E_INVALID_ARGUMENT", "bytes are not whole rows");
    auto x = std::make_shared<std::vector<uint8_t>>(arr.Data(), arr.Data() + arr.ByteLength());
    return AsyncTask<std::vector<float>>::start(
        info.Env(),
        [type, x, k, row_bytes]() {
            const int64_t rows = (int64_t)(x->size() / row_bytes);
            std::vector<float> out((size_t)(rows * k));
            for (int64_t r = 0; r < rows; ++r) tensor_dequantize_row(type, x->data() + r * row_bytes, out.data() + r * k, k);
            return out;
        },
        [](Napi::Env env, std::vector<float> & out) -> Napi::Value {
            auto buf = Napi::Float32Array::New(env, out.size());
            std::memcpy(buf.Data(), out.data(), out.size() * sizeof(float));
            return buf;
        });
}

} // namespace

void init_quantize(Napi::Env env, Napi::Object exports) {
    exports.Set("quantizeRows", Napi::Function::New(env, [](const Napi::CallbackInfo & info) -> Napi::Value {
        return guard(info.Env(), [&] { return quantize_rows(info); });
    }, "quantizeRows"));
    exports.Set("dequantizeRows", Napi::Function::New(env, [](const Napi::CallbackInfo & info) -> Napi::Value {
        return guard(info.Env(), [&] { return dequantize_rows(info); });
    }, "dequantizeRows"));
}

} // namespace hearth::napi
