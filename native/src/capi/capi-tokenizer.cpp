// Tokenizers through hearth.h: loading one from a GGUF file, and the calls
// the model's tokenizer shares (hearth_model_tokenizer lends it).
#include <vector>

#include "capi/capi-alloc.h"
#include "capi/capi-errors.h"
#include "capi/capi-handles.h"

using namespace hearth;

static_assert(HEARTH_TOKEN_NONE == TOKEN_NONE, "the no-token id differs");
static_assert(sizeof(TokenId) == sizeof(int32_t), "token ids are int32 at the boundary");

namespace hearth::capi {

// Also used by capi-model.cpp for the model's info.
void fill_special(const SpecialTokens & s, hearth_special_tokens * out) {
    out->bos = s.bos; out->eos = s.eos; out->eot = s.eot; out->eom = s.eom;
    out->unk = s.unk; out->pad = s.pad; out->sep = s.sep; out->nl = s.nl;
    out->fim_pre = s.fim_pre; out->fim_suf = s.fim_suf; out->fim_mid = s.fim_mid;
    out->fim_pad = s.fim_pad; out->fim_rep = s.fim_rep; out->fim_sep = s.fim_sep;
    out->add_bos = s.add_bos;
    out->add_eos = s.add_eos;
}

} // namespace hearth::capi

extern "C" {

hearth_status hearth_tokenizer_load(const char * path, hearth_tokenizer ** out, hearth_error * err) {
    *out = nullptr;
    return capi::guarded(err, [&] {
        // The tokenizer copies what it needs, so the mapping can go right away.
        std::unique_ptr<GgufFile> file = GgufFile::open(path);
        auto t = std::make_unique<hearth_tokenizer>();
        t->tokenizer = std::shared_ptr<const Tokenizer>(Tokenizer::from_gguf(*file));
        *out = t.release();
    });
}

void hearth_tokenizer_free(hearth_tokenizer * t) { delete t; }

void hearth_tokenizer_get_info(const hearth_tokenizer * t, hearth_tokenizer_info * out) {
    const Tokenizer & tok = *t->tokenizer;
    out->n_vocab = tok.n_vocab();
    out->model = tok.model_name();
    out->pre = tok.pre_name();
    out->add_space_prefix = tok.add_space_prefix();
    capi::fill_special(tok.special(), &out->special);
}

hearth_status hearth_tokenize(const hearth_tokenizer * t, const char * text, size_t len, int add_bos, int parse_special,
                              int32_t ** tokens, size_t * n_tokens, hearth_error * err) {
    *tokens = nullptr;
    *n_tokens = 0;
    return capi::guarded(err, [&] {
        std::vector<TokenId> ids = t->tokenizer->tokenize(std::string_view(text, len), add_bos != 0, parse_special != 0);
        *tokens = capi::copy_out(ids);
        *n_tokens = ids.size();
    });
}

hearth_status hearth_detokenize(const hearth_tokenizer * t, const int32_t * tokens, size_t n_tokens, int special,
                                int clean_spaces, char ** text, size_t * len, hearth_error * err) {
    *text = nullptr;
    *len = 0;
    return capi::guarded(err, [&] {
        const std::vector<TokenId> ids(tokens, tokens + n_tokens);
        const std::string s = clean_spaces < 0 ? t->tokenizer->detokenize(ids, special != 0)
                                               : t->tokenizer->detokenize(ids, special != 0, clean_spaces != 0);
        *text = capi::copy_out(s);
        *len = s.size();
    });
}

hearth_status hearth_token_piece(const hearth_tokenizer * t, int32_t token, int special, char ** bytes, size_t * len,
                                 hearth_error * err) {
    *bytes = nullptr;
    *len = 0;
    return capi::guarded(err, [&] {
        const std::string piece = t->tokenizer->token_to_piece(token, special != 0);
        *bytes = capi::copy_out(piece);
        *len = piece.size();
    });
}

hearth_status hearth_token_text(const hearth_tokenizer * t, int32_t token, hearth_string * out, hearth_error * err) {
    out->data = "";
    out->len = 0;
    return capi::guarded(err, [&] {
        const std::string_view s = t->tokenizer->token_text(token);
        out->data = s.data();
        out->len = s.size();
    });
}

hearth_status hearth_token_is_eog(const hearth_tokenizer * t, int32_t token, int * out, hearth_error * err) {
    *out = 0;
    return capi::guarded(err, [&] { *out = t->tokenizer->is_eog(token); });
}

hearth_status hearth_token_is_control(const hearth_tokenizer * t, int32_t token, int * out, hearth_error * err) {
    *out = 0;
    return capi::guarded(err, [&] { *out = t->tokenizer->is_control(token); });
}

} // extern "C"
