// SentencePiece-style tokenizer ("llama"): spaces become U+2581, then the
// best-scoring adjacent pair that forms a token is merged until none is left;
// characters that never became a token fall back to <0xXX> byte tokens.
#include <queue>

#include "tokenizer/tokenizer-impl.h"
#include "tokenizer/unicode.h"

namespace hearth {

namespace {

struct SpmSymbol {
    int32_t prev;
    int32_t next;
    uint32_t offset;  // into the escaped text
    uint32_t n;       // bytes; 0 once merged into its left neighbour
};

struct SpmBigram {
    float score;
    int32_t left;
    int32_t right;
    uint32_t size;  // bytes of left + right when queued; stale entries no longer match
};

// Highest score first; on ties the leftmost pair.
struct SpmBigramOrder {
    bool operator()(const SpmBigram & l, const SpmBigram & r) const {
        return l.score < r.score || (l.score == r.score && l.left > r.left);
    }
};

class SpmTokenizer final : public VocabTokenizer {
public:
    using VocabTokenizer::VocabTokenizer;

protected:
    void tokenize_fragments(std::string_view text, const std::vector<Fragment> & fragments,
                            std::vector<TokenId> & out) const override {
        bool prev_special = true;  // the text start counts as "after a special token"
        std::string escaped;
        for (const Fragment & f : fragments) {
            if (f.token != TOKEN_NONE) {
                out.push_back(f.token);
                prev_special = true;
                continue;
            }
            escaped.clear();
            if (vocab_.add_space_prefix && prev_special) escaped += "\xE2\x96\x81";
            for (char c : text.substr(f.offset, f.length)) {
                if (c == ' ') escaped += "\xE2\x96\x81";
                else escaped.push_back(c);
            }
            encode(escaped, out);
            prev_special = false;
        }
    }

private:
    void encode(const std::string & text, std::vector<TokenId> & out) const {
        std::vector<SpmSymbol> symbols;
        symbols.reserve(text.size());
        for (size_t offs = 0; offs < text.size();) {
            const size_t n = std::min(unicode_len_utf8(text[offs]), text.size() - offs);
            const int32_t index = int32_t(symbols.size());
            symbols.push_back({index - 1, offs + n == text.size() ? -1 : index + 1, uint32_t(offs), uint32_t(n)});
            offs += n;
        }
        std::vector<SpmBigram> storage;
        storage.reserve(symbols.size());
        std::priority_queue<SpmBigram, std::vector<SpmBigram>, SpmBigramOrder> queue(SpmBigramOrder{}, std::move(storage));
        auto try_add = [&](int32_t left, int32_t right) {
            if (left < 0 || right < 0) return;
            const SpmSymbol & l = symbols[size_t(left)];
            const SpmSymbol & r = symbols[size_t(right)];
            const std::string_view pair(text.data() + l.offset, l.n + r.n);
            const TokenId id = vocab_.find(pair);
            if (id == TOKEN_NONE) return;
            queue.push({vocab_.tokens[size_t(id)].score, left, right, uint32_t(pair.size())});
        };
        for (int32_t i = 1; i < int32_t(symbols.size()); ++i) try_add(i - 1, i);
        while (!queue.empty()) {
            const SpmBigram b = queue.top();
            queue.pop();
            SpmSymbol & l = symbols[size_t(b.left)];
            SpmSymbol & r = symbols[size_t(b.right)];
            if (l.n == 0 || r.n == 0 || l.n + r.n != b.size) continue;
            l.n += r.n;
            r.n = 0;
            l.next = r.next;
            if (r.next >= 0) symbols[size_t(r.next)].prev = b.left;
            try_add(l.prev, b.left);
            try_add(b.left, l.next);
        }
        for (int32_t i = symbols.empty() ? -1 : 0; i != -1; i = symbols[size_t(i)].next) {
            const SpmSymbol & s = symbols[size_t(i)];
            const std::string_view piece(text.data() + s.offset, s.n);
            const TokenId id = vocab_.find(piece);
            if (id != TOKEN_NONE) {
                out.push_back(id);
                continue;
            }
            // Only single characters can be missing (every merge forms a token).
            for (char c : piece) out.push_back(vocab_spm_byte_token(vocab_, uint8_t(c)));
        }
    }
};

} // namespace

std::unique_ptr<VocabTokenizer> tokenizer_spm_init(Vocab vocab) {
    return std::make_unique<SpmTokenizer>(std::move(vocab));
}

} // namespace hearth
