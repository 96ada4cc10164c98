// Tokenizer built from a GGUF's tokenizer.* metadata: SentencePiece-style
// ("llama", with byte fallback) and byte-level BPE ("gpt2", with the
// pre-tokenizer named by tokenizer.ggml.pre). Immutable after construction
// and safe to share between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hearth {

class GgufFile;

using TokenId = int32_t;
constexpr TokenId TOKEN_NONE = -1;

struct SpecialTokens {
    TokenId bos = TOKEN_NONE, eos = TOKEN_NONE, eot = TOKEN_NONE, eom = TOKEN_NONE;
    TokenId unk = TOKEN_NONE, pad = TOKEN_NONE, sep = TOKEN_NONE, nl = TOKEN_NONE;
    TokenId fim_pre = TOKEN_NONE, fim_suf = TOKEN_NONE, fim_mid = TOKEN_NONE;
    TokenId fim_pad = TOKEN_NONE, fim_rep = TOKEN_NONE, fim_sep = TOKEN_NONE;
    bool add_bos = false;  // tokenizer.ggml.add_bos_token, or the model type's default
    bool add_eos = false;
};

class Tokenizer {
public:
    // Throws EngineError(STATUS_E_TOKENIZER) naming what is wrong or unsupported.
    static std::unique_ptr<Tokenizer> from_gguf(const GgufFile & file);
    virtual ~Tokenizer() = default;

    // parse_special: text like "<|fim_prefix|>" becomes its control token;
    // otherwise it stays plain text. add_bos: prepend BOS when the vocab has one.
    virtual std::vector<TokenId> tokenize(std::string_view text, bool add_bos, bool parse_special) const = 0;

    // The bytes of one token (may end mid UTF-8 character). Control tokens give
    // their text only when special is true.
    virtual std::string token_to_piece(TokenId id, bool special) const = 0;
    // The pieces concatenated, minus the first piece's leading space when
    // add_space_prefix(). No clean-up of spaces before punctuation: the
    // result is the text that tokenizes back to ids (llama.cpp's optional
    // clean_spaces pass is not applied).
    std::string detokenize(const std::vector<TokenId> & ids, bool special) const;
    // As llama.cpp's llama_detokenize: with clean_spaces, vocabs that ask for
    // it (clean_up_tokenization_spaces) lose the space before . , ! ? and
    // some contractions. For display; the result may not tokenize back.
    std::string detokenize(const std::vector<TokenId> & ids, bool special, bool clean_spaces) const;

    virtual int32_t n_vocab() const = 0;
    virtual const SpecialTokens & special() const = 0;
    virtual std::string_view token_text(TokenId id) const = 0;  // as stored in the vocab
    virtual bool is_control(TokenId id) const = 0;
    virtual bool is_eog(TokenId id) const = 0;  // EOS, EOT, EOM and other end-of-generation tokens
    virtual const char * model_name() const = 0;  // "llama", "gpt2"
    virtual const char * pre_name() const = 0;    // "default", "qwen2", ...
    // SentencePiece-style: a space is put before the text, and detokenize()
    // drops the first piece's leading space.
    virtual bool add_space_prefix() const { return false; }
    virtual bool wants_clean_spaces() const { return false; }
};

// Turns a stream of token bytes into valid UTF-8 text: holds back an
// incomplete trailing character until the next piece completes it.
class Utf8StreamDecoder {
public:
    std::string push(std::string_view bytes);  // returns what is complete so far
    std::string flush();                        // the rest, invalid bytes as U+FFFD
private:
    std::string pending_;
};

} // namespace hearth
