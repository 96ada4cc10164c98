// Row quantizers for `hearth quantize`: the kernels module's reference
// (de)quantizers, run on the libuv pool so the CLI's event loop stays free.
#include <cstring>
#include <vector>

#include "hearth.h"
#include "napi/async-task.h"
#include "napi/js-model-holders.h"
#include "napi/js-values.h"

namespace hearth::napi {

namespace {

uint32_t require_type(const Napi::CallbackInfo & info, size_t index) {
    if (info.Length() <= index || !info[index].IsNumber()) {
        throw make_error(info.Env(), "E_INVALID_ARGUMENT", "type must be a ggml type id");
    }
    uint32_t id = info[index].As<Napi::Number>().Uint32Value();
    hearth_error err;
    check(hearth_quant_check_type(id, &err), err);
    return id;
}

// The row length, checked against the type's block; *row_bytes: one row's bytes.
int64_t require_row_length(const Napi::CallbackInfo & info, size_t index, uint32_t type, uint64_t * row_bytes) {
    int64_t k = info.Length() > index && info[index].IsNumber() ? info[index].As<Napi::Number>().Int64Value() : 0;
    hearth_error err;
    check(hearth_quant_row_bytes(type, k, row_bytes, &err), err);
    return k;
}

// quantizeRows(typeId, Float32Array data, rowLength) -> Promise<Uint8Array>
Napi::Value quantize_rows(const Napi::CallbackInfo & info) {
    uint32_t type = require_type(info, 0);
    if (info.Length() < 2 || !info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
        throw make_error(info.Env(), "E_INVALID_ARGUMENT", "data must be a Float32Array");
    }
    auto arr = info[1].As<Napi::Float32Array>();
    uint64_t row_bytes = 0;
    int64_t k = require_row_length(info, 2, type, &row_bytes);
    if ((int64_t)arr.ElementLength() % k != 0) throw make_error(info.Env(), "E_INVALID_ARGUMENT", "data is not whole rows");
    auto x = std::make_shared<std::vector<float>>(arr.Data(), arr.Data() + arr.ElementLength());
    return AsyncTask<std::vector<uint8_t>>::start(
        info.Env(),
        [type, x, k, row_bytes]() {
            const int64_t rows = (int64_t)x->size() / k;
            std::vector<uint8_t> out((size_t)(row_bytes * (uint64_t)rows));
            hearth_error err;
            check(hearth_quantize_rows(type, x->data(), rows, k, out.data(), &err), err);
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
    uint32_t type = require_type(info, 0);
    if (info.Length() < 2 || !info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
        throw make_error(info.Env(), "E_INVALID_ARGUMENT", "bytes must be a Uint8Array");
    }
    auto arr = info[1].As<Napi::Uint8Array>();
    uint64_t row_bytes = 0;
    int64_t k = require_row_length(info, 2, type, &row_bytes);
    if (arr.ByteLength() % row_bytes != 0) throw make_error(info.Env(), "E_INVALID_ARGUMENT", "bytes are not whole rows");
    auto x = std::make_shared<std::vector<uint8_t>>(arr.Data(), arr.Data() + arr.ByteLength());
    return AsyncTask<std::vector<float>>::start(
        info.Env(),
        [type, x, k, row_bytes]() {
            const int64_t rows = (int64_t)(x->size() / row_bytes);
            std::vector<float> out((size_t)(rows * k));
            hearth_error err;
            check(hearth_dequantize_rows(type, x->data(), rows, k, out.data(), &err), err);
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
