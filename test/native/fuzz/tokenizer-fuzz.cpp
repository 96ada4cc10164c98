// libFuzzer target for the tokenizers: arbitrary bytes -> tokenize (plain and
// with special-token parsing) -> detokenize, on one real vocab per run.
//
// The vocab is a vocab-only GGUF named by HEARTH_FUZZ_VOCAB (scripts/
// fuzz-tokenizer.sh runs this binary once per tokenizer type: SPM, BPE with
// several pre-tokenizers, WPM). It is loaded once, at start-up.
//
// Checked for every input: no crash or sanitizer report; every id inside the
// vocab; detokenize accepts what tokenize produced. Where the tokenizer
// promises it (HEARTH_FUZZ_ROUNDTRIP=1: byte-level BPE and SPM with byte
// fallback), valid UTF-8 comes back from detokenize(tokenize(text))
// unchanged, as long as every byte of the text has a byte token in the
// vocab: some real vocabs lack a few (Falcon has no token for 0x13, say),
// and a byte without one is dropped, as llama.cpp drops it. SPM also writes
// spaces as U+2581 and reads U+2581 back as a space, so text holding that
// character does not come back either (by design, as in SentencePiece).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/status.h"
#include "gguf/gguf-reader.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/unicode.h"

namespace {

std::unique_ptr<hearth::GgufFile> g_file;
std::unique_ptr<hearth::Tokenizer> g_tok;
bool g_roundtrip = false;
bool g_spm = false;  // SentencePiece-style ("llama")
bool g_byte_covered[256] = {};  // the byte has a token of its own (BPE byte piece, SPM <0xXX>)

void find_byte_tokens() {
    std::unordered_set<std::string> texts;
    for (int32_t id = 0; id < g_tok->n_vocab(); ++id) texts.insert(std::string(g_tok->token_text(id)));
    const bool spm = g_spm = std::string_view(g_tok->model_name()) == "llama";
    for (int b = 0; b < 256; ++b) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "<0x%02X>", b);
        g_byte_covered[b] = texts.count(spm ? std::string(hex) : hearth::unicode_byte_to_text(uint8_t(b))) > 0;
    }
}

bool all_bytes_covered(std::string_view s) {
    for (char c : s) {
        if (!g_byte_covered[static_cast<uint8_t>(c)]) return false;
    }
    return true;
}

// Whether the tokenizer promises detokenize(tokenize(s)) == s (see the top).
bool round_trip_promised(std::string_view s) {
    if (g_spm && s.find("\xE2\x96\x81") != std::string_view::npos) return false;
    return all_bytes_covered(s);
}

// Strict UTF-8: shortest forms, no surrogates, at most U+10FFFF.
bool valid_utf8(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<uint8_t>(s[i]);
        size_t n;
        uint32_t cp;
        if (c < 0x80) { ++i; continue; }
        if (c >= 0xC2 && c <= 0xDF) { n = 1; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { n = 2; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { n = 3; cp = c & 0x07; }
        else return false;
        for (size_t k = 1; k <= n; ++k) {
            if (i + k >= s.size()) return false;
            const auto cc = static_cast<uint8_t>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += n + 1;
    }
    return true;
}

void check_ids(const std::vector<hearth::TokenId> & ids) {
    const int32_t n = g_tok->n_vocab();
    for (hearth::TokenId id : ids) {
        if (id < 0 || id >= n) {
            std::fprintf(stderr, "tokenizer-fuzz: id %d outside the vocab (%d)\n", id, n);
            __builtin_trap();
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
    const char * path = std::getenv("HEARTH_FUZZ_VOCAB");
    if (!path) {
        std::fprintf(stderr, "tokenizer-fuzz: set HEARTH_FUZZ_VOCAB to a vocab-only .gguf\n");
        std::exit(2);
    }
    const char * rt = std::getenv("HEARTH_FUZZ_ROUNDTRIP");
    g_roundtrip = rt && rt[0] == '1';
    try {
        g_file = hearth::GgufFile::open(path);
        g_tok = hearth::Tokenizer::from_gguf(*g_file);
        find_byte_tokens();
    } catch (const hearth::EngineError & e) {
        std::fprintf(stderr, "tokenizer-fuzz: %s: %s\n", path, e.what());
        std::exit(2);
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t * data, size_t size) {
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    for (const bool special : {false, true}) {
        std::vector<hearth::TokenId> ids;
        try {
            ids = g_tok->tokenize(text, /*add_bos=*/special, special);
        } catch (const hearth::EngineError &) {
            continue;  // a coded refusal is an answer
        }
        check_ids(ids);
        const std::string back = g_tok->detokenize(ids, special);
        volatile size_t sink = back.size() + g_tok->detokenize(ids, special, /*clean_spaces=*/true).size();
        (void)sink;
        for (hearth::TokenId id : ids) {
            volatile size_t n = g_tok->token_to_piece(id, special).size();
            (void)n;
        }
        if (!special && g_roundtrip && valid_utf8(text) && round_trip_promised(text) && back != text) {
            std::fprintf(stderr, "tokenizer-fuzz: round trip changed %zu bytes into %zu bytes\n", text.size(), back.size());
            __builtin_trap();
        }
    }
    return 0;
}
