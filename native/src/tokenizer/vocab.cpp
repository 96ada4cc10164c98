#include "tokenizer/vocab.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "common/status.h"
#include "gguf/gguf-reader.h"
#include "tokenizer/pre-tokenizer.h"
#include "tokenizer/unicode.h"

namespace hearth {

namespace {

// Texts llama.cpp recognises when the metadata names no id. Listed in order
// of preference: llama.cpp walks a hash map, so where a vocab holds several
// candidates its pick is arbitrary; ours is the first listed.
const char * const EOT_TEXTS[] = {
    "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>",
    "<EOT>", "_<EOT>", "[EOT]", "<\xEF\xBD\x9C" "end\xE2\x96\x81" "of\xE2\x96\x81" "sentence\xEF\xBD\x9C>", "<end_of_utterance>",
};
const char * const EOM_TEXTS[] = {"<|eom_id|>"};
const char * const FIM_PRE_TEXTS[] = {
    "<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<\xEF\xBD\x9C" "fim\xE2\x96\x81" "begin\xEF\xBD\x9C>",
    "<PRE>", "\xE2\x96\x81<PRE>", "<|code_prefix|>", "<|prefix|>",
};
const char * const FIM_SUF_TEXTS[] = {
    "<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<\xEF\xBD\x9C" "fim\xE2\x96\x81" "hole\xEF\xBD\x9C>",
    "<SUF>", "\xE2\x96\x81<SUF>", "<|code_suffix|>", "<|suffix|>",
};
const char * const FIM_MID_TEXTS[] = {
    "<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<\xEF\xBD\x9C" "fim\xE2\x96\x81" "end\xEF\xBD\x9C>",
    "<MID>", "\xE2\x96\x81<MID>", "<|code_middle|>", "<|middle|>",
};
const char * const FIM_PAD_TEXTS[] = {"<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]"};
const char * const FIM_REP_TEXTS[] = {"<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"};
const char * const FIM_SEP_TEXTS[] = {"<|file_sep|>"};
// Every token with one of these texts ends generation (and is made a control token).
const char * const EOG_TEXTS[] = {
    "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>", "<end_of_turn>",
    "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>",
    "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>",
    "<\xEF\xBD\x9C" "end\xE2\x96\x81" "of\xE2\x96\x81" "sentence\xEF\xBD\x9C>", "[e~[",
};

uint32_t attr_from_type(int64_t type) {
    switch (type) {
        case TOKEN_TYPE_UNKNOWN:      return TOKEN_ATTR_UNKNOWN;
        case TOKEN_TYPE_UNUSED:       return TOKEN_ATTR_UNUSED;
        case TOKEN_TYPE_NORMAL:       return TOKEN_ATTR_NORMAL;
        case TOKEN_TYPE_CONTROL:      return TOKEN_ATTR_CONTROL;
        case TOKEN_TYPE_USER_DEFINED: return TOKEN_ATTR_USER_DEFINED;
        case TOKEN_TYPE_BYTE:         return TOKEN_ATTR_BYTE;
        default:                      return TOKEN_ATTR_UNDEFINED;
    }
}

const GgufArray * require_array(const GgufFile & file, const char * key, GgufValueType elem) {
    const GgufArray * arr = nullptr;
    try {
        arr = file.get_array(key);
    } catch (const EngineError & e) {
        throw_error(STATUS_E_TOKENIZER, "%s: %s", key, e.what());
    }
    if (arr && arr->elem_type != elem) {
        throw_error(STATUS_E_TOKENIZER, "%s: array of %s, expected %s", key, gguf_type_name(arr->elem_type), gguf_type_name(elem));
    }
    return arr;
}

template <class T, class Get>
bool optional_key(const GgufFile & file, const char * key, T & out, Get get) {
    try {
        auto v = (file.*get)(key);
        if (!v) return false;
        out = static_cast<T>(*v);
        return true;
    } catch (const EngineError & e) {
        throw_error(STATUS_E_TOKENIZER, "%s: %s", key, e.what());
    }
}

std::string unescape_spm_piece(const std::string & text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        if (text.compare(i, 3, "\xE2\x96\x81") == 0) {
            out.push_back(' ');
            i += 3;
        } else {
            out.push_back(text[i++]);
        }
    }
    return out;
}

// Byte-level BPE token text back to bytes: each code point is one byte's image.
std::string decode_bpe_piece(const std::string & text) {
    std::string out;
    std::vector<uint32_t> cpts;
    unicode_decode_all(text, cpts);
    for (uint32_t cpt : cpts) {
        const int byte = unicode_text_to_byte(cpt);
        if (byte >= 0) {
            out.push_back(char(byte));
        } else {
            // Same marker llama.cpp emits for a code point that is no byte's image.
            std::string utf8;
            unicode_append_utf8(utf8, cpt);
            out += "[UNK_BYTE_0x";
            char hex[4];
            for (unsigned char c : utf8) {
                snprintf(hex, sizeof hex, "%02x", c);
                out += hex;
            }
            out += text + "]";
        }
    }
    return out;
}

std::string piece_for(const Vocab & v, TokenId id) {
    const TokenData & t = v.tokens[size_t(id)];
    const uint32_t shown_verbatim = TOKEN_ATTR_UNKNOWN | TOKEN_ATTR_CONTROL | TOKEN_ATTR_USER_DEFINED;
    if (t.attr & shown_verbatim) return t.text;
    if (v.type == VOCAB_TYPE_BPE) {
        if (t.attr & TOKEN_ATTR_NORMAL) return decode_bpe_piece(t.text);
        return {};
    }
    if (t.attr & TOKEN_ATTR_NORMAL) return unescape_spm_piece(t.text);
    if ((t.attr & TOKEN_ATTR_BYTE) && t.text.size() >= 5) {
        return std::string(1, char(std::strtol(t.text.substr(3, 2).c_str(), nullptr, 16)));
    }
    return {};
}

void mark_control(Vocab & v, TokenId id) { v.tokens[size_t(id)].attr |= TOKEN_ATTR_CONTROL; }

template <size_t N>
void detect_by_text(Vocab & v, TokenId & slot, const char * const (&texts)[N]) {
    if (slot != TOKEN_NONE) return;
    for (const char * text : texts) {
        const TokenId id = v.find(text);
        if (id != TOKEN_NONE) {
            slot = id;
            mark_control(v, id);
            return;
        }
    }
}

} // namespace

TokenId vocab_spm_byte_token(const Vocab & vocab, uint8_t byte) {
    static const char * hex = "0123456789ABCDEF";
    const char buf[6] = {'<', '0', 'x', hex[byte >> 4], hex[byte & 15], '>'};
    TokenId id = vocab.find(std::string_view(buf, 6));
    if (id != TOKEN_NONE) return id;
    const char one = char(byte);
    id = vocab.find(std::string_view(&one, 1));
    return id != TOKEN_NONE ? id : vocab.special.unk;
}

Vocab vocab_load_from_gguf(const GgufFile & file) {
    Vocab v;
    std::string_view model;
    {
        std::optional<std::string_view> m;
        try {
            m = file.get_string("tokenizer.ggml.model");
        } catch (const EngineError & e) {
            throw_error(STATUS_E_TOKENIZER, "tokenizer.ggml.model: %s", e.what());
        }
        if (!m) throw_error(STATUS_E_TOKENIZER, "tokenizer.ggml.model is missing: the file has no tokenizer");
        model = *m;
    }
    v.model_name = std::string(model);
    std::string pre;
    {
        std::string_view p;
        if (optional_key(file, "tokenizer.ggml.pre", p, &GgufFile::get_string)) pre = std::string(p);
    }
    SpecialTokens & sp = v.special;
    if (model == "llama") {
        v.type = VOCAB_TYPE_SPM;
        sp.bos = 1; sp.eos = 2; sp.unk = 0;
        v.add_space_prefix = true;
        sp.add_bos = true;
        v.pre_name = pre.empty() ? "default" : pre;
    } else if (model == "gpt2") {
        v.type = VOCAB_TYPE_BPE;
        sp.bos = 11; sp.eos = 11;
        v.clean_spaces = true;
        const PreTokenizerInfo * info = pre_tokenizer_find(pre.empty() ? "default" : pre);
        if (!info) throw_error(STATUS_E_TOKENIZER, "unsupported pre-tokenizer tokenizer.ggml.pre = '%s'", pre.c_str());
        v.pre_name = pre.empty() ? "default" : pre;
        v.ignore_merges = info->ignore_merges;
        if (info->add_bos) sp.add_bos = true;
        if (!info->clean_spaces) v.clean_spaces = false;
    } else if (model == "bert") {
        v.type = VOCAB_TYPE_WPM;
        sp.bos = 101; sp.unk = 100; sp.sep = 102; sp.pad = 0;
        v.mask = 103;
        sp.add_bos = true;
        v.clean_spaces = true;
        v.pre_name = pre.empty() ? "default" : pre;
    } else {
        throw_error(STATUS_E_TOKENIZER, "unsupported tokenizer model tokenizer.ggml.model = '%.*s'", int(model.size()), model.data());
    }
    optional_key(file, "tokenizer.ggml.add_space_prefix", v.add_space_prefix, &GgufFile::get_bool);

    const GgufArray * toks = require_array(file, "tokenizer.ggml.tokens", GGUF_TYPE_STRING);
    if (!toks) throw_error(STATUS_E_TOKENIZER, "tokenizer.ggml.tokens is missing");
    const uint64_t n = toks->count;
    if (n == 0 || n > uint64_t(INT32_MAX)) throw_error(STATUS_E_TOKENIZER, "tokenizer.ggml.tokens has %llu entries", (unsigned long long) n);
    const GgufArray * scores = nullptr;
    try {
        scores = file.get_array("tokenizer.ggml.scores");
    } catch (const EngineError & e) {
        throw_error(STATUS_E_TOKENIZER, "tokenizer.ggml.scores: %s", e.what());
    }
    if (scores && scores->elem_type != GGUF_TYPE_FLOAT32 && scores->elem_type != GGUF_TYPE_INT32) {
        throw_error(STATUS_E_TOKENIZER, "tokenizer.ggml.scores: array of %s, expected float32", gguf_type_name(scores->elem_type));
    }
    if (scores && scores->count < n) throw_error(STATUS_E_TOKENIZER, "tokenizer.ggml.scores has %llu entries for %llu tokens", (unsigned long long) scores->count, (unsigned long long) n);
    const GgufArray * types = require_array(file, "tokenizer.ggml.token_type", GGUF_TYPE_INT32);
    if (types && types->count < n) throw_error(STATUS_E_TOKENIZER, "tokenizer.ggml.token_type has %llu entries for %llu tokens", (unsigned long long) types->count, (unsigned long long) n);

    v.tokens.resize(n);
    v.text_to_id.reserve(n);
    for (uint64_t i = 0; i < n; ++i) {
        TokenData & t = v.tokens[i];
        t.text = std::string(toks->strings[i]);
        if (t.text.empty()) t.text = "[EMPTY_" + std::to_string(i) + "]";
        if (scores) t.score = float(scores->float_at(i));
        if (types) t.attr = attr_from_type(types->int_at(i));
        v.max_token_len = std::max(v.max_token_len, t.text.size());
    }
    // Later duplicates win, as in llama.cpp's token_to_id map.
    for (uint64_t i = 0; i < n; ++i) v.text_to_id[v.tokens[i].text] = TokenId(i);

    if (v.type == VOCAB_TYPE_BPE) {
        const GgufArray * merges = require_array(file, "tokenizer.ggml.merges", GGUF_TYPE_STRING);
        if (!merges) throw_error(STATUS_E_TOKENIZER, "tokenizer.ggml.merges is missing (required for a gpt2 tokenizer)");
        v.merges.reserve(merges->count);
        for (auto s : merges->strings) v.merges.emplace_back(s);
    }

    // Special ids from metadata; out-of-range ids keep the default.
    const auto n_tok = int64_t(n);
    auto check_default = [&](TokenId & id) { if (id >= n_tok) id = TOKEN_NONE; };
    for (TokenId * id : {&sp.bos, &sp.eos, &sp.unk, &sp.sep, &sp.pad, &v.mask}) check_default(*id);
    const std::pair<const char *, TokenId *> id_keys[] = {
        {"tokenizer.ggml.bos_token_id", &sp.bos}, {"tokenizer.ggml.eos_token_id", &sp.eos},
        {"tokenizer.ggml.eot_token_id", &sp.eot}, {"tokenizer.ggml.eom_token_id", &sp.eom},
        {"tokenizer.ggml.unknown_token_id", &sp.unk}, {"tokenizer.ggml.seperator_token_id", &sp.sep},
        {"tokenizer.ggml.padding_token_id", &sp.pad}, {"tokenizer.ggml.mask_token_id", &v.mask},
        {"tokenizer.ggml.fim_pre_token_id", &sp.fim_pre}, {"tokenizer.ggml.fim_suf_token_id", &sp.fim_suf},
        {"tokenizer.ggml.fim_mid_token_id", &sp.fim_mid}, {"tokenizer.ggml.fim_pad_token_id", &sp.fim_pad},
        {"tokenizer.ggml.fim_rep_token_id", &sp.fim_rep}, {"tokenizer.ggml.fim_sep_token_id", &sp.fim_sep},
        // deprecated spellings
        {"tokenizer.ggml.prefix_token_id", &sp.fim_pre}, {"tokenizer.ggml.suffix_token_id", &sp.fim_suf},
        {"tokenizer.ggml.middle_token_id", &sp.fim_mid},
    };
    for (const auto & [key, slot] : id_keys) {
        int64_t id = 0;
        if (optional_key(file, key, id, &GgufFile::get_int) && id >= 0 && id < n_tok) *slot = TokenId(id);
    }
    optional_key(file, "tokenizer.ggml.add_bos_token", sp.add_bos, &GgufFile::get_bool);
    optional_key(file, "tokenizer.ggml.add_eos_token", sp.add_eos, &GgufFile::get_bool);
    optional_key(file, "tokenizer.ggml.normalizer.lowercase", v.lowercase, &GgufFile::get_bool);

    detect_by_text(v, sp.eot, EOT_TEXTS);
    detect_by_text(v, sp.eom, EOM_TEXTS);
    detect_by_text(v, sp.fim_pre, FIM_PRE_TEXTS);
    detect_by_text(v, sp.fim_suf, FIM_SUF_TEXTS);
    detect_by_text(v, sp.fim_mid, FIM_MID_TEXTS);
    detect_by_text(v, sp.fim_pad, FIM_PAD_TEXTS);
    detect_by_text(v, sp.fim_rep, FIM_REP_TEXTS);
    detect_by_text(v, sp.fim_sep, FIM_SEP_TEXTS);

    for (TokenId id : {sp.fim_pad, sp.fim_rep, sp.fim_sep}) if (id != TOKEN_NONE) v.eog.insert(id);
    for (const char * text : EOG_TEXTS) {
        const TokenId id = v.find(text);
        if (id == TOKEN_NONE) continue;
        v.eog.insert(id);
        mark_control(v, id);
    }
    // gpt-oss channel markers are always rendered.
    for (const char * text : {"<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"}) {
        const TokenId id = v.find(text);
        if (id != TOKEN_NONE) v.tokens[size_t(id)].attr = TOKEN_ATTR_USER_DEFINED;
    }
    for (TokenId id : {sp.eos, sp.eot, sp.eom}) if (id != TOKEN_NONE) v.eog.insert(id);
    {
        // o200k_harmony / solar-open: <|end|> is not the end when <|return|>/<|call|> exist.
        auto in_eog = [&](const char * t) { TokenId id = v.find(t); return id != TOKEN_NONE && v.eog.count(id); };
        const TokenId end_id = v.find("<|end|>");
        if (in_eog("<|end|>") && ((in_eog("<|return|>") && (in_eog("<|call|>") || in_eog("<|calls|>"))) ||
                                  ((in_eog("<|call|>") || in_eog("<|calls|>")) && in_eog("<|flush|>")))) {
            v.eog.erase(end_id);
            v.tokens[size_t(end_id)].attr = TOKEN_ATTR_USER_DEFINED;
        }
        const TokenId s_id = v.find("</s>");
        if (in_eog("<|tool_response>") && in_eog("</s>")) {
            v.eog.erase(s_id);
            v.tokens[size_t(s_id)].attr = TOKEN_ATTR_NORMAL;
        }
    }

    for (TokenId id = 0; id < TokenId(n); ++id) {
        if (v.attr(id) & (TOKEN_ATTR_CONTROL | TOKEN_ATTR_USER_DEFINED | TOKEN_ATTR_UNKNOWN)) v.special_cache.push_back(id);
    }
    std::stable_sort(v.special_cache.begin(), v.special_cache.end(),
                     [&](TokenId a, TokenId b) { return v.tokens[size_t(a)].text.size() > v.tokens[size_t(b)].text.size(); });

    v.piece_end.resize(n);
    for (TokenId id = 0; id < TokenId(n); ++id) {
        v.piece_bytes += piece_for(v, id);
        if (v.piece_bytes.size() > UINT32_MAX) throw_error(STATUS_E_TOKENIZER, "tokenizer.ggml.tokens: over 4 GiB of token text");
        v.piece_end[size_t(id)] = uint32_t(v.piece_bytes.size());
    }
    // A copy is exactly its size; shrink_to_fit would call the no-argument
    // string::reserve, a GLIBCXX_3.4.29 symbol above the prebuild's floor.
    v.piece_bytes = std::string(v.piece_bytes);

    // Per-model attributes llama.cpp sets by name (after the piece cache, as it does).
    std::string general_name;
    {
        std::string_view s;
        if (optional_key(file, "general.name", s, &GgufFile::get_string)) general_name = std::string(s);
    }
    std::string arch;
    {
        std::string_view s;
        if (optional_key(file, "general.architecture", s, &GgufFile::get_string)) arch = std::string(s);
    }
    std::transform(general_name.begin(), general_name.end(), general_name.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    auto contains_any = [](const std::string & s, std::initializer_list<const char *> subs) {
        for (const char * sub : subs) if (s.find(sub) != std::string::npos) return true;
        return false;
    };
    if (contains_any(pre, {"jina-v2-de", "jina-v2-es", "jina-v2-code"}) || contains_any(arch, {"nomic-bert-moe", "jina-bert-v3"})) {
        const TokenId id = v.find("<mask>");
        if (id != TOKEN_NONE) v.tokens[size_t(id)].attr |= TOKEN_ATTR_LSTRIP;
    } else if (contains_any(general_name, {"phi-3", "phi3"})) {
        for (TokenId id : v.special_cache) v.tokens[size_t(id)].attr |= TOKEN_ATTR_RSTRIP;
        if (TokenId id = v.find("</s>"); id != TOKEN_NONE) v.tokens[size_t(id)].attr |= TOKEN_ATTR_RSTRIP;
        for (const char * t : {"<unk>", "<s>", "<|endoftext|>"}) {
            if (TokenId id = v.find(t); id != TOKEN_NONE) v.tokens[size_t(id)].attr &= ~uint32_t(TOKEN_ATTR_RSTRIP);
        }
    }
    return v;
}

} // namespace hearth
