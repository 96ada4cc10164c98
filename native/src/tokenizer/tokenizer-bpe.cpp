// Byte-level BPE tokenizer ("gpt2"): the pre-tokenizer named by
// tokenizer.ggml.pre splits text into words; each word's UTF-8 bytes map to
// printable code points (GPT-2's byte encoding) and the lowest-ranked merge
// is applied until none is left.
//
// Merges work on interned piece ids rather than strings: a piece id is the
// token id when the text is a token, else an id past the vocabulary for the
// few merge texts that are not tokens.
#include <algorithm>
#include <deque>
#include <unordered_map>

#include "common/status.h"
#include "tokenizer/pre-tokenizer.h"
#include "tokenizer/tokenizer-impl.h"
#include "tokenizer/unicode.h"

namespace hearth {

namespace {

struct BpeMerge {
    int32_t rank;
    int32_t result;  // piece id of left + right
};

struct BpeSymbol {
    int32_t piece;
    int32_t prev;
    int32_t next;
    bool alive;
};

struct BpeBigram {
    int32_t rank;
    int32_t left;
    int32_t left_piece;
    int32_t right_piece;
    int32_t result;
};

// Lowest rank first; on ties the leftmost pair.
struct BpeBigramOrder {
    bool operator()(const BpeBigram & l, const BpeBigram & r) const {
        return l.rank > r.rank || (l.rank == r.rank && l.left > r.left);
    }
};

inline uint64_t pair_key(int32_t a, int32_t b) { return (uint64_t(uint32_t(a)) << 32) | uint32_t(b); }

class BpeTokenizer final : public VocabTokenizer {
public:
    explicit BpeTokenizer(Vocab vocab) : VocabTokenizer(std::move(vocab)) {
        pre_ = pre_tokenizer_find(vocab_.pre_name);
        if (!pre_) throw_error(STATUS_E_TOKENIZER, "unsupported pre-tokenizer '%s'", vocab_.pre_name.c_str());
        n_vocab_ = int32_t(vocab_.tokens.size());
        for (int b = 0; b < 256; ++b) byte_piece_[b] = intern(unicode_byte_to_text(uint8_t(b)));
        merges_.reserve(vocab_.merges.size() * 2);
        std::string joined;  // reused: a fresh string per merge was most of the build's mallocs
        for (size_t rank = 0; rank < vocab_.merges.size(); ++rank) {
            const std::string & m = vocab_.merges[rank];
            const size_t sp = m.find(' ', 1);
            if (sp == std::string::npos) continue;
            const std::string_view left(m.data(), sp), right(m.data() + sp + 1, m.size() - sp - 1);
            const int32_t l = intern(left), r = intern(right);
            joined.assign(left).append(right);
            const int32_t res = intern(joined);
            merges_.try_emplace(pair_key(l, r), BpeMerge{int32_t(rank), res});  // the first rank wins
        }
    }

protected:
    void tokenize_fragments(std::string_view text, const std::vector<Fragment> & fragments,
                            std::vector<TokenId> & out) const override {
        Session s;
        for (const Fragment & f : fragments) {
            if (f.token != TOKEN_NONE) out.push_back(f.token);
            else encode(text.substr(f.offset, f.length), s, out);
        }
    }

private:
    // Scratch buffers and the word cache of one tokenize() call.
    struct Session {
        std::vector<uint32_t> cpts;
        std::vector<uint32_t> words;
        std::string utf8;
        std::vector<BpeSymbol> symbols;
        std::vector<BpeBigram> heap;
        std::unordered_map<std::string, std::pair<uint32_t, uint32_t>> cache;  // word -> span of cache_ids
        std::vector<TokenId> cache_ids;
    };

    int32_t intern(std::string_view text) {
        const TokenId id = vocab_.find(text);
        if (id != TOKEN_NONE) return id;
        auto it = extra_ids_.find(text);
        if (it != extra_ids_.end()) return it->second;
        extra_texts_.emplace_back(text);
        const int32_t pid = n_vocab_ + int32_t(extra_texts_.size()) - 1;
        extra_ids_.emplace(extra_texts_.back(), pid);
        return pid;
    }

    std::string_view piece_text(int32_t pid) const {
        return pid < n_vocab_ ? std::string_view(vocab_.tokens[size_t(pid)].text) : std::string_view(extra_texts_[size_t(pid - n_vocab_)]);
    }

    void encode(std::string_view text, Session & s, std::vector<TokenId> & out) const {
        unicode_decode_all(text, s.cpts);
        pre_tokenizer_split(*pre_, s.cpts, s.words);
        size_t c = 0;
        for (uint32_t len : s.words) {
            // The word's bytes as llama.cpp rebuilds them (invalid input became U+FFFD).
            s.utf8.clear();
            for (size_t k = c; k < c + len; ++k) unicode_append_utf8(s.utf8, s.cpts[k]);
            c += len;
            if (s.utf8.size() <= 64) {
                auto it = s.cache.find(s.utf8);
                if (it != s.cache.end()) {
                    out.insert(out.end(), s.cache_ids.begin() + it->second.first,
                               s.cache_ids.begin() + it->second.first + it->second.second);
                    continue;
                }
                const size_t before = out.size();
                encode_word(s.utf8, s, out);
                const uint32_t start = uint32_t(s.cache_ids.size());
                s.cache_ids.insert(s.cache_ids.end(), out.begin() + before, out.end());
                s.cache.emplace(s.utf8, std::make_pair(start, uint32_t(out.size() - before)));
            } else {
                encode_word(s.utf8, s, out);
            }
        }
    }

    void encode_word(const std::string & word, Session & s, std::vector<TokenId> & out) const {
        if (vocab_.ignore_merges) {
            std::string encoded;
            for (char b : word) encoded += unicode_byte_to_text(uint8_t(b));
            const TokenId id = vocab_.find(encoded);
            if (id != TOKEN_NONE) {
                out.push_back(id);
                return;
            }
        }
        auto & sym = s.symbols;
        sym.clear();
        const int32_t n = int32_t(word.size());
        for (int32_t i = 0; i < n; ++i) sym.push_back({byte_piece_[uint8_t(word[size_t(i)])], i - 1, i + 1 < n ? i + 1 : -1, true});
        // A binary heap over the session's buffer (std::push_heap/pop_heap keep its capacity).
        auto & heap = s.heap;
        heap.clear();
        const BpeBigramOrder order;
        auto try_add = [&](int32_t left, int32_t right) {
            if (left < 0 || right < 0) return;
            const int32_t lp = sym[size_t(left)].piece, rp = sym[size_t(right)].piece;
            auto it = merges_.find(pair_key(lp, rp));
            if (it == merges_.end()) return;
            heap.push_back({it->second.rank, left, lp, rp, it->second.result});
            std::push_heap(heap.begin(), heap.end(), order);
        };
        for (int32_t i = 1; i < n; ++i) try_add(i - 1, i);
        while (!heap.empty()) {
            std::pop_heap(heap.begin(), heap.end(), order);
            const BpeBigram b = heap.back();
            heap.pop_back();
            BpeSymbol & l = sym[size_t(b.left)];
            // Stale when either side has changed since the pair was queued.
            if (!l.alive || l.next < 0 || l.piece != b.left_piece) continue;
            BpeSymbol & r = sym[size_t(l.next)];
            if (r.piece != b.right_piece) continue;
            l.piece = b.result;
            r.alive = false;
            const int32_t right_next = r.next;
            l.next = right_next;
            if (right_next >= 0) sym[size_t(right_next)].prev = b.left;
            try_add(l.prev, b.left);
            try_add(b.left, right_next);
        }
        for (int32_t i = n > 0 ? 0 : -1; i != -1; i = sym[size_t(i)].next) {
            const int32_t pid = sym[size_t(i)].piece;
            if (pid < n_vocab_) {
                out.push_back(pid);
                continue;
            }
            // Not a token: whatever single bytes of its text are tokens.
            for (char c : piece_text(pid)) {
                const TokenId id = vocab_.find(std::string_view(&c, 1));
                if (id != TOKEN_NONE) out.push_back(id);
            }
        }
    }

    const PreTokenizerInfo * pre_ = nullptr;
    int32_t n_vocab_ = 0;
    int32_t byte_piece_[256] = {};
    std::unordered_map<uint64_t, BpeMerge> merges_;
    std::deque<std::string> extra_texts_;
    std::unordered_map<std::string_view, int32_t> extra_ids_;
};

} // namespace

std::unique_ptr<VocabTokenizer> tokenizer_bpe_init(Vocab vocab) {
    return std::make_unique<BpeTokenizer>(std::move(vocab));
}

} // namespace hearth
