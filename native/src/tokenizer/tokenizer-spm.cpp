// SentencePiece-style tokenizer ("llama"): spaces become U+2581, then the
// best-scoring adjacent pair that forms a token is merged until none is left;
// characters that never became a token fall back to <0xXX> byte tokens.
#include <algorithm>
#include <queue>
#include <unordered_set>

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

// A character as one integer: its (at most 4) UTF-8 bytes.
inline uint32_t pack_char(const char * p, size_t n) {
    uint32_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
    return v;
}

inline uint64_t pair_key(uint32_t a, uint32_t b) { return (uint64_t(a) << 32) | b; }

class SpmTokenizer final : public VocabTokenizer {
public:
    // Merges only ever join characters that sit side by side inside some
    // token, so the text splits into independent runs wherever two adjacent
    // characters never do: same result, small heaps instead of one the size
    // of the text.
    explicit SpmTokenizer(Vocab vocab) : VocabTokenizer(std::move(vocab)) {
        for (const TokenData & t : vocab_.tokens) {
            const std::string & s = t.text;
            uint32_t prev = 0;
            bool have_prev = false;
            for (size_t i = 0; i < s.size();) {
                const size_t n = std::min(unicode_len_utf8(s[i]), s.size() - i);
                const uint32_t c = pack_char(s.data() + i, n);
                if (have_prev) adjacent_.insert(pair_key(prev, c));
                prev = c;
                have_prev = true;
                i += n;
            }
        }
    }

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
    std::unordered_set<uint64_t> adjacent_;

    void encode(const std::string & text, std::vector<TokenId> & out) const {
        std::vector<SpmSymbol> symbols;
        size_t run_start = 0;
        uint32_t prev = 0;
        for (size_t offs = 0; offs < text.size();) {
            const size_t n = std::min(unicode_len_utf8(text[offs]), text.size() - offs);
            const uint32_t c = pack_char(text.data() + offs, n);
            if (offs > run_start && adjacent_.count(pair_key(prev, c)) == 0) {
                encode_run(text, run_start, offs, symbols, out);
                run_start = offs;
            }
            prev = c;
            offs += n;
        }
        if (run_start < text.size()) encode_run(text, run_start, text.size(), symbols, out);
    }

    // Bytes [begin, end) of text: the merge loop over one independent run.
    void encode_run(const std::string & text, size_t begin, size_t end, std::vector<SpmSymbol> & symbols,
                    std::vector<TokenId> & out) const {
        symbols.clear();
        for (size_t offs = begin; offs < end;) {
            const size_t n = std::min(unicode_len_utf8(text[offs]), end - offs);
            const int32_t index = int32_t(symbols.size());
            symbols.push_back({index - 1, offs + n == end ? -1 : index + 1, uint32_t(offs), uint32_t(n)});
            offs += n;
        }
        std::priority_queue<SpmBigram, std::vector<SpmBigram>, SpmBigramOrder> queue;
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
