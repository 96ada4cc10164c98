#include "gguf/gguf-zip.h"

#include <cstring>
#include <string_view>

#include "common/status.h"

namespace hearth {

namespace {

// Record signatures and fixed sizes (PKWARE APPNOTE).
constexpr uint32_t ZIP_SIG_LOCAL       = 0x04034b50;
constexpr uint32_t ZIP_SIG_CENTRAL     = 0x02014b50;
constexpr uint32_t ZIP_SIG_EOCD        = 0x06054b50;
constexpr uint32_t ZIP_SIG_EOCD64      = 0x06064b50;
constexpr uint32_t ZIP_SIG_EOCD64_LOC  = 0x07064b50;
constexpr uint64_t ZIP_EOCD_SIZE       = 22;
constexpr uint64_t ZIP_EOCD64_LOC_SIZE = 20;
constexpr uint64_t ZIP_EOCD64_SIZE     = 56;
constexpr uint64_t ZIP_CENTRAL_SIZE    = 46;
constexpr uint64_t ZIP_LOCAL_SIZE      = 30;
constexpr uint64_t ZIP_MAX_COMMENT     = 0xffff;
constexpr uint16_t ZIP_EXTRA_ZIP64     = 0x0001;
constexpr uint16_t ZIP_METHOD_STORED   = 0;

uint16_t zip_u16(const uint8_t * p) { uint16_t v; std::memcpy(&v, p, 2); return v; }
uint32_t zip_u32(const uint8_t * p) { uint32_t v; std::memcpy(&v, p, 4); return v; }
uint64_t zip_u64(const uint8_t * p) { uint64_t v; std::memcpy(&v, p, 8); return v; }

// Offset of the end-of-central-directory record, or size when there is none.
// It sits in the last 22 + 65535 bytes (a trailing comment may follow it).
uint64_t zip_find_eocd(const uint8_t * data, uint64_t size) {
    if (size < ZIP_EOCD_SIZE) return size;
    uint64_t lowest = size - ZIP_EOCD_SIZE > ZIP_MAX_COMMENT ? size - ZIP_EOCD_SIZE - ZIP_MAX_COMMENT : 0;
    for (uint64_t at = size - ZIP_EOCD_SIZE + 1; at-- > lowest;) {
        if (zip_u32(data + at) == ZIP_SIG_EOCD && at + ZIP_EOCD_SIZE + zip_u16(data + at + 20) == size) return at;
    }
    return size;
}

bool zip_name_is_gguf(std::string_view name) {
    constexpr std::string_view ext = ".gguf";
    if (name.size() < ext.size()) return false;
    for (size_t i = 0; i < ext.size(); i++) {
        char c = name[name.size() - ext.size() + i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != ext[i]) return false;
    }
    return true;
}

} // namespace

bool zip_has_directory(const uint8_t * data, uint64_t size) {
    return zip_find_eocd(data, size) < size;
}

ZipEntrySpan zip_find_gguf_entry(const uint8_t * data, uint64_t size) {
    uint64_t eocd = zip_find_eocd(data, size);
    if (eocd >= size) throw_error(STATUS_E_ZIP_CORRUPT, "zip: no end-of-central-directory record");

    uint64_t n_entries = zip_u16(data + eocd + 10);
    uint64_t cd_size = zip_u32(data + eocd + 12);
    uint64_t cd_offset = zip_u32(data + eocd + 16);

    // Zip64: the 16/32-bit fields hold all-ones and the real values live in
    // the zip64 end record that a locator right before the EOCD points at.
    if (n_entries == 0xffff || cd_size == 0xffffffff || cd_offset == 0xffffffff) {
        if (eocd < ZIP_EOCD64_LOC_SIZE || zip_u32(data + eocd - ZIP_EOCD64_LOC_SIZE) != ZIP_SIG_EOCD64_LOC) {
            throw_error(STATUS_E_ZIP_CORRUPT, "zip: zip64 fields set but no zip64 locator");
        }
        uint64_t eocd64 = zip_u64(data + eocd - ZIP_EOCD64_LOC_SIZE + 8);
        if (eocd64 > size || size - eocd64 < ZIP_EOCD64_SIZE || zip_u32(data + eocd64) != ZIP_SIG_EOCD64) {
            throw_error(STATUS_E_ZIP_CORRUPT, "zip: zip64 end record missing at offset %llu",
                        static_cast<unsigned long long>(eocd64));
        }
        n_entries = zip_u64(data + eocd64 + 32);
        cd_size = zip_u64(data + eocd64 + 40);
        cd_offset = zip_u64(data + eocd64 + 48);
    }
    if (cd_offset > size || cd_size > size - cd_offset) {
        throw_error(STATUS_E_ZIP_CORRUPT, "zip: central directory (offset %llu, %llu bytes) outside the file",
                    static_cast<unsigned long long>(cd_offset), static_cast<unsigned long long>(cd_size));
    }

    const uint8_t * cd = data + cd_offset;
    uint64_t pos = 0;
    // Each entry takes at least 46 bytes, so the loop is bounded by cd_size.
    for (uint64_t i = 0; i < n_entries; i++) {
        if (cd_size - pos < ZIP_CENTRAL_SIZE || zip_u32(cd + pos) != ZIP_SIG_CENTRAL) {
            throw_error(STATUS_E_ZIP_CORRUPT, "zip: central directory entry %llu is damaged",
                        static_cast<unsigned long long>(i));
        }
        const uint8_t * e = cd + pos;
        uint16_t method = zip_u16(e + 10);
        uint64_t comp_size = zip_u32(e + 20);
        uint64_t uncomp_size = zip_u32(e + 24);
        uint64_t name_len = zip_u16(e + 28);
        uint64_t extra_len = zip_u16(e + 30);
        uint64_t comment_len = zip_u16(e + 32);
        uint64_t local = zip_u32(e + 42);
        uint64_t entry_len = ZIP_CENTRAL_SIZE + name_len + extra_len + comment_len;
        if (cd_size - pos < entry_len) {
            throw_error(STATUS_E_ZIP_CORRUPT, "zip: central directory entry %llu runs past the directory",
                        static_cast<unsigned long long>(i));
        }
        std::string_view name(reinterpret_cast<const char *>(e + ZIP_CENTRAL_SIZE), name_len);
        pos += entry_len;
        if (!zip_name_is_gguf(name)) continue;

        // The zip64 extra field holds, in this order, only the values whose
        // 32-bit fields are all-ones: uncompressed, compressed, local offset.
        const uint8_t * extra = e + ZIP_CENTRAL_SIZE + name_len;
        for (uint64_t x = 0; x + 4 <= extra_len;) {
            uint16_t id = zip_u16(extra + x);
            uint64_t len = zip_u16(extra + x + 2);
            if (x + 4 + len > extra_len) break;
            if (id == ZIP_EXTRA_ZIP64) {
                const uint8_t * f = extra + x + 4;
                uint64_t used = 0;
                auto next = [&](uint64_t & field) {
                    if (field != 0xffffffff) return;
                    if (used + 8 > len) throw_error(STATUS_E_ZIP_CORRUPT, "zip: short zip64 field for '%.*s'",
                                                    static_cast<int>(name.size() > 200 ? 200 : name.size()), name.data());
                    field = zip_u64(f + used);
                    used += 8;
                };
                next(uncomp_size);
                next(comp_size);
                next(local);
            }
            x += 4 + len;
        }

        int shown = static_cast<int>(name.size() > 200 ? 200 : name.size());
        if (method != ZIP_METHOD_STORED) {
            throw_error(STATUS_E_ZIP_COMPRESSED, "zip: entry '%.*s' is compressed (method %u); store it uncompressed (zip -0) so it can be mapped",
                        shown, name.data(), method);
        }
        if (comp_size != uncomp_size) {
            throw_error(STATUS_E_ZIP_CORRUPT, "zip: stored entry '%.*s' has different stored and original sizes", shown, name.data());
        }
        if (local > size || size - local < ZIP_LOCAL_SIZE || zip_u32(data + local) != ZIP_SIG_LOCAL) {
            throw_error(STATUS_E_ZIP_CORRUPT, "zip: local header of '%.*s' missing", shown, name.data());
        }
        uint64_t start = local + ZIP_LOCAL_SIZE + zip_u16(data + local + 26) + zip_u16(data + local + 28);
        if (start > size || uncomp_size > size - start) {
            throw_error(STATUS_E_ZIP_CORRUPT, "zip: entry '%.*s' extends past the end of the archive", shown, name.data());
        }
        return {start, uncomp_size};
    }
    throw_error(STATUS_E_ZIP_NO_GGUF, "zip: no .gguf entry among %llu entries", static_cast<unsigned long long>(n_entries));
}

} // namespace hearth
