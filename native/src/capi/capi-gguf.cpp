// GGUF inspection through hearth.h: the file handle and read-only views of
// its metadata and tensor table (no copies: views point into the file).
#include <cstring>

#include "capi/capi-errors.h"
#include "capi/capi-handles.h"
#include "tensor/ggml-type.h"

using namespace hearth;

// The C names carry the file format's numbers, as the reader's do.
static_assert((int)HEARTH_GGUF_UINT8 == (int)GGUF_TYPE_UINT8, "GGUF type UINT8 differs");
static_assert((int)HEARTH_GGUF_INT8 == (int)GGUF_TYPE_INT8, "GGUF type INT8 differs");
static_assert((int)HEARTH_GGUF_UINT16 == (int)GGUF_TYPE_UINT16, "GGUF type UINT16 differs");
static_assert((int)HEARTH_GGUF_INT16 == (int)GGUF_TYPE_INT16, "GGUF type INT16 differs");
static_assert((int)HEARTH_GGUF_UINT32 == (int)GGUF_TYPE_UINT32, "GGUF type UINT32 differs");
static_assert((int)HEARTH_GGUF_INT32 == (int)GGUF_TYPE_INT32, "GGUF type INT32 differs");
static_assert((int)HEARTH_GGUF_FLOAT32 == (int)GGUF_TYPE_FLOAT32, "GGUF type FLOAT32 differs");
static_assert((int)HEARTH_GGUF_BOOL == (int)GGUF_TYPE_BOOL, "GGUF type BOOL differs");
static_assert((int)HEARTH_GGUF_STRING == (int)GGUF_TYPE_STRING, "GGUF type STRING differs");
static_assert((int)HEARTH_GGUF_ARRAY == (int)GGUF_TYPE_ARRAY, "GGUF type ARRAY differs");
static_assert((int)HEARTH_GGUF_UINT64 == (int)GGUF_TYPE_UINT64, "GGUF type UINT64 differs");
static_assert((int)HEARTH_GGUF_INT64 == (int)GGUF_TYPE_INT64, "GGUF type INT64 differs");
static_assert((int)HEARTH_GGUF_FLOAT64 == (int)GGUF_TYPE_FLOAT64, "GGUF type FLOAT64 differs");

namespace {

hearth_string view(std::string_view s) { return {s.data(), s.size()}; }

const GgufArray & array_of(const hearth_gguf_array * a) { return *reinterpret_cast<const GgufArray *>(a); }

void fill_value(const GgufValue & v, hearth_gguf_value * out) {
    std::memset(out, 0, sizeof *out);
    out->type = v.type;
    out->u = v.u;
    out->i = v.i;
    out->f = v.f;
    out->str = view(v.str);
    if (v.type == GGUF_TYPE_ARRAY && v.arr) {
        out->elem_type = v.arr->elem_type;
        out->count = v.arr->count;
        out->raw = v.arr->raw;
        out->arr = reinterpret_cast<const hearth_gguf_array *>(v.arr.get());
    }
}

} // namespace

extern "C" {

hearth_status hearth_gguf_open(const char * path, int use_mmap, hearth_gguf ** out, hearth_error * err) {
    *out = nullptr;
    return capi::guarded(err, [&] {
        GgufOpenOptions opts;
        opts.use_mmap = use_mmap != 0;
        auto g = std::make_unique<hearth_gguf>();
        g->file = GgufFile::open(path, opts);
        *out = g.release();
    });
}

void hearth_gguf_free(hearth_gguf * g) { delete g; }

void hearth_gguf_get_header(const hearth_gguf * g, hearth_gguf_header * out) {
    const GgufFile & f = *g->file;
    out->version = f.version();
    out->alignment = f.alignment();
    out->data_offset = f.data_offset();
    out->container_offset = f.container_offset();
    out->gguf_size = f.file_size();
    out->file_size = f.container_size();
}

size_t hearth_gguf_kv_count(const hearth_gguf * g) { return g->file->kvs().size(); }

void hearth_gguf_kv(const hearth_gguf * g, size_t index, hearth_string * key, hearth_gguf_value * value) {
    const GgufKv & kv = g->file->kvs()[index];
    *key = view(kv.key);
    fill_value(kv.value, value);
}

hearth_string hearth_gguf_array_string(const hearth_gguf_array * a, uint64_t index) {
    return view(array_of(a).strings[(size_t)index]);
}

void hearth_gguf_array_item(const hearth_gguf_array * a, uint64_t index, hearth_gguf_value * out) {
    fill_value(array_of(a).arrays[(size_t)index], out);
}

size_t hearth_gguf_tensor_count(const hearth_gguf * g) { return g->file->tensors().size(); }

void hearth_gguf_get_tensor(const hearth_gguf * g, size_t index, hearth_gguf_tensor * out) {
    const GgufTensorInfo & t = g->file->tensors()[index];
    out->name = view(t.name);
    out->type = t.type;
    out->n_dims = t.n_dims;
    for (int d = 0; d < 4; d++) out->ne[d] = t.ne[d];
    out->offset = t.offset;
    out->n_elements = t.n_elements;
    out->n_bytes = t.n_bytes;
}

const char * hearth_gguf_type_name(uint32_t type) { return gguf_type_name((GgufValueType)type); }

const char * hearth_ggml_type_name(uint32_t type) {
    const GgmlTypeInfo * t = ggml_type_info(type);
    return t ? t->name : nullptr;
}

} // extern "C"
