#include "tokenizer/tokenizer.h"

#include <cctype>

#include "common/status.h"
#include "gguf/gguf-reader.h"
#include "tokenizer/tokenizer-impl.h"
#include "tokenizer/unicode.h"

namespace hearth {

// ---------------------------------------------------------------------------
// Construction

std::unique_ptr<Tokenizer> Tokenizer::from_gguf(const GgufFile & file) {
    Vocab vocab = vocab_load_from_gguf(file);
    std::unique_ptr<VocabTokenizer> tok;
    switch (vocab.type) {
        case VOCAB_TYPE_SPM: tok = tokenizer_spm_init(std::move(vocab)); break;
        case VOCAB_TYPE_BPE: tok = tokenizer_bpe_init(std::move(vocab)); break;
        case VOCAB_TYPE_WPM: tok = tokenizer_wpm_init(std::move(vocab)); break;
    }
    // The newline token, as llama.cpp picks it.
    const Vocab & v = tok->vocab();
    if (v.type == VOCAB_TYPE_SPM) {
        tok->set_newline(vocab_spm_byte_token(v, '\n'));
    } else if (v.type == VOCAB_TYPE_WPM) {
        tok->set_newline(v.special.pad);
    } else {
        const std::vector<TokenId> ids = tok->tokenize("\n", false, false);
        tok->set_newline(ids.empty() ? v.special.pad : ids[0]);
    }
    return tok;
}

// ---------------------------------------------------------------------------
// Shared behaviour

std::vector<Fragment> tokenizer_split_special(const Vocab & vocab, std::string_view text, bool parse_special) {
    std::vector<Fragment> frags;
    if (text.empty()) return frags;
    frags.push_back({TOKEN_NONE, 0, text.size()});
    std::vector<Fragment> next;
    for (TokenId id : vocab.special_cache) {
        const TokenData & data = vocab.tokens[size_t(id)];
        if (!parse_special && (data.attr & (TOKEN_ATTR_CONTROL | TOKEN_ATTR_UNKNOWN))) continue;
        const std::string & special = data.text;
        // Cheap reject: most special tokens never occur in a given text.
        if (text.find(special) == std::string_view::npos) continue;
        next.clear();
        for (const Fragment & f : frags) {
            if (f.token != TOKEN_NONE) {
                next.push_back(f);
                continue;
            }
            size_t base = f.offset, len = f.length;
            while (true) {
                const size_t match = text.substr(0, base + len).find(special, base);
                if (match == std::string_view::npos) {
                    next.push_back({TOKEN_NONE, base, len});
                    break;
                }
                if (match > base) {
                    size_t left_len = match - base;
                    if (data.attr & TOKEN_ATTR_LSTRIP) {
                        while (left_len > 0 && std::isspace(static_cast<unsigned char>(text[base + left_len - 1]))) --left_len;
                    }
                    if (left_len > 0) next.push_back({TOKEN_NONE, base, left_len});
                }
                next.push_back({id, 0, 0});
                const size_t after = match + special.size();
                if (after >= base + len) break;
                size_t right_off = after, right_len = base + len - after;
                if (data.attr & TOKEN_ATTR_RSTRIP) {
                    while (right_len > 0 && std::isspace(static_cast<unsigned char>(text[right_off]))) {
                        ++right_off;
                        --right_len;
                    }
                }
                if (right_len == 0) break;
                base = right_off;
                len = right_len;
            }
        }
        frags.swap(next);
    }
    return frags;
}

std::vector<TokenId> VocabTokenizer::tokenize(std::string_view text, bool add_bos, bool parse_special) const {
    std::vector<TokenId> out;
    out.reserve(text.size() / 3 + 4);
    if (add_bos && vocab_.special.bos != TOKEN_NONE) out.push_back(vocab_.special.bos);
    const std::vector<Fragment> frags = tokenizer_split_special(vocab_, text, parse_special);
    tokenize_fragments(text, frags, out);
    return out;
}

std::string VocabTokenizer::token_to_piece(TokenId id, bool special) const {
    if (!vocab_.valid(id)) throw_error(STATUS_E_INVALID_ARGUMENT, "token id %d is outside the vocabulary (0..%zu)", id, vocab_.tokens.size() - 1);
    if (!special && (vocab_.attr(id) & (TOKEN_ATTR_UNKNOWN | TOKEN_ATTR_CONTROL))) return {};
    return std::string(vocab_.piece(id));
}

std::string_view VocabTokenizer::token_text(TokenId id) const {
    if (!vocab_.valid(id)) throw_error(STATUS_E_INVALID_ARGUMENT, "token id %d is outside the vocabulary (0..%zu)", id, vocab_.tokens.size() - 1);
    return vocab_.tokens[size_t(id)].text;
}

bool VocabTokenizer::is_control(TokenId id) const {
    return vocab_.valid(id) && (vocab_.attr(id) & TOKEN_ATTR_CONTROL) != 0;
}

std::string Tokenizer::detokenize(const std::vector<TokenId> & ids, bool special) const {
    std::string out;
    bool strip_space = add_space_prefix();
    for (TokenId id : ids) {
        std::string piece = token_to_piece(id, special);
        if (strip_space && !piece.empty() && piece[0] == ' ') piece.erase(0, 1);
        strip_space = false;
        out += piece;
    }
    return out;
}

namespace {

// llama.cpp's clean-up passes, in order: " ." " ," " !" " ?" lose the space;
// " ' " becomes "'"; " 's" " 'm" " 're" " 've" lose the space.
std::string clean_up_spaces(const std::string & in) {
    std::string a;
    a.reserve(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
        const char x = in[i];
        if (i > 0 && in[i - 1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',')) a.pop_back();
        a.push_back(x);
    }
    std::string b;
    b.reserve(a.size());
    for (size_t i = 0; i < a.size(); ++i) {
        const char x = a[i];
        if (i > 0 && x == '\'' && i + 1 < a.size() && a[i - 1] == ' ' && a[i + 1] == ' ') {
            b.pop_back();   // the space before
            a[++i] = '\0';  // the space after is dropped, and is no longer a space for the next check
        }
        b.push_back(x);
    }
    std::string c;
    c.reserve(b.size());
    for (size_t i = 0; i < b.size(); ++i) {
        const char x = b[i];
        if (i > 0 && b[i - 1] == ' ' && x == '\'' && i + 1 < b.size()) {
            const char x1 = b[i + 1];
            if (x1 == 's' || x1 == 'm') {
                c.pop_back();
            } else if (x1 != 't' && x1 != 'd' && i + 2 < b.size()) {
                const char x2 = b[i + 2];
                if ((x1 == 'r' && x2 == 'e') || (x1 == 'v' && x2 == 'e')) c.pop_back();
            }
        }
        c.push_back(x);
    }
    return c;
}

} // namespace

std::string Tokenizer::detokenize(const std::vector<TokenId> & ids, bool special, bool clean_spaces) const {
    std::string text = detokenize(ids, special);
    return (clean_spaces && wants_clean_spaces()) ? clean_up_spaces(text) : text;
}

// ---------------------------------------------------------------------------
// Utf8StreamDecoder

namespace {

// The UTF-8 sequence at s[i] (strict: no overlongs, no surrogates, nothing
// past U+10FFFF). VALID: len bytes form a character. INVALID: the first len
// bytes are a maximal ill-formed subpart, one U+FFFD as WHATWG decoders
// (TextDecoder) do. INCOMPLETE: a valid start that s ends inside.
enum Utf8Status { UTF8_VALID, UTF8_INVALID, UTF8_INCOMPLETE };

Utf8Status utf8_sequence(std::string_view s, size_t i, size_t & len) {
    const auto b = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
    const uint8_t c = b(i);
    len = 1;
    if (c < 0x80) return UTF8_VALID;
    size_t n;
    uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c >= 0xE0 && c <= 0xEF) { n = 3; if (c == 0xE0) lo = 0xA0; if (c == 0xED) hi = 0x9F; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 4; if (c == 0xF0) lo = 0x90; if (c == 0xF4) hi = 0x8F; }
    else return UTF8_INVALID;
    for (size_t k = 1; k < n; ++k) {
        if (i + k >= s.size()) return UTF8_INCOMPLETE;
        const uint8_t x = b(i + k);
        if (x < (k == 1 ? lo : 0x80) || x > (k == 1 ? hi : 0xBF)) {
            len = k;
            return UTF8_INVALID;
        }
    }
    len = n;
    return UTF8_VALID;
}

const char REPLACEMENT_UTF8[] = "\xEF\xBF\xBD";

} // namespace

std::string Utf8StreamDecoder::push(std::string_view bytes) {
    pending_.append(bytes.data(), bytes.size());
    std::string out;
    size_t i = 0;
    while (i < pending_.size()) {
        size_t len = 0;
        const Utf8Status st = utf8_sequence(pending_, i, len);
        if (st == UTF8_INCOMPLETE) break;  // wait for the next piece
        if (st == UTF8_INVALID) out += REPLACEMENT_UTF8;
        else out.append(pending_, i, len);
        i += len;
    }
    pending_.erase(0, i);
    return out;
}

std::string Utf8StreamDecoder::flush() {
    std::string out;
    if (!pending_.empty()) out = REPLACEMENT_UTF8;  // an unfinished sequence
    pending_.clear();
    return out;
}

} // namespace hearth
