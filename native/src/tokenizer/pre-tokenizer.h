// Byte-level BPE pre-tokenizers: split text into words before merging, as
// the regexes named by tokenizer.ggml.pre do in llama.cpp. The regexes are
// implemented as hand-written matchers over code points and category flags
// (std::regex is slow and has no \p{..}). Where llama.cpp has a custom
// splitter (gpt2, llama3, qwen2) we follow it step for step; the other
// regexes follow std::regex ECMAScript semantics (leftmost match, alternatives
// in order) over llama.cpp's "collapsed" categories, which is what it runs.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace hearth {

// One regex of a pre-tokenizer, applied in sequence to every fragment the
// previous ones left: matches and the gaps between them become fragments.
enum SplitRule : uint8_t {
    SPLIT_GPT2,              // 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)
    SPLIT_LLAMA3,            // (?i:'s|...)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
    SPLIT_QWEN2,             // as LLAMA3 with \p{N} instead of \p{N}{1,3}
    SPLIT_GPT4O,             // o200k: [^\r\n\p{L}\p{N}]?U*L+'x?|[^\r\n\p{L}\p{N}]?U+L*'x?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
                             // (U: a letter but a-z, L: a letter but A-Z, as llama.cpp matches it)
    SPLIT_PUNCT_RUN,         // [\p{P}\$\+<=>\^~\|]+
    SPLIT_PUNCT_RUN_FALCON,  // [\p{P}\$\+<=>\^~\|`]+
    SPLIT_NUMBER_RUN,        // \p{N}+
    SPLIT_NUMBER_ONE,        // \p{N}
    SPLIT_ASCII_DIGITS_3,    // [0-9][0-9][0-9]
    SPLIT_NEWLINE_ONE,       // [\r\n]
    SPLIT_WS_LETTERS,        // \s?\p{L}+
    SPLIT_WS_PUNCT,          // \s?\p{P}+
    SPLIT_CJK_RUN,           // [一-龥ࠀ-一가-퟿]+
    SPLIT_DSLLM_LETTERS,     // \s?[A-Za-zµÀ-ÖØ-öø-ƺ...]+ (deepseek-llm's explicit letter ranges)
    SPLIT_DSLLM_PUNCT,       // \s?[!-/:-~！-／：-～‘-‟　-。]+
    SPLIT_TRAILING_WS,       // \s+$
};

struct PreTokenizerInfo {
    const char * name;      // canonical tokenizer.ggml.pre value
    std::vector<SplitRule> rules;
    bool ignore_merges;     // llama3 family
    bool add_bos;           // llama3 family defaults add_bos to true
    bool clean_spaces;
};

// nullptr when the name is not supported.
const PreTokenizerInfo * pre_tokenizer_find(std::string_view pre_name);

// Splits code points into words; out receives each word's length in code
// points (they sum to cpts.size()).
void pre_tokenizer_split(const PreTokenizerInfo & pre, const std::vector<uint32_t> & cpts,
                         std::vector<uint32_t> & out);

} // namespace hearth
