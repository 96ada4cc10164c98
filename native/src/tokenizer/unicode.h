// Code points, UTF-8 and the category flags the pre-tokenizers match on.
// The tables (unicode-data.cpp) come from Node's ICU via
// scripts/gen-unicode.ts: Unicode 17.0 at the time of writing.
//
// Decoding follows llama.cpp's lenient rules on purpose (our ids must equal
// its ids): a lead byte with missing continuation bytes becomes U+FFFD and
// consumes one byte; overlong forms and surrogates decode as written.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hearth {

// Category flags: at most one of NUMBER..CONTROL, plus WHITESPACE. No
// category bit means the code point is unassigned (Cn).
enum CptFlag : uint8_t {
    CPT_NUMBER      = 0x01,  // \p{N}
    CPT_LETTER      = 0x02,  // \p{L}
    CPT_PUNCTUATION = 0x04,  // \p{P}
    CPT_MARK        = 0x08,  // \p{M}
    CPT_SYMBOL      = 0x10,  // \p{S}
    CPT_SEPARATOR   = 0x20,  // \p{Z}
    CPT_CONTROL     = 0x40,  // \p{C} except Cn
    CPT_WHITESPACE  = 0x80,  // White_Space property (what \s matches)
};

constexpr uint32_t CPT_MAX = 0x110000;
constexpr uint32_t CPT_REPLACEMENT = 0xFFFD;

// Flags of one code point (0 for unassigned or out of range).
uint8_t unicode_get_flags(uint32_t cpt);
const uint8_t * unicode_flags_table();  // CPT_MAX entries

// Decodes the code point at text[offset], advancing offset.
uint32_t unicode_decode_utf8(std::string_view text, size_t & offset);
void unicode_decode_all(std::string_view text, std::vector<uint32_t> & out);
void unicode_append_utf8(std::string & out, uint32_t cpt);
// Bytes in the UTF-8 sequence that starts with this byte (1 for a stray continuation byte).
inline size_t unicode_len_utf8(char c) {
    static const uint8_t lookup[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
    return lookup[static_cast<uint8_t>(c) >> 4];
}

uint32_t unicode_to_lower(uint32_t cpt);   // simple lowercase mapping
uint32_t unicode_nfd_first(uint32_t cpt);  // first code point of the NFD form

// GPT-2 byte-level mapping: each byte as a printable code point (UTF-8).
const std::string & unicode_byte_to_text(uint8_t byte);
// The inverse for one code point: -1 when cpt is not a byte's image.
int unicode_text_to_byte(uint32_t cpt);

const char * unicode_version();

} // namespace hearth
