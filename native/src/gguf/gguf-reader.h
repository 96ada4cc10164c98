// GGUF reader: parses the header of a mapped GGUF file (v1, v2, v3), checks
// everything against the bytes actually present, and exposes metadata and
// tensor infos. Tensor data is never copied: tensor_data() points into the
// mapping. Every failure throws EngineError with a STATUS_E_GGUF_* / E_ZIP_* /
// E_IO_* code and a message that names the key or tensor.
//
// Layout facts (the GGUF spec): magic "GGUF", u32 version, tensor count and
// KV count (u32 in v1, u64 after), KVs, tensor infos, padding to
// general.alignment (default 32), then the data section. All little-endian.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/mapped-file.h"

namespace hearth {

enum GgufValueType : uint32_t {
    GGUF_TYPE_UINT8   = 0,
    GGUF_TYPE_INT8    = 1,
    GGUF_TYPE_UINT16  = 2,
    GGUF_TYPE_INT16   = 3,
    GGUF_TYPE_UINT32  = 4,
    GGUF_TYPE_INT32   = 5,
    GGUF_TYPE_FLOAT32 = 6,
    GGUF_TYPE_BOOL    = 7,
    GGUF_TYPE_STRING  = 8,
    GGUF_TYPE_ARRAY   = 9,
    GGUF_TYPE_UINT64  = 10,
    GGUF_TYPE_INT64   = 11,
    GGUF_TYPE_FLOAT64 = 12,
    GGUF_TYPE_COUNT_,
};

const char * gguf_type_name(GgufValueType t);  // "uint32", "string", "array", ...

struct GgufValue;

// An array value. Fixed-size element arrays keep a pointer to their raw
// little-endian bytes in the mapping (possibly unaligned: read with the
// accessors). String arrays keep views into the mapping. Arrays of arrays
// keep their elements as values.
struct GgufArray {
    GgufValueType elem_type = GGUF_TYPE_UINT8;
    uint64_t count = 0;
    const uint8_t * raw = nullptr;          // fixed-size elements only
    std::vector<std::string_view> strings;  // elem_type == STRING
    std::vector<GgufValue> arrays;          // elem_type == ARRAY

    // Element i as a number; throws E_GGUF_KEY_TYPE if the element type is not numeric.
    int64_t  int_at(uint64_t i) const;    // any integer type (u64 above INT64_MAX throws)
    double   float_at(uint64_t i) const;  // any numeric type
};

struct GgufValue {
    GgufValueType type = GGUF_TYPE_UINT8;
    uint64_t u = 0;          // unsigned integers and bool
    int64_t  i = 0;          // signed integers
    double   f = 0;          // float32 / float64
    std::string_view str;    // STRING (points into the mapping)
    std::shared_ptr<GgufArray> arr;  // ARRAY
};

struct GgufKv {
    std::string_view key;
    GgufValue value;
};

struct GgufTensorInfo {
    std::string_view name;
    uint32_t n_dims = 0;
    uint64_t ne[4] = {1, 1, 1, 1};  // ne[0] is the row length (fastest varying)
    uint32_t type = 0;              // GgmlType id
    uint64_t offset = 0;            // relative to the data section
    uint64_t n_elements = 0;
    uint64_t n_bytes = 0;
};

struct GgufOpenOptions {
    bool use_mmap = true;     // false: read the whole file into memory (pread fallback)
    bool prefetch = false;    // madvise WILLNEED on tensor data (model load, not inspect)
};

class GgufFile {
public:
    // Opens a .gguf file, an Ollama blob (a plain GGUF under a hash name), or
    // a zip/llamafile holding a stored, aligned .gguf entry.
    static std::unique_ptr<GgufFile> open(const std::string & path, const GgufOpenOptions & opts = {});
    // Parses a buffer already in memory (tests, fuzzer). The buffer must outlive the result.
    static std::unique_ptr<GgufFile> parse(const uint8_t * data, uint64_t size);

    uint32_t version() const { return version_; }
    uint64_t alignment() const { return alignment_; }
    uint64_t data_offset() const { return data_offset_; }  // from the start of the GGUF bytes
    uint64_t file_size() const { return size_; }            // bytes of the GGUF itself
    uint64_t container_offset() const { return container_offset_; }  // >0 inside a zip
    uint64_t container_size() const { return container_size_; }      // the whole file (zip included)

    const std::vector<GgufKv> & kvs() const { return kvs_; }
    const std::vector<GgufTensorInfo> & tensors() const { return tensors_; }

    const GgufKv * find(std::string_view key) const;
    const GgufTensorInfo * find_tensor(std::string_view name) const;

    // Typed getters: nullopt when absent, E_GGUF_KEY_TYPE when present with another type.
    std::optional<std::string_view> get_string(std::string_view key) const;
    std::optional<int64_t> get_int(std::string_view key) const;    // any integer type
    std::optional<double> get_float(std::string_view key) const;   // any numeric type
    std::optional<bool> get_bool(std::string_view key) const;
    const GgufArray * get_array(std::string_view key) const;        // nullptr when absent

    // Pointer to the tensor's bytes (n_bytes of them) inside the mapping.
    const uint8_t * tensor_data(const GgufTensorInfo & t) const { return base_ + data_offset_ + t.offset; }
    // MappedFile::populate for bytes of this file; false where unsupported.
    bool populate(const uint8_t * p, uint64_t n) const {
        return file_ && file_->is_mapped() && file_->populate((uint64_t)(p - file_->data()), n);
    }

    ~GgufFile();

private:
    GgufFile() = default;
    void parse_all();

    std::unique_ptr<MappedFile> file_;  // null for parse()
    const uint8_t * base_ = nullptr;    // start of the GGUF bytes
    uint64_t size_ = 0;
    uint64_t container_offset_ = 0;
    uint64_t container_size_ = 0;
    uint32_t version_ = 0;
    uint64_t alignment_ = 32;
    uint64_t data_offset_ = 0;
    std::vector<GgufKv> kvs_;
    std::vector<GgufTensorInfo> tensors_;
    std::unordered_map<std::string_view, size_t> tensor_index_;  // name -> index in tensors_
};

} // namespace hearth
