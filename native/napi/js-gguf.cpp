// JS surface of the GGUF reader: ggufInspect(path, { useMmap }) -> Promise.
// The parse runs on the libuv pool; only the marshalling below runs on the
// main thread. Values map to JS as documented in extension/engine/gguf.ts:
// 64-bit integers beyond 2^53 become decimal strings.
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "hearth.h"
#include "napi/async-task.h"
#include "napi/errors.h"
#include "napi/modules.h"

namespace hearth::napi {

namespace {

constexpr uint64_t JS_MAX_SAFE_INTEGER = (1ull << 53) - 1;

Napi::Value js_from_u64(Napi::Env env, uint64_t v) {
    if (v <= JS_MAX_SAFE_INTEGER) return Napi::Number::New(env, static_cast<double>(v));
    return Napi::String::New(env, std::to_string(v));
}

Napi::Value js_from_i64(Napi::Env env, int64_t v) {
    if (v >= -static_cast<int64_t>(JS_MAX_SAFE_INTEGER) && v <= static_cast<int64_t>(JS_MAX_SAFE_INTEGER)) {
        return Napi::Number::New(env, static_cast<double>(v));
    }
    return Napi::String::New(env, std::to_string(v));
}

Napi::String js_from_view(Napi::Env env, std::string_view s) {
    return Napi::String::New(env, s.data(), s.size());
}

std::string_view view_of(hearth_string s) { return std::string_view(s.data, s.len); }

Napi::Value js_from_value(Napi::Env env, const hearth_gguf_value & v);

// Appends s as UTF-16; false (out unchanged in meaning) on invalid UTF-8,
// which the caller then leaves to V8's own decoder and its replacement rules.
bool js_append_utf16(std::string_view s, std::u16string & out) {
    const auto * p = reinterpret_cast<const uint8_t *>(s.data());
    const uint8_t * end = p + s.size();
    while (p < end) {
        uint32_t c = *p;
        if (c < 0x80) {
            out.push_back(static_cast<char16_t>(c));
            p++;
            continue;
        }
        int extra;
        uint32_t lo = 0x80, hi = 0xbf;
        if (c >= 0xc2 && c <= 0xdf) { extra = 1; c &= 0x1f; }
        else if (c >= 0xe0 && c <= 0xef) { extra = 2; if (c == 0xe0) lo = 0xa0; if (c == 0xed) hi = 0x9f; c &= 0x0f; }
        else if (c >= 0xf0 && c <= 0xf4) { extra = 3; if (c == 0xf0) lo = 0x90; if (c == 0xf4) hi = 0x8f; c &= 0x07; }
        else return false;
        if (end - p <= extra) return false;
        for (int k = 1; k <= extra; k++) {
            uint32_t b = p[k];
            if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xbf)) return false;
            c = (c << 6) | (b & 0x3f);
        }
        p += extra + 1;
        if (c >= 0x10000) {
            c -= 0x10000;
            out.push_back(static_cast<char16_t>(0xd800 + (c >> 10)));
            out.push_back(static_cast<char16_t>(0xdc00 + (c & 0x3ff)));
        } else {
            out.push_back(static_cast<char16_t>(c));
        }
    }
    return true;
}

// Big string arrays (vocabularies of 150k tokens) cost one N-API call per
// string the plain way. Instead: one UTF-16 string holding them all plus
// their boundaries; the facade cuts it with substring(), which V8 does far
// faster. Returns an empty value when the plain path must be used.
constexpr uint64_t JS_PACK_MIN_STRINGS = 256;
constexpr size_t JS_PACK_MAX_UNITS = size_t(1) << 28;  // under V8's string length limit

Napi::Value js_pack_strings(Napi::Env env, const hearth_gguf_value & a) {
    if (a.count < JS_PACK_MIN_STRINGS) return Napi::Value();
    std::u16string all;
    size_t bytes = 0;
    const size_t n = static_cast<size_t>(a.count);
    for (size_t i = 0; i < n; i++) bytes += hearth_gguf_array_string(a.arr, i).len;
    if (bytes > JS_PACK_MAX_UNITS) return Napi::Value();
    all.reserve(bytes);
    Napi::Uint32Array ends = Napi::Uint32Array::New(env, n);
    for (size_t i = 0; i < n; i++) {
        if (!js_append_utf16(view_of(hearth_gguf_array_string(a.arr, i)), all)) return Napi::Value();
        ends[i] = static_cast<uint32_t>(all.size());
    }
    Napi::Object packed = Napi::Object::New(env);
    packed.Set("packed", Napi::String::New(env, all.data(), all.size()));
    packed.Set("ends", ends);
    return packed;
}

// Big numeric arrays (scores, token types) likewise: one typed array over a
// copy of the raw bytes, which the facade turns into a plain array in one
// pass. 64-bit integers keep the plain path (their values may become strings).
Napi::Value js_pack_numbers(Napi::Env env, const hearth_gguf_value & a) {
    napi_typedarray_type kind;
    switch (a.elem_type) {
        case HEARTH_GGUF_UINT8:   kind = napi_uint8_array; break;
        case HEARTH_GGUF_BOOL:    kind = napi_uint8_array; break;
        case HEARTH_GGUF_INT8:    kind = napi_int8_array; break;
        case HEARTH_GGUF_UINT16:  kind = napi_uint16_array; break;
        case HEARTH_GGUF_INT16:   kind = napi_int16_array; break;
        case HEARTH_GGUF_UINT32:  kind = napi_uint32_array; break;
        case HEARTH_GGUF_INT32:   kind = napi_int32_array; break;
        case HEARTH_GGUF_FLOAT32: kind = napi_float32_array; break;
        case HEARTH_GGUF_FLOAT64: kind = napi_float64_array; break;
        default: return Napi::Value();
    }
    if (a.count < JS_PACK_MIN_STRINGS || a.count > JS_PACK_MAX_UNITS) return Napi::Value();
    size_t elem = a.elem_type == HEARTH_GGUF_BOOL || a.elem_type == HEARTH_GGUF_UINT8 || a.elem_type == HEARTH_GGUF_INT8 ? 1
                : a.elem_type == HEARTH_GGUF_UINT16 || a.elem_type == HEARTH_GGUF_INT16 ? 2
                : a.elem_type == HEARTH_GGUF_FLOAT64 ? 8 : 4;
    size_t n = static_cast<size_t>(a.count);
    // A fresh buffer: the mapping's bytes may be unaligned for the element type.
    Napi::ArrayBuffer buf = Napi::ArrayBuffer::New(env, n * elem);
    std::memcpy(buf.Data(), a.raw, n * elem);
    napi_value typed;
    if (napi_create_typedarray(env, kind, n, buf, 0, &typed) != napi_ok) return Napi::Value();
    Napi::Object packed = Napi::Object::New(env);
    packed.Set("numbers", typed);
    packed.Set("bool", Napi::Boolean::New(env, a.elem_type == HEARTH_GGUF_BOOL));
    return packed;
}

template <class T>
T js_raw_at(const uint8_t * raw, uint64_t i) {
    T v;
    std::memcpy(&v, raw + i * sizeof(T), sizeof(T));
    return v;
}

Napi::Value js_from_array(Napi::Env env, const hearth_gguf_value & a) {
    // count is bounded by the file size (the parser checked it), and a JS
    // array of more than 2^32-1 elements cannot exist anyway.
    if (a.count > 0xfffffffeull) throw_coded(env, "E_GGUF_TOO_MANY", "array of %llu elements is too large for JS",
                                            static_cast<unsigned long long>(a.count));
    uint32_t n = static_cast<uint32_t>(a.count);
    Napi::Array out = Napi::Array::New(env, n);
    const uint8_t * raw = a.raw;
    switch (a.elem_type) {
        case HEARTH_GGUF_UINT8:   for (uint32_t i = 0; i < n; i++) out[i] = Napi::Number::New(env, raw[i]); break;
        case HEARTH_GGUF_INT8:    for (uint32_t i = 0; i < n; i++) out[i] = Napi::Number::New(env, static_cast<int8_t>(raw[i])); break;
        case HEARTH_GGUF_BOOL:    for (uint32_t i = 0; i < n; i++) out[i] = Napi::Boolean::New(env, raw[i] != 0); break;
        case HEARTH_GGUF_UINT16:  for (uint32_t i = 0; i < n; i++) out[i] = Napi::Number::New(env, js_raw_at<uint16_t>(raw, i)); break;
        case HEARTH_GGUF_INT16:   for (uint32_t i = 0; i < n; i++) out[i] = Napi::Number::New(env, js_raw_at<int16_t>(raw, i)); break;
        case HEARTH_GGUF_UINT32:  for (uint32_t i = 0; i < n; i++) out[i] = Napi::Number::New(env, js_raw_at<uint32_t>(raw, i)); break;
        case HEARTH_GGUF_INT32:   for (uint32_t i = 0; i < n; i++) out[i] = Napi::Number::New(env, js_raw_at<int32_t>(raw, i)); break;
        case HEARTH_GGUF_FLOAT32: for (uint32_t i = 0; i < n; i++) out[i] = Napi::Number::New(env, js_raw_at<float>(raw, i)); break;
        case HEARTH_GGUF_FLOAT64: for (uint32_t i = 0; i < n; i++) out[i] = Napi::Number::New(env, js_raw_at<double>(raw, i)); break;
        case HEARTH_GGUF_UINT64:  for (uint32_t i = 0; i < n; i++) out[i] = js_from_u64(env, js_raw_at<uint64_t>(raw, i)); break;
        case HEARTH_GGUF_INT64:   for (uint32_t i = 0; i < n; i++) out[i] = js_from_i64(env, js_raw_at<int64_t>(raw, i)); break;
        case HEARTH_GGUF_STRING:
            for (uint32_t i = 0; i < n; i++) out[i] = js_from_view(env, view_of(hearth_gguf_array_string(a.arr, i)));
            break;
        case HEARTH_GGUF_ARRAY:
            for (uint32_t i = 0; i < n; i++) {
                // Keep handle use bounded for big nested arrays.
                Napi::HandleScope scope(env);
                hearth_gguf_value item;
                hearth_gguf_array_item(a.arr, i, &item);
                out[i] = js_from_value(env, item);
            }
            break;
        default: break;
    }
    return out;
}

Napi::Value js_from_value(Napi::Env env, const hearth_gguf_value & v) {
    switch (v.type) {
        case HEARTH_GGUF_UINT8: case HEARTH_GGUF_UINT16: case HEARTH_GGUF_UINT32: case HEARTH_GGUF_UINT64:
            return js_from_u64(env, v.u);
        case HEARTH_GGUF_INT8: case HEARTH_GGUF_INT16: case HEARTH_GGUF_INT32: case HEARTH_GGUF_INT64:
            return js_from_i64(env, v.i);
        case HEARTH_GGUF_FLOAT32: case HEARTH_GGUF_FLOAT64:
            return Napi::Number::New(env, v.f);
        case HEARTH_GGUF_BOOL:
            return Napi::Boolean::New(env, v.u != 0);
        case HEARTH_GGUF_STRING:
            return js_from_view(env, view_of(v.str));
        case HEARTH_GGUF_ARRAY:
            return js_from_array(env, v);
        default: break;
    }
    return env.Null();
}

// "uint32", "array<string>", "array<array>": enough to tell writers apart.
std::string js_type_label(const hearth_gguf_value & v) {
    if (v.type != HEARTH_GGUF_ARRAY) return hearth_gguf_type_name(v.type);
    return std::string("array<") + hearth_gguf_type_name(v.elem_type) + ">";
}

Napi::Value js_from_gguf(Napi::Env env, const hearth_gguf * f, bool mapped) {
    hearth_gguf_header h;
    hearth_gguf_get_header(f, &h);
    Napi::Object out = Napi::Object::New(env);
    out.Set("version", Napi::Number::New(env, h.version));
    out.Set("alignment", Napi::Number::New(env, static_cast<double>(h.alignment)));
    out.Set("dataOffset", Napi::Number::New(env, static_cast<double>(h.data_offset)));
    out.Set("containerOffset", Napi::Number::New(env, static_cast<double>(h.container_offset)));
    out.Set("ggufSize", Napi::Number::New(env, static_cast<double>(h.gguf_size)));
    out.Set("fileSize", Napi::Number::New(env, static_cast<double>(h.file_size)));
    out.Set("mapped", Napi::Boolean::New(env, mapped));

    // [key, typeLabel, value] triples: the facade builds the object, so a
    // hostile key such as "__proto__" never reaches a JS setter. Top-level
    // and numeric arrays may arrive packed (js_pack_strings, js_pack_numbers).
    const size_t n_kvs = hearth_gguf_kv_count(f);
    Napi::Array metadata = Napi::Array::New(env, n_kvs);
    for (size_t k = 0; k < n_kvs; k++) {
        Napi::HandleScope scope(env);
        hearth_string key;
        hearth_gguf_value v;
        hearth_gguf_kv(f, k, &key, &v);
        Napi::Array triple = Napi::Array::New(env, 3);
        triple[0u] = js_from_view(env, view_of(key));
        triple[1u] = Napi::String::New(env, js_type_label(v));
        Napi::Value packed;
        if (v.type == HEARTH_GGUF_ARRAY) {
            packed = v.elem_type == HEARTH_GGUF_STRING ? js_pack_strings(env, v) : js_pack_numbers(env, v);
        }
        triple[2u] = packed.IsEmpty() ? js_from_value(env, v) : packed;
        metadata[static_cast<uint32_t>(k)] = triple;
    }
    out.Set("metadata", metadata);

    const size_t n_tensors = hearth_gguf_tensor_count(f);
    Napi::Array list = Napi::Array::New(env, n_tensors);
    for (size_t n = 0; n < n_tensors; n++) {
        Napi::HandleScope scope(env);
        hearth_gguf_tensor t;
        hearth_gguf_get_tensor(f, n, &t);
        Napi::Object o = Napi::Object::New(env);
        o.Set("name", js_from_view(env, view_of(t.name)));
        const char * type_name = hearth_ggml_type_name(t.type);
        o.Set("type", Napi::String::New(env, type_name ? type_name : "?"));
        o.Set("typeId", Napi::Number::New(env, t.type));
        Napi::Array shape = Napi::Array::New(env, t.n_dims);
        for (uint32_t d = 0; d < t.n_dims; d++) shape[d] = js_from_u64(env, t.ne[d]);
        o.Set("shape", shape);
        o.Set("offset", Napi::Number::New(env, static_cast<double>(t.offset)));  // < file size: exact
        o.Set("nElements", js_from_u64(env, t.n_elements));
        o.Set("nBytes", Napi::Number::New(env, static_cast<double>(t.n_bytes)));
        list[static_cast<uint32_t>(n)] = o;
    }
    out.Set("tensors", list);
    return out;
}

struct InspectResult {
    std::shared_ptr<hearth_gguf> file;  // freed by hearth_gguf_free
    bool mapped = false;
};

Napi::Value js_gguf_inspect(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    return guard(env, [&]() -> Napi::Value {
        std::string path = require_string(info, 0, "path");
        bool use_mmap_opt = true;
        if (info.Length() > 1 && !info[1].IsUndefined()) {
            Napi::Object o = require_object(info, 1, "options");
            Napi::Value use_mmap = o.Get("useMmap");
            if (!use_mmap.IsUndefined()) {
                if (!use_mmap.IsBoolean()) throw make_error(env, "E_INVALID_ARGUMENT", "options.useMmap must be a boolean");
                use_mmap_opt = use_mmap.As<Napi::Boolean>().Value();
            }
        }
        return AsyncTask<InspectResult>::start(
            env,
            [path, use_mmap_opt]() {
                InspectResult r;
                hearth_gguf * g = nullptr;
                hearth_error err;
                check(hearth_gguf_open(path.c_str(), use_mmap_opt, &g, &err), err);
                r.file = std::shared_ptr<hearth_gguf>(g, hearth_gguf_free);
                r.mapped = use_mmap_opt;
                return r;
            },
            [](Napi::Env e, InspectResult & r) -> Napi::Value { return js_from_gguf(e, r.file.get(), r.mapped); });
    });
}

} // namespace

void init_gguf(Napi::Env env, Napi::Object exports) {
    exports.Set("ggufInspect", Napi::Function::New(env, js_gguf_inspect, "ggufInspect"));
}

} // namespace hearth::napi
