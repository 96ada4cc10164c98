// WordPiece tokenizer ("bert"): lowercase and strip accents (BERT's
// normalizer), split on whitespace and punctuation, then greedy longest-match
// of each word with a leading U+2581 marking the word start, as llama.cpp does.
#include <algorithm>

#include "tokenizer/tokenizer-impl.h"
#include "tokenizer/unicode.h"

namespace hearth {

namespace {

bool is_chinese_char(uint32_t c) {
    // 0x2B920 (not 0x2B820) follows the HF tokenizers code, as llama.cpp does.
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
           (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

class WpmTokenizer final : public VocabTokenizer {
public:
    using VocabTokenizer::VocabTokenizer;

protected:
    void tokenize_fragments(std::string_view text, const std::vector<Fragment> & fragments,
                            std::vector<TokenId> & out) const override {
        for (const Fragment & f : fragments) {
            if (f.token != TOKEN_NONE) out.push_back(f.token);
            else encode(text.substr(f.offset, f.length), out);
        }
    }

private:
    std::vector<std::string> split_words(std::string_view text) const {
        std::vector<uint32_t> cpts;
        unicode_decode_all(text, cpts);
        const bool lower = vocab_.lowercase;
        const bool strip_accents = lower;
        std::vector<std::string> words(1);
        for (uint32_t c : cpts) {
            if (strip_accents) c = unicode_nfd_first(c);
            const uint8_t f = unicode_get_flags(c);
            if (f & CPT_WHITESPACE) {
                if (!words.back().empty()) words.emplace_back();
                continue;
            }
            if (c == 0 || c == CPT_REPLACEMENT || (f & CPT_CONTROL)) continue;
            if (strip_accents && (f & CPT_MARK)) continue;
            std::string s;
            unicode_append_utf8(s, lower ? unicode_to_lower(c) : c);
            if ((f & CPT_PUNCTUATION) || (c < 0x7F && (f & CPT_SYMBOL)) || is_chinese_char(c)) {
                if (!words.back().empty()) words.emplace_back();
                words.back() = s;  // a word of its own
                words.emplace_back();
            } else {
                words.back() += s;
            }
        }
        if (words.back().empty()) words.pop_back();
        return words;
    }

    void encode(std::string_view text, std::vector<TokenId> & out) const {
        for (const std::string & word : split_words(text)) {
            if (word.empty()) continue;
            const std::string w = "\xE2\x96\x81" + word;
            const size_t n = w.size();
            const size_t start = out.size();
            for (size_t i = 0; i < n; ++i) {
                bool matched = false;
                for (size_t j = std::min(n, i + vocab_.max_token_len + 1); j > i; --j) {
                    const TokenId id = vocab_.find(std::string_view(w).substr(i, j - i));
                    if (id != TOKEN_NONE) {
                        out.push_back(id);
                        matched = true;
                        i = j - 1;
                        break;
                    }
                }
                if (!matched) {  // the whole word becomes unknown
                    out.resize(start);
                    break;
                }
            }
            if (out.size() == start) out.push_back(vocab_.special.unk);
        }
    }
};

} // namespace

std::unique_ptr<VocabTokenizer> tokenizer_wpm_init(Vocab vocab) {
    return std::make_unique<WpmTokenizer>(std::move(vocab));
}

} // namespace hearth
