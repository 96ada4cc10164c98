// Shared base of the SPM, BPE and WPM tokenizers: the vocabulary, special
// token splitting and pieces. Each subclass turns raw text fragments into ids.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "tokenizer/tokenizer.h"
#include "tokenizer/vocab.h"

namespace hearth {

// A piece of the input after special tokens are split out: either a special
// token or a run of raw text.
struct Fragment {
    TokenId token = TOKEN_NONE;  // != TOKEN_NONE: a special token
    size_t offset = 0;           // raw text: bytes [offset, offset + length) of the input
    size_t length = 0;
};

// Splits out special tokens as llama.cpp does: longest text first; control
// and unknown tokens only with parse_special, user-defined tokens always;
// lstrip/rstrip attributes eat neighbouring whitespace.
std::vector<Fragment> tokenizer_split_special(const Vocab & vocab, std::string_view text, bool parse_special);

class VocabTokenizer : public Tokenizer {
public:
    explicit VocabTokenizer(Vocab vocab) : vocab_(std::move(vocab)) {}

    std::vector<TokenId> tokenize(std::string_view text, bool add_bos, bool parse_special) const override;
    std::string token_to_piece(TokenId id, bool special) const override;
    int32_t n_vocab() const override { return int32_t(vocab_.tokens.size()); }
    const SpecialTokens & special() const override { return vocab_.special; }
    std::string_view token_text(TokenId id) const override;
    bool is_control(TokenId id) const override;
    bool is_eog(TokenId id) const override { return vocab_.eog.count(id) != 0; }
    const char * model_name() const override { return vocab_.model_name.c_str(); }
    const char * pre_name() const override { return vocab_.pre_name.c_str(); }
    bool add_space_prefix() const override { return vocab_.add_space_prefix; }
    bool wants_clean_spaces() const override { return vocab_.clean_spaces; }

    const Vocab & vocab() const { return vocab_; }
    void set_newline(TokenId id) { vocab_.special.nl = id; }

protected:
    // Appends the ids of the fragments (raw text and special tokens) in order.
    virtual void tokenize_fragments(std::string_view text, const std::vector<Fragment> & fragments,
                                    std::vector<TokenId> & out) const = 0;
    Vocab vocab_;
};

std::unique_ptr<VocabTokenizer> tokenizer_spm_init(Vocab vocab);
std::unique_ptr<VocabTokenizer> tokenizer_bpe_init(Vocab vocab);
std::unique_ptr<VocabTokenizer> tokenizer_wpm_init(Vocab vocab);

} // namespace hearth
