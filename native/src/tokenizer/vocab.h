// The vocabulary a tokenizer is built from: token texts, scores and
// attributes, special token ids and flags, all read from tokenizer.ggml.*
// metadata with the defaults and text-based fallbacks llama.cpp applies, so
// that the same GGUF gives the same ids in both.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace hearth {

class GgufFile;

enum VocabType { VOCAB_TYPE_SPM, VOCAB_TYPE_BPE, VOCAB_TYPE_WPM };

// tokenizer.ggml.token_type values (GGUF convention).
enum TokenType : int32_t {
    TOKEN_TYPE_UNDEFINED = 0, TOKEN_TYPE_NORMAL = 1, TOKEN_TYPE_UNKNOWN = 2, TOKEN_TYPE_CONTROL = 3,
    TOKEN_TYPE_USER_DEFINED = 4, TOKEN_TYPE_UNUSED = 5, TOKEN_TYPE_BYTE = 6,
};

// Per-token attribute bits (several may be set, e.g. USER_DEFINED | CONTROL).
enum TokenAttr : uint32_t {
    TOKEN_ATTR_UNDEFINED    = 0,
    TOKEN_ATTR_UNKNOWN      = 1 << 0,
    TOKEN_ATTR_UNUSED       = 1 << 1,
    TOKEN_ATTR_NORMAL       = 1 << 2,
    TOKEN_ATTR_CONTROL      = 1 << 3,
    TOKEN_ATTR_USER_DEFINED = 1 << 4,
    TOKEN_ATTR_BYTE         = 1 << 5,
    TOKEN_ATTR_LSTRIP       = 1 << 7,  // eat whitespace left of the token when it is split out
    TOKEN_ATTR_RSTRIP       = 1 << 8,  // ... and right of it
};

struct TokenData {
    std::string text;
    float score = 0.0f;
    uint32_t attr = TOKEN_ATTR_NORMAL;
};

struct Vocab {
    VocabType type = VOCAB_TYPE_SPM;
    std::string model_name;  // tokenizer.ggml.model
    std::string pre_name;    // tokenizer.ggml.pre ("default" when absent)
    std::vector<TokenData> tokens;
    std::unordered_map<std::string_view, TokenId> text_to_id;  // views into tokens[i].text
    SpecialTokens special;
    TokenId mask = TOKEN_NONE;
    std::unordered_set<TokenId> eog;
    // Control, user-defined and unknown tokens, longest text first: the order
    // in which they are split out of raw text.
    std::vector<TokenId> special_cache;
    // token_to_piece(id, special = true) of every id, end to end: one string
    // and an end offset per id, where a string per id cost 32 bytes each
    // (4.9 MiB for a 152k vocabulary) before its text.
    std::string piece_bytes;
    std::vector<uint32_t> piece_end;
    bool add_space_prefix = false;
    bool ignore_merges = false;   // BPE: a pre-token that is itself a token skips merging
    bool clean_spaces = false;    // llama.cpp's clean_up_tokenization_spaces (not applied by detokenize)
    bool lowercase = true;        // WPM normalizer
    size_t max_token_len = 0;
    std::vector<std::string> merges;  // BPE: "left right", by rank

    TokenId find(std::string_view text) const {
        auto it = text_to_id.find(text);
        return it == text_to_id.end() ? TOKEN_NONE : it->second;
    }
    uint32_t attr(TokenId id) const { return tokens[size_t(id)].attr; }
    std::string_view piece(TokenId id) const {
        const uint32_t begin = id == 0 ? 0 : piece_end[size_t(id) - 1];
        return std::string_view(piece_bytes).substr(begin, piece_end[size_t(id)] - begin);
    }
    bool valid(TokenId id) const { return id >= 0 && size_t(id) < tokens.size(); }
};

// Throws EngineError(STATUS_E_TOKENIZER) naming the missing or malformed key.
Vocab vocab_load_from_gguf(const GgufFile & file);

// The SPM byte token for a byte (<0xXX>, else the byte as text, else unk).
TokenId vocab_spm_byte_token(const Vocab & vocab, uint8_t byte);

} // namespace hearth
