#include "tokenizer/pre-tokenizer.h"

#include <algorithm>
#include <string>
#include <utility>

#include "tokenizer/unicode.h"

namespace hearth {

namespace {

// ---------------------------------------------------------------------------
// Supported tokenizer.ggml.pre values (and the aliases llama.cpp accepts).

struct PreAlias {
    const char * alias;
    const char * canonical;
};

const std::vector<PreTokenizerInfo> & pre_table() {
    static const std::vector<PreTokenizerInfo> table = {
        {"default", {SPLIT_PUNCT_RUN, SPLIT_GPT2, SPLIT_NUMBER_RUN, SPLIT_ASCII_DIGITS_3}, false, false, true},
        {"llama3", {SPLIT_LLAMA3}, true, true, true},
        {"dbrx", {SPLIT_LLAMA3}, false, false, true},
        {"deepseek-llm", {SPLIT_NEWLINE_ONE, SPLIT_DSLLM_LETTERS, SPLIT_DSLLM_PUNCT, SPLIT_TRAILING_WS, SPLIT_CJK_RUN, SPLIT_NUMBER_RUN}, false, false, false},
        {"deepseek-coder", {SPLIT_NEWLINE_ONE, SPLIT_WS_LETTERS, SPLIT_WS_PUNCT, SPLIT_CJK_RUN, SPLIT_NUMBER_ONE}, false, false, false},
        {"falcon", {SPLIT_PUNCT_RUN_FALCON, SPLIT_GPT2, SPLIT_ASCII_DIGITS_3}, false, false, true},
        {"starcoder", {SPLIT_NUMBER_ONE, SPLIT_GPT2}, false, false, true},
        {"gpt-2", {SPLIT_GPT2}, false, false, true},
        {"qwen2", {SPLIT_QWEN2}, false, false, false},
        {"gpt-4o", {SPLIT_GPT4O}, false, false, false},
    };
    return table;
}

const PreAlias PRE_ALIASES[] = {
    {"llama-v3", "llama3"}, {"llama-bpe", "llama3"}, {"falcon3", "llama3"}, {"falcon-h1", "llama3"},
    {"pixtral", "llama3"}, {"midm-2.0", "llama3"}, {"lfm2", "llama3"}, {"jina-v5-nano", "llama3"},
    {"smaug-bpe", "dbrx"},
    {"refact", "starcoder"}, {"command-r", "starcoder"}, {"smollm", "starcoder"}, {"codeshell", "starcoder"},
    {"exaone", "starcoder"}, {"minerva-7b", "starcoder"}, {"mellum2", "starcoder"},
    {"mpt", "gpt-2"}, {"phi-2", "gpt-2"}, {"jina-es", "gpt-2"}, {"jina-de", "gpt-2"}, {"gigachat", "gpt-2"},
    {"jina-v2-es", "gpt-2"}, {"jina-v2-de", "gpt-2"}, {"a.x-4.0", "gpt-2"}, {"mellum", "gpt-2"},
    {"modern-bert", "gpt-2"}, {"olmo", "gpt-2"}, {"jais", "gpt-2"}, {"trillion", "gpt-2"},
    {"granite-docling", "gpt-2"}, {"jina-v1-en", "gpt-2"}, {"jina-v2-code", "gpt-2"}, {"roberta-bpe", "gpt-2"},
    {"deepseek-r1-qwen", "qwen2"}, {"kormo", "qwen2"}, {"f2llmv2", "qwen2"}, {"stablelm2", "qwen2"},
    {"hunyuan", "qwen2"}, {"solar-open", "qwen2"},
};

// ---------------------------------------------------------------------------
// Character classes.

// deepseek-llm's letter class, verbatim from its tokenizer.json regex.
const char DSLLM_LETTER_CLASS[] = u8"A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝὟ-ώᾀ-ᾴᾶ-ᾼιῂ-ῄῆ-ῌῐ-ΐῖ-Ίῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤΩℨK-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ𐐀-𐑏𐒰-𐓓𐓘-𐓻𐲀-𐲲𐳀-𐳲𑢠-𑣟𞤀-𞥃";

struct RangeSet {
    std::vector<std::pair<uint32_t, uint32_t>> ranges;  // sorted, inclusive
    bool contains(uint32_t c) const {
        auto it = std::upper_bound(ranges.begin(), ranges.end(), c,
                                   [](uint32_t v, const std::pair<uint32_t, uint32_t> & r) { return v < r.first; });
        return it != ranges.begin() && c <= (it - 1)->second;
    }
};

// Parses the inside of a regex bracket expression made of literal characters and a-b ranges.
RangeSet parse_class(std::string_view body) {
    std::vector<uint32_t> cpts;
    unicode_decode_all(body, cpts);
    RangeSet set;
    for (size_t i = 0; i < cpts.size(); ++i) {
        if (i + 2 < cpts.size() && cpts[i + 1] == '-') {
            set.ranges.emplace_back(cpts[i], cpts[i + 2]);
            i += 2;
        } else {
            set.ranges.emplace_back(cpts[i], cpts[i]);
        }
    }
    std::sort(set.ranges.begin(), set.ranges.end());
    return set;
}

const RangeSet & dsllm_letters() {
    static const RangeSet set = parse_class(DSLLM_LETTER_CLASS);
    return set;
}

// Matching context for one fragment [b, e) of the text.
struct Text {
    const uint32_t * cpt;
    const uint8_t * flags;  // CPT_* of each code point
};

inline bool is_ws(const Text & t, size_t i) { return t.flags[i] & CPT_WHITESPACE; }

// std::wregex sees non-ASCII whitespace as U+000B (llama.cpp substitutes it),
// so explicit ranges never match it.
inline uint32_t wide_char(const Text & t, size_t i) {
    const uint32_t c = t.cpt[i];
    return (c > 0x7F && (t.flags[i] & CPT_WHITESPACE)) ? 0x0B : c;
}

inline bool is_punct_run_char(const Text & t, size_t i, bool falcon) {
    if (t.flags[i] & CPT_PUNCTUATION) return true;
    switch (t.cpt[i]) {
        case '$': case '+': case '<': case '=': case '>': case '^': case '~': case '|': return true;
        case '`': return falcon;
        default: return false;
    }
}

inline bool is_cjk(const Text & t, size_t i) {
    const uint32_t c = wide_char(t, i);
    return (c >= 0x0800 && c <= 0x9FA5) || (c >= 0xAC00 && c <= 0xD7FF);
}

inline bool is_dsllm_letter(const Text & t, size_t i) {
    const uint32_t c = wide_char(t, i);
    if (c < 0x80) return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    return dsllm_letters().contains(c);
}

inline bool is_dsllm_punct(const Text & t, size_t i) {
    const uint32_t c = wide_char(t, i);
    return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x7E) || (c >= 0xFF01 && c <= 0xFF0F) ||
           (c >= 0xFF1A && c <= 0xFF5E) || (c >= 0x2018 && c <= 0x201F) || (c >= 0x3000 && c <= 0x3002);
}

// ---------------------------------------------------------------------------
// llama.cpp's custom splitters. Each partitions [b, e) completely.

class PieceSink {
public:
    PieceSink(std::vector<uint32_t> & out, size_t start) : out_(out), prev_(start) {}
    size_t add(size_t end) {
        const size_t len = end - prev_;
        if (len > 0) out_.push_back(uint32_t(len));
        prev_ = end;
        return len;
    }
private:
    std::vector<uint32_t> & out_;
    size_t prev_;
};

inline uint32_t ascii_lower(uint32_t c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

void split_gpt2(const Text & t, size_t b, size_t e, std::vector<uint32_t> & out) {
    PieceSink sink(out, b);
    // Flags of a position; out of the fragment reads as "nothing matches".
    auto fl = [&](size_t i) -> uint8_t { return i < e ? t.flags[i] : 0; };
    constexpr uint8_t WLN = CPT_WHITESPACE | CPT_LETTER | CPT_NUMBER;
    for (size_t pos = b; pos < e;) {
        const uint32_t c = t.cpt[pos];
        if (c == '\'' && pos + 1 < e) {
            const uint32_t n1 = t.cpt[pos + 1];
            if (n1 == 's' || n1 == 't' || n1 == 'm' || n1 == 'd') { pos += sink.add(pos + 2); continue; }
            if (pos + 2 < e) {
                const uint32_t n2 = t.cpt[pos + 2];
                if ((n1 == 'r' && n2 == 'e') || (n1 == 'v' && n2 == 'e') || (n1 == 'l' && n2 == 'l')) { pos += sink.add(pos + 3); continue; }
            }
        }
        const size_t q = pos + (c == ' ' ? 1 : 0);  // the optional leading space
        const uint8_t f2 = fl(q);
        if (f2 & CPT_LETTER) {
            pos = q;
            while (fl(pos) & CPT_LETTER) ++pos;
            sink.add(pos);
            continue;
        }
        if (f2 & CPT_NUMBER) {
            pos = q;
            while (fl(pos) & CPT_NUMBER) ++pos;
            sink.add(pos);
            continue;
        }
        if (q < e && !(f2 & WLN)) {
            pos = q;
            while (pos < e && !(t.flags[pos] & WLN)) ++pos;
            sink.add(pos);
            continue;
        }
        size_t n_ws = 0;
        while (fl(pos + n_ws) & CPT_WHITESPACE) ++n_ws;
        if (n_ws > 1 && pos + n_ws < e) {  // \s+(?!\S): leave the last space to the next word
            pos += n_ws - 1;
            sink.add(pos);
            continue;
        }
        if (n_ws > 0) {
            pos += n_ws;
            sink.add(pos);
            continue;
        }
        sink.add(++pos);
    }
}

// llama3 (max_digits 3) and qwen2 (max_digits 1).
// The whitespace alternatives the llama3-style splits end with, at pos:
// \s*[\r\n]+ | \s+(?!\S) | \s+, else the one character. Returns the piece's end.
size_t whitespace_piece_end(const Text & t, size_t pos, size_t e) {
    size_t n_ws = 0;
    size_t last_newline_end = 0;
    while (pos + n_ws < e && (t.flags[pos + n_ws] & CPT_WHITESPACE)) {
        const uint32_t c = t.cpt[pos + n_ws];
        if (c == '\r' || c == '\n') last_newline_end = pos + n_ws + 1;
        ++n_ws;
    }
    if (last_newline_end > 0) return last_newline_end;       // \s*[\r\n]+
    if (n_ws > 1 && pos + n_ws < e) return pos + n_ws - 1;    // \s+(?!\S)
    if (n_ws > 0) return pos + n_ws;                           // \s+
    return pos + 1;
}

void split_llama3(const Text & t, size_t b, size_t e, size_t max_digits, std::vector<uint32_t> & out) {
    PieceSink sink(out, b);
    auto fl = [&](size_t i) -> uint8_t { return i < e ? t.flags[i] : 0; };
    constexpr uint8_t WLN = CPT_WHITESPACE | CPT_LETTER | CPT_NUMBER;
    for (size_t pos = b; pos < e;) {
        const uint32_t c = t.cpt[pos];
        const uint8_t f = t.flags[pos];
        if (c == '\'' && pos + 1 < e) {
            const uint32_t n1 = ascii_lower(t.cpt[pos + 1]);
            if (n1 == 's' || n1 == 't' || n1 == 'm' || n1 == 'd') { pos += sink.add(pos + 2); continue; }
            if (pos + 2 < e) {
                const uint32_t n2 = ascii_lower(t.cpt[pos + 2]);
                if ((n1 == 'r' && n2 == 'e') || (n1 == 'v' && n2 == 'e') || (n1 == 'l' && n2 == 'l')) { pos += sink.add(pos + 3); continue; }
            }
        }
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if (!(c == '\r' || c == '\n' || (f & CPT_NUMBER))) {
            if ((f & CPT_LETTER) || (fl(pos + 1) & CPT_LETTER)) {
                ++pos;
                while (fl(pos) & CPT_LETTER) ++pos;
                sink.add(pos);
                continue;
            }
        }
        if (f & CPT_NUMBER) {
            if (max_digits == 1) {
                sink.add(++pos);
                continue;
            }
            size_t ini = pos;
            while (fl(pos) & CPT_NUMBER) {
                if (++pos - ini >= max_digits) {
                    sink.add(pos);
                    ini = pos;
                }
            }
            sink.add(pos);
            continue;
        }
        //  ?[^\s\p{L}\p{N}]+[\r\n]*
        const size_t q = pos + (c == ' ' ? 1 : 0);
        if (!(fl(q) & WLN)) {
            pos = q;
            while (pos < e && !(t.flags[pos] & WLN)) ++pos;
            while (pos < e && (t.cpt[pos] == '\r' || t.cpt[pos] == '\n')) ++pos;
            sink.add(pos);
            continue;
        }
        pos = whitespace_piece_end(t, pos, e);
        sink.add(pos);
    }
}

// The o200k split (gpt-4o, gpt-oss). Its word rules tell case apart only in
// ASCII, as llama.cpp evaluates them: "upper" is any letter but a-z, "lower"
// any letter but A-Z, so other scripts' letters are both. The alternatives are
// tried in order, each with a regex's greedy-then-backtrack result.
void split_gpt4o(const Text & t, size_t b, size_t e, std::vector<uint32_t> & out) {
    PieceSink sink(out, b);
    auto fl = [&](size_t i) -> uint8_t { return i < e ? t.flags[i] : 0; };
    auto letter = [&](size_t i) { return (fl(i) & CPT_LETTER) != 0; };
    auto upper = [&](size_t i) { return letter(i) && !(t.cpt[i] >= 'a' && t.cpt[i] <= 'z'); };
    auto lower = [&](size_t i) { return letter(i) && !(t.cpt[i] >= 'A' && t.cpt[i] <= 'Z'); };
    // (?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])? after a word ending at i: its end.
    auto contraction = [&](size_t i) -> size_t {
        if (i >= e || t.cpt[i] != '\'') return i;
        const uint32_t n1 = i + 1 < e ? ascii_lower(t.cpt[i + 1]) : 0, n2 = i + 2 < e ? ascii_lower(t.cpt[i + 2]) : 0;
        if (n1 == 's' || n1 == 't') return i + 2;
        if ((n1 == 'r' && n2 == 'e') || (n1 == 'v' && n2 == 'e')) return i + 3;
        if (n1 == 'm') return i + 2;
        if (n1 == 'l' && n2 == 'l') return i + 3;
        if (n1 == 'd') return i + 2;
        return i;
    };
    constexpr uint8_t WLN = CPT_WHITESPACE | CPT_LETTER | CPT_NUMBER;
    for (size_t pos = b; pos < e;) {
        const uint32_t c = t.cpt[pos];
        const uint8_t f = t.flags[pos];
        // The optional leading [^\r\n\p{L}\p{N}]: taken when it stands before the word
        // (without it the word could not start here, a non-letter).
        const bool lead = !(c == '\r' || c == '\n' || (f & (CPT_LETTER | CPT_NUMBER)));
        const size_t q = lead ? pos + 1 : pos;
        // U*L+: the longest U-run whose next char is an L, backing off one U at a time.
        size_t m = 0;
        while (upper(q + m)) ++m;
        size_t k = m + 1;
        for (size_t j = m + 1; j-- > 0;) {
            if (lower(q + j)) { k = j; break; }
        }
        if (k <= m) {
            size_t end = q + k;
            while (lower(end)) ++end;
            pos = contraction(end);
            sink.add(pos);
            continue;
        }
        // U+L*
        if (m > 0) {
            size_t end = q + m;
            while (lower(end)) ++end;
            pos = contraction(end);
            sink.add(pos);
            continue;
        }
        if (f & CPT_NUMBER) {  // \p{N}{1,3}
            size_t n = 0;
            while (n < 3 && (fl(pos + n) & CPT_NUMBER)) ++n;
            pos += n;
            sink.add(pos);
            continue;
        }
        //  ?[^\s\p{L}\p{N}]+[\r\n/]*
        const size_t p1 = pos + (c == ' ' ? 1 : 0);
        if (p1 < e && !(fl(p1) & WLN)) {
            pos = p1;
            while (pos < e && !(t.flags[pos] & WLN)) ++pos;
            while (pos < e && (t.cpt[pos] == '\r' || t.cpt[pos] == '\n' || t.cpt[pos] == '/')) ++pos;
            sink.add(pos);
            continue;
        }
        pos = whitespace_piece_end(t, pos, e);
        sink.add(pos);
    }
}

// ---------------------------------------------------------------------------
// std::regex-style rules: find the leftmost match in [from, e).

template <class IsChar>
bool find_run(size_t from, size_t e, IsChar is_char, size_t & ms, size_t & me) {
    size_t i = from;
    while (i < e && !is_char(i)) ++i;
    if (i == e) return false;
    ms = i;
    while (i < e && is_char(i)) ++i;
    me = i;
    return true;
}

// \s?X+: the optional whitespace is taken when it directly precedes the run.
template <class IsChar>
bool find_ws_run(const Text & t, size_t from, size_t e, IsChar is_char, size_t & ms, size_t & me) {
    if (!find_run(from, e, is_char, ms, me)) return false;
    if (ms > from && is_ws(t, ms - 1)) --ms;
    return true;
}

bool find_match(SplitRule rule, const Text & t, size_t from, size_t e, size_t & ms, size_t & me) {
    switch (rule) {
        case SPLIT_PUNCT_RUN:
            return find_run(from, e, [&](size_t i) { return is_punct_run_char(t, i, false); }, ms, me);
        case SPLIT_PUNCT_RUN_FALCON:
            return find_run(from, e, [&](size_t i) { return is_punct_run_char(t, i, true); }, ms, me);
        case SPLIT_NUMBER_RUN:
            return find_run(from, e, [&](size_t i) { return (t.flags[i] & CPT_NUMBER) != 0; }, ms, me);
        case SPLIT_NUMBER_ONE:
            if (!find_run(from, e, [&](size_t i) { return (t.flags[i] & CPT_NUMBER) != 0; }, ms, me)) return false;
            me = ms + 1;
            return true;
        case SPLIT_NEWLINE_ONE:
            if (!find_run(from, e, [&](size_t i) { return t.cpt[i] == '\r' || t.cpt[i] == '\n'; }, ms, me)) return false;
            me = ms + 1;
            return true;
        case SPLIT_ASCII_DIGITS_3: {
            auto digit = [&](size_t i) { return t.cpt[i] >= '0' && t.cpt[i] <= '9'; };
            for (size_t i = from; i + 3 <= e; ++i) {
                if (digit(i) && digit(i + 1) && digit(i + 2)) {
                    ms = i;
                    me = i + 3;
                    return true;
                }
            }
            return false;
        }
        case SPLIT_WS_LETTERS:
            return find_ws_run(t, from, e, [&](size_t i) { return (t.flags[i] & CPT_LETTER) != 0; }, ms, me);
        case SPLIT_WS_PUNCT:
            return find_ws_run(t, from, e, [&](size_t i) { return (t.flags[i] & CPT_PUNCTUATION) != 0; }, ms, me);
        case SPLIT_CJK_RUN:
            return find_run(from, e, [&](size_t i) { return is_cjk(t, i); }, ms, me);
        case SPLIT_DSLLM_LETTERS:
            return find_ws_run(t, from, e, [&](size_t i) { return is_dsllm_letter(t, i); }, ms, me);
        case SPLIT_DSLLM_PUNCT:
            return find_ws_run(t, from, e, [&](size_t i) { return is_dsllm_punct(t, i); }, ms, me);
        case SPLIT_TRAILING_WS: {
            size_t s = e;
            while (s > from && is_ws(t, s - 1)) --s;
            if (s == e) return false;
            ms = s;
            me = e;
            return true;
        }
        default:
            return false;
    }
}

void apply_rule(SplitRule rule, const Text & t, const std::vector<uint32_t> & in, std::vector<uint32_t> & out) {
    out.clear();
    out.reserve(in.size() * 2);
    size_t b = 0;
    for (uint32_t len : in) {
        const size_t e = b + len;
        switch (rule) {
            case SPLIT_GPT2: split_gpt2(t, b, e, out); break;
            case SPLIT_LLAMA3: split_llama3(t, b, e, 3, out); break;
            case SPLIT_QWEN2: split_llama3(t, b, e, 1, out); break;
            case SPLIT_GPT4O: split_gpt4o(t, b, e, out); break;
            default: {
                size_t pos = b, ms = 0, me = 0;
                while (pos < e && find_match(rule, t, pos, e, ms, me)) {
                    if (ms > pos) out.push_back(uint32_t(ms - pos));
                    out.push_back(uint32_t(me - ms));
                    pos = me;
                }
                if (pos < e) out.push_back(uint32_t(e - pos));
            }
        }
        b = e;
    }
}

} // namespace

const PreTokenizerInfo * pre_tokenizer_find(std::string_view name) {
    for (const PreAlias & a : PRE_ALIASES) {
        if (name == a.alias) {
            name = a.canonical;
            break;
        }
    }
    for (const PreTokenizerInfo & info : pre_table()) {
        if (name == info.name) return &info;
    }
    return nullptr;
}

void pre_tokenizer_split(const PreTokenizerInfo & pre, const std::vector<uint32_t> & cpts, std::vector<uint32_t> & out) {
    out.clear();
    if (cpts.empty()) return;
    std::vector<uint8_t> flags(cpts.size());
    const uint8_t * table = unicode_flags_table();
    for (size_t i = 0; i < cpts.size(); ++i) flags[i] = cpts[i] < CPT_MAX ? table[cpts[i]] : 0;
    const Text t{cpts.data(), flags.data()};
    std::vector<uint32_t> cur{uint32_t(cpts.size())};
    for (SplitRule rule : pre.rules) {
        apply_rule(rule, t, cur, out);
        cur.swap(out);
    }
    out.swap(cur);
}

} // namespace hearth
