// GGUF header parsing. The file is hostile until proven otherwise: every
// count is checked against the bytes left before anything is reserved, so
// memory stays proportional to the file size and no read leaves the buffer.
#include "gguf/gguf-reader.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "common/status.h"
#include "gguf/gguf-cursor.h"
#include "gguf/gguf-zip.h"
#include "tensor/ggml-type.h"

namespace hearth {

namespace {

constexpr uint32_t GGUF_MAGIC = 0x46554747;  // "GGUF" read as little-endian u32
constexpr uint64_t GGUF_DEFAULT_ALIGNMENT = 32;
constexpr uint32_t GGUF_MAX_DIMS = 4;
constexpr int GGUF_MAX_ARRAY_DEPTH = 8;  // nested arrays beyond this are hostile, not useful
constexpr uint64_t GGUF_MAX_KEY_BYTES = 65535;  // the spec's key length limit
// Each nested array costs ~200 bytes of memory for 12 bytes of file; no real
// model nests arrays, so a per-file budget keeps that ratio from being abused.
constexpr uint64_t GGUF_MAX_NESTED_ARRAYS = uint64_t(1) << 16;
// Counts are checked against the bytes left, but a big file still leaves room
// for a big lie: reserve at most this many up front and grow as elements are
// actually parsed, so memory follows what the file really contains.
constexpr uint64_t GGUF_MAX_RESERVE = uint64_t(1) << 20;

size_t gguf_reserve_count(uint64_t count) {
    return static_cast<size_t>(count < GGUF_MAX_RESERVE ? count : GGUF_MAX_RESERVE);
}

// Bytes of one fixed-size value; 0 for string and array.
uint64_t gguf_fixed_size(GgufValueType t) {
    switch (t) {
        case GGUF_TYPE_UINT8: case GGUF_TYPE_INT8: case GGUF_TYPE_BOOL: return 1;
        case GGUF_TYPE_UINT16: case GGUF_TYPE_INT16: return 2;
        case GGUF_TYPE_UINT32: case GGUF_TYPE_INT32: case GGUF_TYPE_FLOAT32: return 4;
        case GGUF_TYPE_UINT64: case GGUF_TYPE_INT64: case GGUF_TYPE_FLOAT64: return 8;
        default: return 0;
    }
}

bool gguf_is_integer(GgufValueType t) {
    switch (t) {
        case GGUF_TYPE_UINT8: case GGUF_TYPE_INT8: case GGUF_TYPE_UINT16: case GGUF_TYPE_INT16:
        case GGUF_TYPE_UINT32: case GGUF_TYPE_INT32: case GGUF_TYPE_UINT64: case GGUF_TYPE_INT64:
        case GGUF_TYPE_BOOL:
            return true;
        default:
            return false;
    }
}

bool gguf_is_signed(GgufValueType t) {
    return t == GGUF_TYPE_INT8 || t == GGUF_TYPE_INT16 || t == GGUF_TYPE_INT32 || t == GGUF_TYPE_INT64;
}

// A key or tensor name made safe to print: bounded, control bytes as '?'.
std::string gguf_printable(std::string_view s) {
    constexpr size_t MAX = 96;
    std::string out;
    out.reserve(std::min(s.size(), MAX) + 3);
    for (size_t i = 0; i < s.size() && i < MAX; i++) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        out.push_back(c < 0x20 || c == 0x7f ? '?' : static_cast<char>(c));
    }
    if (s.size() > MAX) out += "...";
    return out;
}

// Reads fixed-size element i of a raw little-endian array as its own type.
template <class T>
T gguf_raw_at(const uint8_t * raw, uint64_t i) {
    T v;
    std::memcpy(&v, raw + i * sizeof(T), sizeof(T));
    return v;
}

class GgufHeaderParser {
public:
    GgufHeaderParser(GgufCursor & cur, bool v1) : cur_(cur), v1_(v1) {}

    void read_value(GgufValueType type, GgufValue & out, int depth) {
        out.type = type;
        switch (type) {
            case GGUF_TYPE_UINT8:   out.u = cur_.read<uint8_t>("uint8 value"); break;
            case GGUF_TYPE_INT8:    out.i = cur_.read<int8_t>("int8 value"); break;
            case GGUF_TYPE_UINT16:  out.u = cur_.read<uint16_t>("uint16 value"); break;
            case GGUF_TYPE_INT16:   out.i = cur_.read<int16_t>("int16 value"); break;
            case GGUF_TYPE_UINT32:  out.u = cur_.read<uint32_t>("uint32 value"); break;
            case GGUF_TYPE_INT32:   out.i = cur_.read<int32_t>("int32 value"); break;
            case GGUF_TYPE_FLOAT32: out.f = cur_.read<float>("float32 value"); break;
            case GGUF_TYPE_BOOL:    out.u = cur_.read<uint8_t>("bool value"); break;
            case GGUF_TYPE_STRING:  out.str = cur_.read_string(v1_, "string value"); break;
            case GGUF_TYPE_UINT64:  out.u = cur_.read<uint64_t>("uint64 value"); break;
            case GGUF_TYPE_INT64:   out.i = cur_.read<int64_t>("int64 value"); break;
            case GGUF_TYPE_FLOAT64: out.f = cur_.read<double>("float64 value"); break;
            case GGUF_TYPE_ARRAY:   out.arr = read_array(depth + 1); break;
            default:
                throw_error(STATUS_E_GGUF_BAD_VALUE_TYPE, "unknown value type %u", static_cast<unsigned>(type));
        }
    }

private:
    GgufValueType read_type(const char * what) {
        uint32_t t = cur_.read<uint32_t>(what);
        if (t >= GGUF_TYPE_COUNT_) {
            throw_error(STATUS_E_GGUF_BAD_VALUE_TYPE, "unknown %s %u at offset %llu", what, t,
                        static_cast<unsigned long long>(cur_.pos() - 4));
        }
        return static_cast<GgufValueType>(t);
    }

    // Throws E_GGUF_TOO_MANY when count elements of at least min_bytes each
    // cannot fit in what is left; this is what bounds every reservation.
    void check_count(uint64_t count, uint64_t min_bytes, const char * what) {
        if (count > cur_.left() / min_bytes) {
            throw_error(STATUS_E_GGUF_TOO_MANY, "%s count %llu cannot fit in the %llu bytes left at offset %llu", what,
                        static_cast<unsigned long long>(count), static_cast<unsigned long long>(cur_.left()),
                        static_cast<unsigned long long>(cur_.pos()));
        }
    }

    std::shared_ptr<GgufArray> read_array(int depth) {
        if (depth > GGUF_MAX_ARRAY_DEPTH) {
            throw_error(STATUS_E_GGUF_NESTING, "arrays nested deeper than %d levels", GGUF_MAX_ARRAY_DEPTH);
        }
        auto arr = std::make_shared<GgufArray>();
        arr->elem_type = read_type("array element type");
        arr->count = cur_.read_count(v1_, "array length");
        const uint64_t len_bytes = v1_ ? 4 : 8;
        uint64_t fixed = gguf_fixed_size(arr->elem_type);
        if (fixed) {
            check_count(arr->count, fixed, "array element");
            arr->raw = cur_.take(arr->count * fixed, "array data");
        } else if (arr->elem_type == GGUF_TYPE_STRING) {
            check_count(arr->count, len_bytes, "string array element");
            arr->strings.reserve(gguf_reserve_count(arr->count));
            for (uint64_t i = 0; i < arr->count; i++) arr->strings.push_back(cur_.read_string(v1_, "array string"));
        } else {
            check_count(arr->count, 4 + len_bytes, "nested array element");
            if (arr->count > GGUF_MAX_NESTED_ARRAYS - nested_arrays_) {
                throw_error(STATUS_E_GGUF_TOO_MANY, "more than %llu nested arrays in one file",
                            static_cast<unsigned long long>(GGUF_MAX_NESTED_ARRAYS));
            }
            nested_arrays_ += arr->count;
            arr->arrays.reserve(gguf_reserve_count(arr->count));
            // Each element is a whole array: its own element type, count, data.
            for (uint64_t i = 0; i < arr->count; i++) {
                GgufValue elem;
                elem.type = GGUF_TYPE_ARRAY;
                elem.arr = read_array(depth + 1);
                arr->arrays.push_back(std::move(elem));
            }
        }
        return arr;
    }

    GgufCursor & cur_;
    bool v1_;
    uint64_t nested_arrays_ = 0;  // against GGUF_MAX_NESTED_ARRAYS
};

} // namespace

const char * gguf_type_name(GgufValueType t) {
    switch (t) {
        case GGUF_TYPE_UINT8:   return "uint8";
        case GGUF_TYPE_INT8:    return "int8";
        case GGUF_TYPE_UINT16:  return "uint16";
        case GGUF_TYPE_INT16:   return "int16";
        case GGUF_TYPE_UINT32:  return "uint32";
        case GGUF_TYPE_INT32:   return "int32";
        case GGUF_TYPE_FLOAT32: return "float32";
        case GGUF_TYPE_BOOL:    return "bool";
        case GGUF_TYPE_STRING:  return "string";
        case GGUF_TYPE_ARRAY:   return "array";
        case GGUF_TYPE_UINT64:  return "uint64";
        case GGUF_TYPE_INT64:   return "int64";
        case GGUF_TYPE_FLOAT64: return "float64";
        case GGUF_TYPE_COUNT_:  break;
    }
    return "unknown";
}

int64_t GgufArray::int_at(uint64_t i) const {
    if (i >= count || !raw || !gguf_is_integer(elem_type)) {
        throw_error(STATUS_E_GGUF_KEY_TYPE, "array of %s has no integer element %llu", gguf_type_name(elem_type),
                    static_cast<unsigned long long>(i));
    }
    switch (elem_type) {
        case GGUF_TYPE_UINT8:  case GGUF_TYPE_BOOL: return gguf_raw_at<uint8_t>(raw, i);
        case GGUF_TYPE_INT8:   return gguf_raw_at<int8_t>(raw, i);
        case GGUF_TYPE_UINT16: return gguf_raw_at<uint16_t>(raw, i);
        case GGUF_TYPE_INT16:  return gguf_raw_at<int16_t>(raw, i);
        case GGUF_TYPE_UINT32: return gguf_raw_at<uint32_t>(raw, i);
        case GGUF_TYPE_INT32:  return gguf_raw_at<int32_t>(raw, i);
        case GGUF_TYPE_INT64:  return gguf_raw_at<int64_t>(raw, i);
        case GGUF_TYPE_UINT64: {
            uint64_t v = gguf_raw_at<uint64_t>(raw, i);
            if (v > static_cast<uint64_t>(INT64_MAX)) {
                throw_error(STATUS_E_GGUF_KEY_TYPE, "uint64 array element %llu does not fit in int64",
                            static_cast<unsigned long long>(i));
            }
            return static_cast<int64_t>(v);
        }
        default: break;
    }
    throw_error(STATUS_E_INTERNAL, "GgufArray::int_at: unhandled type");
}

double GgufArray::float_at(uint64_t i) const {
    if (elem_type == GGUF_TYPE_FLOAT32 && i < count && raw) return gguf_raw_at<float>(raw, i);
    if (elem_type == GGUF_TYPE_FLOAT64 && i < count && raw) return gguf_raw_at<double>(raw, i);
    if (elem_type == GGUF_TYPE_UINT64 && i < count && raw) return static_cast<double>(gguf_raw_at<uint64_t>(raw, i));
    return static_cast<double>(int_at(i));
}

std::unique_ptr<GgufFile> GgufFile::open(const std::string & path, const GgufOpenOptions & opts) {
    std::unique_ptr<MappedFile> mapped = MappedFile::open(path, opts.use_mmap);
    // Header parsing touches scattered small pieces: no readahead of weights.
    mapped->advise(0, mapped->size(), MAP_ADVICE_RANDOM);
    std::unique_ptr<GgufFile> f(new GgufFile());
    f->base_ = mapped->data();
    f->size_ = mapped->size();
    f->file_ = std::move(mapped);
    try {
        f->parse_all();
    } catch (const EngineError & e) {
        throw EngineError(e.code(), path + ": " + e.what());
    }
    const MappedFile & m = *f->file_;
    uint64_t data_start = f->container_offset_ + f->data_offset_;
    // Back to normal readahead before anything else: left at RANDOM, every
    // fault on a cold file would read one page (a 4x slower cold load).
    m.advise(0, m.size(), MAP_ADVICE_NORMAL);
    if (opts.prefetch && data_start < m.size()) {
        m.advise(data_start, m.size() - data_start, MAP_ADVICE_WILLNEED);
    }
    return f;
}

std::unique_ptr<GgufFile> GgufFile::parse(const uint8_t * data, uint64_t size) {
    std::unique_ptr<GgufFile> f(new GgufFile());
    f->base_ = data;
    f->size_ = size;
    f->parse_all();
    return f;
}

GgufFile::~GgufFile() = default;

void GgufFile::parse_all() {
    // Detect by content, never by file name: a plain GGUF (also an Ollama
    // blob named sha256-...), or a zip/llamafile with a stored .gguf entry.
    static const uint8_t magic_bytes[4] = {'G', 'G', 'U', 'F'};
    container_size_ = size_;
    if (size_ < 4 || std::memcmp(base_, magic_bytes, 4) != 0) {
        if (zip_has_directory(base_, size_)) {
            ZipEntrySpan span = zip_find_gguf_entry(base_, size_);
            container_offset_ = span.offset;
            base_ += span.offset;
            size_ = span.size;
        } else if (size_ < 4 && std::memcmp(base_, magic_bytes, static_cast<size_t>(size_)) == 0) {
            throw_error(STATUS_E_GGUF_TRUNCATED, "file of %llu bytes ends inside the GGUF magic",
                        static_cast<unsigned long long>(size_));
        } else {
            throw_error(STATUS_E_GGUF_BAD_MAGIC, "not a GGUF file (no GGUF magic, not a zip holding one)");
        }
    }

    GgufCursor cur(base_, size_);
    uint32_t magic = cur.read<uint32_t>("magic");
    if (magic != GGUF_MAGIC) {
        throw_error(STATUS_E_GGUF_BAD_MAGIC, "zip entry is not a GGUF file (bad magic 0x%08x)", magic);
    }
    version_ = cur.read<uint32_t>("version");
    if (version_ < 1 || version_ > 3) {
        // A big-endian GGUF shows its version byte-swapped.
        bool swapped = version_ >= 0x01000000 && version_ <= 0x03000000 && (version_ & 0x00ffffff) == 0;
        throw_error(STATUS_E_GGUF_BAD_VERSION, "unsupported GGUF version %u%s", version_,
                    swapped ? " (a big-endian file?)" : "");
    }
    const bool v1 = version_ == 1;
    const uint64_t len_bytes = v1 ? 4 : 8;
    uint64_t n_tensors = cur.read_count(v1, "tensor count");
    uint64_t n_kv = cur.read_count(v1, "metadata count");

    // Smallest possible KV: empty key, type, one-byte value.
    if (n_kv > cur.left() / (len_bytes + 4 + 1)) {
        throw_error(STATUS_E_GGUF_TOO_MANY, "metadata count %llu cannot fit in the %llu bytes left",
                    static_cast<unsigned long long>(n_kv), static_cast<unsigned long long>(cur.left()));
    }
    GgufHeaderParser parser(cur, v1);
    // key -> index in kvs_ and the file bytes of its type + value, so a
    // repeated key can be told apart from a conflicting one.
    struct KeySeen { size_t index; uint64_t begin, end; };
    std::unordered_map<std::string_view, KeySeen> seen_keys;
    kvs_.reserve(gguf_reserve_count(n_kv));
    seen_keys.reserve(gguf_reserve_count(n_kv));
    for (uint64_t k = 0; k < n_kv; k++) {
        GgufKv kv;
        kv.key = cur.read_string(v1, "metadata key");
        if (kv.key.size() > GGUF_MAX_KEY_BYTES) {
            throw_error(STATUS_E_GGUF_BAD_STRING, "metadata key %llu is %llu bytes long (limit %llu)",
                        static_cast<unsigned long long>(k), static_cast<unsigned long long>(kv.key.size()),
                        static_cast<unsigned long long>(GGUF_MAX_KEY_BYTES));
        }
        uint64_t begin = cur.pos();
        try {
            uint32_t t = cur.read<uint32_t>("value type");
            if (t >= GGUF_TYPE_COUNT_) throw_error(STATUS_E_GGUF_BAD_VALUE_TYPE, "unknown value type %u", t);
            parser.read_value(static_cast<GgufValueType>(t), kv.value, 0);
        } catch (const EngineError & e) {
            throw EngineError(e.code(), "metadata key '" + gguf_printable(kv.key) + "': " + e.what());
        }
        uint64_t end = cur.pos();
        auto [it, fresh] = seen_keys.emplace(kv.key, KeySeen{kvs_.size(), begin, end});
        if (!fresh) {
            // A byte-identical repeat is harmless and real files carry one
            // (a converter wrote general.file_type twice): keep the first.
            // A repeat with another type or value is ambiguous: reject it.
            const KeySeen & first = it->second;
            bool same = end - begin == first.end - first.begin &&
                        std::memcmp(base_ + begin, base_ + first.begin, static_cast<size_t>(end - begin)) == 0;
            if (!same) {
                throw_error(STATUS_E_GGUF_DUPLICATE_KEY, "metadata key '%s' appears twice with different values",
                            gguf_printable(kv.key).c_str());
            }
            continue;
        }
        kvs_.push_back(std::move(kv));
    }

    if (const GgufKv * a = find("general.alignment")) {
        // The spec stores it as uint32; another type means a broken writer.
        if (a->value.type != GGUF_TYPE_UINT32) {
            throw_error(STATUS_E_GGUF_BAD_ALIGNMENT, "general.alignment has type %s, expected uint32",
                        gguf_type_name(a->value.type));
        }
        uint64_t v = a->value.u;
        if (v == 0 || (v & (v - 1)) != 0) {
            throw_error(STATUS_E_GGUF_BAD_ALIGNMENT, "general.alignment %llu is not a power of two",
                        static_cast<unsigned long long>(v));
        }
        alignment_ = v;
    } else {
        alignment_ = GGUF_DEFAULT_ALIGNMENT;
    }
    // Inside a zip the mapping is used in place, so the entry itself must sit
    // on the alignment boundary or every tensor would be misaligned in memory.
    if (container_offset_ % alignment_ != 0) {
        throw_error(STATUS_E_ZIP_MISALIGNED, "zip: the .gguf entry starts at offset %llu, not a multiple of its alignment %llu (align the archive, e.g. with zipalign)",
                    static_cast<unsigned long long>(container_offset_), static_cast<unsigned long long>(alignment_));
    }

    // Smallest possible tensor info: empty name, n_dims, one dim, type, offset.
    if (n_tensors > cur.left() / (len_bytes + 4 + len_bytes + 4 + 8)) {
        throw_error(STATUS_E_GGUF_TOO_MANY, "tensor count %llu cannot fit in the %llu bytes left",
                    static_cast<unsigned long long>(n_tensors), static_cast<unsigned long long>(cur.left()));
    }
    tensors_.reserve(gguf_reserve_count(n_tensors));
    tensor_index_.reserve(gguf_reserve_count(n_tensors));
    for (uint64_t n = 0; n < n_tensors; n++) {
        GgufTensorInfo t;
        t.name = cur.read_string(v1, "tensor name");
        std::string shown = gguf_printable(t.name);
        try {
            t.n_dims = cur.read<uint32_t>("n_dims");
            if (t.n_dims == 0 || t.n_dims > GGUF_MAX_DIMS) {
                throw_error(STATUS_E_GGUF_BAD_DIMS, "n_dims %u, expected 1 to %u", t.n_dims, GGUF_MAX_DIMS);
            }
            uint64_t n_elements = 1;
            for (uint32_t d = 0; d < t.n_dims; d++) {
                t.ne[d] = cur.read_count(v1, "dimension");  // u32 in v1 too
                if (t.ne[d] == 0 || t.ne[d] > static_cast<uint64_t>(INT64_MAX) ||
                    __builtin_mul_overflow(n_elements, t.ne[d], &n_elements) ||
                    n_elements > static_cast<uint64_t>(INT64_MAX)) {
                    throw_error(STATUS_E_GGUF_BAD_DIMS, "dimension %u is %llu (zero, or the element count overflows)", d,
                                static_cast<unsigned long long>(t.ne[d]));
                }
            }
            t.n_elements = n_elements;
            t.type = cur.read<uint32_t>("tensor type");
            const GgmlTypeInfo * info = ggml_type_info(t.type);
            if (!info) throw_error(STATUS_E_GGUF_UNKNOWN_TYPE, "unknown ggml type id %u", t.type);
            if (t.ne[0] % info->block_elems != 0) {
                throw_error(STATUS_E_GGUF_BAD_SHAPE, "row length %llu is not a multiple of the %s block size %u",
                            static_cast<unsigned long long>(t.ne[0]), info->name, info->block_elems);
            }
            if (__builtin_mul_overflow(n_elements / info->block_elems, static_cast<uint64_t>(info->block_bytes), &t.n_bytes)) {
                throw_error(STATUS_E_GGUF_BAD_DIMS, "byte size of %llu %s elements overflows",
                            static_cast<unsigned long long>(n_elements), info->name);
            }
            t.offset = cur.read<uint64_t>("tensor offset");
            if (t.offset % alignment_ != 0) {
                throw_error(STATUS_E_GGUF_TENSOR_MISALIGNED, "offset %llu is not a multiple of the alignment %llu",
                            static_cast<unsigned long long>(t.offset), static_cast<unsigned long long>(alignment_));
            }
        } catch (const EngineError & e) {
            throw EngineError(e.code(), "tensor '" + shown + "': " + e.what());
        }
        if (!tensor_index_.emplace(t.name, tensors_.size()).second) {
            throw_error(STATUS_E_GGUF_DUPLICATE_TENSOR, "tensor '%s' appears twice", shown.c_str());
        }
        tensors_.push_back(t);
    }

    // The data section starts at the next multiple of the alignment.
    uint64_t pad = (alignment_ - cur.pos() % alignment_) % alignment_;
    data_offset_ = cur.pos() + pad;  // cannot overflow: pos <= size and pad < alignment <= 2^32

    if (!tensors_.empty() && data_offset_ > size_) {
        throw_error(STATUS_E_GGUF_TRUNCATED, "the data section should start at offset %llu but the file ends at %llu",
                    static_cast<unsigned long long>(data_offset_), static_cast<unsigned long long>(size_));
    }

    // Every tensor inside the file, and no two sharing bytes.
    std::vector<size_t> order(tensors_.size());
    for (size_t i = 0; i < order.size(); i++) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return tensors_[a].offset < tensors_[b].offset; });
    uint64_t data_bytes = size_ > data_offset_ ? size_ - data_offset_ : 0;
    uint64_t prev_end = 0;
    const GgufTensorInfo * prev = nullptr;
    for (size_t idx : order) {
        const GgufTensorInfo & t = tensors_[idx];
        if (t.offset > data_bytes || t.n_bytes > data_bytes - t.offset) {
            throw_error(STATUS_E_GGUF_TENSOR_BOUNDS,
                        "tensor '%s': %llu bytes at data offset %llu end past the file (data section holds %llu bytes; truncated file?)",
                        gguf_printable(t.name).c_str(), static_cast<unsigned long long>(t.n_bytes),
                        static_cast<unsigned long long>(t.offset), static_cast<unsigned long long>(data_bytes));
        }
        if (prev && t.offset < prev_end) {
            throw_error(STATUS_E_GGUF_TENSOR_OVERLAP, "tensor '%s' overlaps tensor '%s'", gguf_printable(t.name).c_str(),
                        gguf_printable(prev->name).c_str());
        }
        prev_end = t.offset + t.n_bytes;
        prev = &t;
    }
}

const GgufKv * GgufFile::find(std::string_view key) const {
    for (const GgufKv & kv : kvs_) {
        if (kv.key == key) return &kv;
    }
    return nullptr;
}

const GgufTensorInfo * GgufFile::find_tensor(std::string_view name) const {
    auto it = tensor_index_.find(name);
    return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

namespace {

[[noreturn]] void gguf_throw_key_type(std::string_view key, GgufValueType have, const char * want) {
    throw EngineError(STATUS_E_GGUF_KEY_TYPE, "metadata key '" + gguf_printable(key) + "' holds " +
                                                  gguf_type_name(have) + ", expected " + want);
}

} // namespace

std::optional<std::string_view> GgufFile::get_string(std::string_view key) const {
    const GgufKv * kv = find(key);
    if (!kv) return std::nullopt;
    if (kv->value.type != GGUF_TYPE_STRING) gguf_throw_key_type(key, kv->value.type, "string");
    return kv->value.str;
}

std::optional<int64_t> GgufFile::get_int(std::string_view key) const {
    const GgufKv * kv = find(key);
    if (!kv) return std::nullopt;
    const GgufValue & v = kv->value;
    if (!gguf_is_integer(v.type) || v.type == GGUF_TYPE_BOOL) gguf_throw_key_type(key, v.type, "an integer");
    if (gguf_is_signed(v.type)) return v.i;
    if (v.u > static_cast<uint64_t>(INT64_MAX)) gguf_throw_key_type(key, v.type, "an integer that fits int64");
    return static_cast<int64_t>(v.u);
}

std::optional<double> GgufFile::get_float(std::string_view key) const {
    const GgufKv * kv = find(key);
    if (!kv) return std::nullopt;
    const GgufValue & v = kv->value;
    if (v.type == GGUF_TYPE_FLOAT32 || v.type == GGUF_TYPE_FLOAT64) return v.f;
    if (!gguf_is_integer(v.type) || v.type == GGUF_TYPE_BOOL) gguf_throw_key_type(key, v.type, "a number");
    return gguf_is_signed(v.type) ? static_cast<double>(v.i) : static_cast<double>(v.u);
}

std::optional<bool> GgufFile::get_bool(std::string_view key) const {
    const GgufKv * kv = find(key);
    if (!kv) return std::nullopt;
    if (kv->value.type != GGUF_TYPE_BOOL) gguf_throw_key_type(key, kv->value.type, "bool");
    return kv->value.u != 0;
}

const GgufArray * GgufFile::get_array(std::string_view key) const {
    const GgufKv * kv = find(key);
    if (!kv) return nullptr;
    if (kv->value.type != GGUF_TYPE_ARRAY) gguf_throw_key_type(key, kv->value.type, "array");
    return kv->value.arr.get();
}

} // namespace hearth
