// utf8StreamDecode(chunks) -> Buffer[]: a test hook for the C++
// Utf8StreamDecoder (tokenizer/tokenizer.h) that generation uses to cut
// streamed bytes at character boundaries. Pushes each chunk, then flushes;
// returns what each call gave (chunks.length + 1 buffers). Testing addon only.
#include <string>
#include <string_view>

#include "napi/errors.h"
#include "napi/testing-modules.h"
#include "tokenizer/tokenizer.h"

namespace hearth::napi {

namespace {

Napi::Value utf8_stream_decode(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsArray()) throw make_error(env, "E_INVALID_ARGUMENT", "chunks must be an array of Uint8Array");
    Napi::Array chunks = info[0].As<Napi::Array>();
    Utf8StreamDecoder dec;
    Napi::Array out = Napi::Array::New(env, chunks.Length() + 1);
    for (uint32_t i = 0; i < chunks.Length(); ++i) {
        Napi::Value v = chunks[i];
        if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
            throw make_error(env, "E_INVALID_ARGUMENT", "chunks must be an array of Uint8Array");
        }
        Napi::Uint8Array u8 = v.As<Napi::Uint8Array>();
        const std::string s = dec.push(std::string_view(reinterpret_cast<const char *>(u8.Data()), u8.ByteLength()));
        out[i] = Napi::Buffer<char>::Copy(env, s.data(), s.size());
    }
    const std::string rest = dec.flush();
    out[chunks.Length()] = Napi::Buffer<char>::Copy(env, rest.data(), rest.size());
    return out;
}

} // namespace

void init_utf8_stream(Napi::Env env, Napi::Object exports) {
    exports.Set("utf8StreamDecode", Napi::Function::New(env, [](const Napi::CallbackInfo & info) -> Napi::Value {
        return guard(info.Env(), [&] { return utf8_stream_decode(info); });
    }, "utf8StreamDecode"));
}

} // namespace hearth::napi
