#include "tokenizer/unicode.h"

#include <algorithm>
#include <array>
#include <memory>

#include "tokenizer/unicode-data.h"

namespace hearth {

namespace {

// One byte per code point (1.1 MB) so the hot loops index instead of search.
std::unique_ptr<uint8_t[]> build_flags_table() {
    std::unique_ptr<uint8_t[]> table(new uint8_t[CPT_MAX]);
    using unicode_data::CPT_RANGES;
    for (size_t i = 0; i < unicode_data::CPT_RANGES_COUNT; ++i) {
        const uint32_t end = i + 1 < unicode_data::CPT_RANGES_COUNT ? CPT_RANGES[i + 1].first : CPT_MAX;
        std::fill(table.get() + CPT_RANGES[i].first, table.get() + end, CPT_RANGES[i].flags);
    }
    return table;
}

struct ByteMaps {
    std::array<std::string, 256> byte_to_text;
    std::array<int32_t, 512> cpt_to_byte;  // every image is below U+0200
};

ByteMaps build_byte_maps() {
    ByteMaps m;
    m.cpt_to_byte.fill(-1);
    // Printable Latin-1 bytes map to themselves; the rest to U+0100 onwards in byte order.
    auto printable = [](int b) { return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF); };
    int n = 0;
    for (int b = 0; b < 256; ++b) {
        const uint32_t cpt = printable(b) ? uint32_t(b) : uint32_t(256 + n++);
        unicode_append_utf8(m.byte_to_text[b], cpt);
        m.cpt_to_byte[cpt] = b;
    }
    return m;
}

const ByteMaps & byte_maps() {
    static const ByteMaps maps = build_byte_maps();
    return maps;
}

uint32_t lookup_pair(const unicode_data::CptPair * pairs, size_t count, uint32_t cpt) {
    const auto * end = pairs + count;
    const auto * it = std::lower_bound(pairs, end, cpt, [](const unicode_data::CptPair & p, uint32_t v) { return p.from < v; });
    return (it != end && it->from == cpt) ? it->to : cpt;
}

} // namespace

const uint8_t * unicode_flags_table() {
    static const std::unique_ptr<uint8_t[]> table = build_flags_table();
    return table.get();
}

uint8_t unicode_get_flags(uint32_t cpt) {
    return cpt < CPT_MAX ? unicode_flags_table()[cpt] : 0;
}

uint32_t unicode_decode_utf8(std::string_view s, size_t & offset) {
    const auto at = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
    const size_t n = s.size();
    const uint8_t c = at(offset);
    const auto cont = [&](size_t i) { return i < n && (at(i) & 0xC0) == 0x80; };
    if (c < 0x80) {
        offset += 1;
        return c;
    }
    if ((c & 0x40) == 0) {  // stray continuation byte
        offset += 1;
        return CPT_REPLACEMENT;
    }
    if ((c & 0x20) == 0) {
        if (!cont(offset + 1)) { offset += 1; return CPT_REPLACEMENT; }
        const uint32_t r = (uint32_t(c & 0x1F) << 6) | (at(offset + 1) & 0x3F);
        offset += 2;
        return r;
    }
    if ((c & 0x10) == 0) {
        if (!cont(offset + 1) || !cont(offset + 2)) { offset += 1; return CPT_REPLACEMENT; }
        const uint32_t r = (uint32_t(c & 0x0F) << 12) | (uint32_t(at(offset + 1) & 0x3F) << 6) | (at(offset + 2) & 0x3F);
        offset += 3;
        return r;
    }
    if ((c & 0x08) == 0) {
        if (!cont(offset + 1) || !cont(offset + 2) || !cont(offset + 3)) { offset += 1; return CPT_REPLACEMENT; }
        const uint32_t r = (uint32_t(c & 0x07) << 18) | (uint32_t(at(offset + 1) & 0x3F) << 12) |
                           (uint32_t(at(offset + 2) & 0x3F) << 6) | (at(offset + 3) & 0x3F);
        offset += 4;
        // llama.cpp cannot re-encode values past U+10FFFF (it throws); we read them as U+FFFD.
        return r < CPT_MAX ? r : CPT_REPLACEMENT;
    }
    offset += 1;
    return CPT_REPLACEMENT;
}

void unicode_decode_all(std::string_view text, std::vector<uint32_t> & out) {
    out.clear();
    out.reserve(text.size());
    size_t offset = 0;
    while (offset < text.size()) {
        const uint8_t c = static_cast<uint8_t>(text[offset]);
        if (c < 0x80) {  // ASCII fast path
            out.push_back(c);
            ++offset;
            continue;
        }
        out.push_back(unicode_decode_utf8(text, offset));
    }
}

void unicode_append_utf8(std::string & out, uint32_t cpt) {
    if (cpt <= 0x7F) {
        out.push_back(char(cpt));
    } else if (cpt <= 0x7FF) {
        out.push_back(char(0xC0 | (cpt >> 6)));
        out.push_back(char(0x80 | (cpt & 0x3F)));
    } else if (cpt <= 0xFFFF) {
        out.push_back(char(0xE0 | (cpt >> 12)));
        out.push_back(char(0x80 | ((cpt >> 6) & 0x3F)));
        out.push_back(char(0x80 | (cpt & 0x3F)));
    } else {
        out.push_back(char(0xF0 | ((cpt >> 18) & 0x07)));
        out.push_back(char(0x80 | ((cpt >> 12) & 0x3F)));
        out.push_back(char(0x80 | ((cpt >> 6) & 0x3F)));
        out.push_back(char(0x80 | (cpt & 0x3F)));
    }
}

uint32_t unicode_to_lower(uint32_t cpt) {
    if (cpt < 0x80) return (cpt >= 'A' && cpt <= 'Z') ? cpt + 32 : cpt;
    return lookup_pair(unicode_data::LOWERCASE, unicode_data::LOWERCASE_COUNT, cpt);
}

uint32_t unicode_nfd_first(uint32_t cpt) {
    if (cpt < 0xC0) return cpt;
    return lookup_pair(unicode_data::NFD_FIRST, unicode_data::NFD_FIRST_COUNT, cpt);
}

const std::string & unicode_byte_to_text(uint8_t byte) {
    return byte_maps().byte_to_text[byte];
}

int unicode_text_to_byte(uint32_t cpt) {
    return cpt < 512 ? byte_maps().cpt_to_byte[cpt] : -1;
}

const char * unicode_version() { return unicode_data::UNICODE_VERSION; }

} // namespace hearth
