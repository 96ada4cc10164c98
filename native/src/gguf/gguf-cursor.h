// A bounds-checked little-endian reader over the GGUF bytes. Every read
// checks the bytes left first, so no hostile length can read past the end;
// failures throw E_GGUF_TRUNCATED (or E_GGUF_BAD_STRING) with the offset.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "common/status.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the GGUF reader assumes a little-endian host"
#endif

namespace hearth {

class GgufCursor {
public:
    GgufCursor(const uint8_t * data, uint64_t size) : data_(data), size_(size) {}

    uint64_t pos() const { return pos_; }
    uint64_t left() const { return size_ - pos_; }

    // n bytes starting here; advances past them.
    const uint8_t * take(uint64_t n, const char * what) {
        if (n > left()) {
            throw_error(STATUS_E_GGUF_TRUNCATED, "%s: needs %llu bytes at offset %llu but the file ends at %llu",
                        what, static_cast<unsigned long long>(n), static_cast<unsigned long long>(pos_),
                        static_cast<unsigned long long>(size_));
        }
        const uint8_t * p = data_ + pos_;
        pos_ += n;
        return p;
    }

    template <class T>
    T read(const char * what) {
        T v;
        std::memcpy(&v, take(sizeof v, what), sizeof v);
        return v;
    }

    // A count or length: u32 in GGUF v1, u64 from v2 on.
    uint64_t read_count(bool v1, const char * what) {
        return v1 ? read<uint32_t>(what) : read<uint64_t>(what);
    }

    // A GGUF string (length, then bytes, no terminator), viewed in place.
    std::string_view read_string(bool v1, const char * what) {
        uint64_t len = read_count(v1, what);
        if (len > left()) {
            throw_error(STATUS_E_GGUF_BAD_STRING, "%s: string length %llu at offset %llu runs past the end (%llu bytes left)",
                        what, static_cast<unsigned long long>(len), static_cast<unsigned long long>(pos_),
                        static_cast<unsigned long long>(left()));
        }
        const uint8_t * p = take(len, what);
        return std::string_view(reinterpret_cast<const char *>(p), static_cast<size_t>(len));
    }

private:
    const uint8_t * data_;
    uint64_t size_;
    uint64_t pos_ = 0;
};

} // namespace hearth
