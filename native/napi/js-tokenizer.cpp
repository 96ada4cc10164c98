// JS surface of the tokenizer: loadTokenizer(path) -> Promise<handle>. The
// handle is an ObjectWrap around a shared, immutable hearth_tokenizer; the
// finalizer (GC) or dispose() drops our reference, and async work holds its
// own, so a handle collected mid-call is safe. Marshalling only: argument
// checks here, behaviour in native/src/tokenizer (through hearth.h).
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "hearth.h"
#include "napi/async-task.h"
#include "napi/errors.h"
#include "napi/modules.h"

namespace hearth::napi {

namespace {

// Freed (hearth_tokenizer_free) with the last holder: the JS object or a
// running tokenizeAsync.
using TokenizerPtr = std::shared_ptr<const hearth_tokenizer>;
using TokenId = int32_t;

// Owns what hearth_tokenize / hearth_detokenize / hearth_token_piece return.
template <class T>
using CBuffer = std::unique_ptr<T, void (*)(void *)>;

// Text arrives as a JS string (encoded to UTF-8; lone surrogates become
// U+FFFD) or as raw bytes (Buffer / Uint8Array), which may be any bytes.
std::string require_text(const Napi::CallbackInfo & info, size_t index) {
    if (info.Length() > index && info[index].IsString()) return info[index].As<Napi::String>().Utf8Value();
    if (info.Length() > index && info[index].IsTypedArray()) {
        Napi::TypedArray ta = info[index].As<Napi::TypedArray>();
        if (ta.TypedArrayType() == napi_uint8_array) {
            Napi::Uint8Array u8 = ta.As<Napi::Uint8Array>();
            return std::string(reinterpret_cast<const char *>(u8.Data()), u8.ByteLength());
        }
    }
    throw make_error(info.Env(), "E_INVALID_ARGUMENT", "text must be a string or a Uint8Array");
}

bool option_bool(const Napi::CallbackInfo & info, size_t index, const char * name) {
    if (info.Length() <= index || info[index].IsUndefined() || info[index].IsNull()) return false;
    if (!info[index].IsObject()) throw make_error(info.Env(), "E_INVALID_ARGUMENT", "options must be an object");
    Napi::Value v = info[index].As<Napi::Object>().Get(name);
    if (v.IsUndefined()) return false;
    if (!v.IsBoolean()) throw make_error(info.Env(), "E_INVALID_ARGUMENT", std::string("options.") + name + " must be a boolean");
    return v.As<Napi::Boolean>().Value();
}

TokenId require_id(const Napi::CallbackInfo & info, size_t index) {
    if (info.Length() <= index || !info[index].IsNumber()) {
        throw make_error(info.Env(), "E_INVALID_ARGUMENT", "token id must be a number");
    }
    const double d = info[index].As<Napi::Number>().DoubleValue();
    if (d != static_cast<double>(static_cast<TokenId>(d))) {
        throw make_error(info.Env(), "E_INVALID_ARGUMENT", "token id must be an int32");
    }
    return static_cast<TokenId>(d);
}

std::vector<TokenId> require_ids(const Napi::CallbackInfo & info, size_t index) {
    std::vector<TokenId> ids;
    if (info.Length() > index && info[index].IsTypedArray() &&
        info[index].As<Napi::TypedArray>().TypedArrayType() == napi_int32_array) {
        Napi::Int32Array a = info[index].As<Napi::Int32Array>();
        ids.assign(a.Data(), a.Data() + a.ElementLength());
        return ids;
    }
    if (info.Length() > index && info[index].IsArray()) {
        Napi::Array a = info[index].As<Napi::Array>();
        ids.reserve(a.Length());
        for (uint32_t i = 0; i < a.Length(); ++i) {
            Napi::Value v = a[i];
            const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : 0.5;
            if (d != static_cast<double>(static_cast<TokenId>(d))) {
                throw make_error(info.Env(), "E_INVALID_ARGUMENT", "ids[" + std::to_string(i) + "] must be an int32");
            }
            ids.push_back(static_cast<TokenId>(d));
        }
        return ids;
    }
    throw make_error(info.Env(), "E_INVALID_ARGUMENT", "ids must be an Int32Array or an array of numbers");
}

Napi::Int32Array js_from_ids(Napi::Env env, const std::vector<TokenId> & ids) {
    Napi::Int32Array out = Napi::Int32Array::New(env, ids.size());
    if (!ids.empty()) std::memcpy(out.Data(), ids.data(), ids.size() * sizeof(TokenId));
    return out;
}

std::vector<TokenId> tokenize_text(const hearth_tokenizer * t, const std::string & text, bool add_bos, bool parse_special) {
    int32_t * ids = nullptr;
    size_t n = 0;
    hearth_error err;
    check(hearth_tokenize(t, text.data(), text.size(), add_bos, parse_special, &ids, &n, &err), err);
    CBuffer<int32_t> owned(ids, hearth_free);
    return std::vector<TokenId>(ids, ids + n);
}

Napi::Object js_from_special(Napi::Env env, const hearth_special_tokens & s) {
    Napi::Object o = Napi::Object::New(env);
    const std::pair<const char *, TokenId> ids[] = {
        {"bos", s.bos}, {"eos", s.eos}, {"eot", s.eot}, {"eom", s.eom}, {"unk", s.unk}, {"pad", s.pad},
        {"sep", s.sep}, {"nl", s.nl}, {"fimPre", s.fim_pre}, {"fimSuf", s.fim_suf}, {"fimMid", s.fim_mid},
        {"fimPad", s.fim_pad}, {"fimRep", s.fim_rep}, {"fimSep", s.fim_sep},
    };
    for (const auto & [name, id] : ids) o.Set(name, Napi::Number::New(env, id));
    o.Set("addBos", Napi::Boolean::New(env, s.add_bos != 0));
    o.Set("addEos", Napi::Boolean::New(env, s.add_eos != 0));
    return o;
}

class JsTokenizer : public Napi::ObjectWrap<JsTokenizer> {
public:
    static Napi::Function define(Napi::Env env) {
        return DefineClass(env, "HearthTokenizer", {
            InstanceMethod<&JsTokenizer::tokenize>("tokenize"),
            InstanceMethod<&JsTokenizer::tokenize_async>("tokenizeAsync"),
            InstanceMethod<&JsTokenizer::detokenize>("detokenize"),
            InstanceMethod<&JsTokenizer::token_piece>("tokenPiece"),
            InstanceMethod<&JsTokenizer::token_text>("tokenText"),
            InstanceMethod<&JsTokenizer::is_eog>("isEog"),
            InstanceMethod<&JsTokenizer::is_control>("isControl"),
            InstanceMethod<&JsTokenizer::info>("info"),
            InstanceMethod<&JsTokenizer::dispose>("dispose"),
        });
    }

    // Called only from loadTokenizer with an External holding the tokenizer.
    explicit JsTokenizer(const Napi::CallbackInfo & info) : Napi::ObjectWrap<JsTokenizer>(info) {
        if (info.Length() != 1 || !info[0].IsExternal()) {
            throw make_error(info.Env(), "E_INVALID_ARGUMENT", "tokenizers are created by loadTokenizer()");
        }
        tok_ = *info[0].As<Napi::External<TokenizerPtr>>().Data();
    }

private:
    const hearth_tokenizer * live(Napi::Env env) const {
        if (!tok_) throw make_error(env, "E_INVALID_ARGUMENT", "tokenizer was disposed");
        return tok_.get();
    }

    Napi::Value tokenize(const Napi::CallbackInfo & info) {
        return guard(info.Env(), [&]() -> Napi::Value {
            const std::string text = require_text(info, 0);
            const bool add_bos = option_bool(info, 1, "addBos");
            const bool parse_special = option_bool(info, 1, "parseSpecial");
            return js_from_ids(info.Env(), tokenize_text(live(info.Env()), text, add_bos, parse_special));
        });
    }

    Napi::Value tokenize_async(const Napi::CallbackInfo & info) {
        return guard(info.Env(), [&]() -> Napi::Value {
            live(info.Env());
            auto text = std::make_shared<std::string>(require_text(info, 0));
            const bool add_bos = option_bool(info, 1, "addBos");
            const bool parse_special = option_bool(info, 1, "parseSpecial");
            TokenizerPtr tok = tok_;  // keeps it alive past dispose() or GC
            return AsyncTask<std::vector<TokenId>>::start(
                info.Env(),
                [tok, text, add_bos, parse_special]() { return tokenize_text(tok.get(), *text, add_bos, parse_special); },
                [](Napi::Env env, std::vector<TokenId> & ids) -> Napi::Value { return js_from_ids(env, ids); });
        });
    }

    Napi::Value detokenize(const Napi::CallbackInfo & info) {
        return guard(info.Env(), [&]() -> Napi::Value {
            const std::vector<TokenId> ids = require_ids(info, 0);
            const bool special = option_bool(info, 1, "special");
            const bool clean_spaces = option_bool(info, 1, "cleanSpaces");
            char * text = nullptr;
            size_t len = 0;
            hearth_error err;
            check(hearth_detokenize(live(info.Env()), ids.data(), ids.size(), special, clean_spaces, &text, &len, &err), err);
            CBuffer<char> owned(text, hearth_free);
            return Napi::String::New(info.Env(), text, len);
        });
    }

    Napi::Value token_piece(const Napi::CallbackInfo & info) {
        return guard(info.Env(), [&]() -> Napi::Value {
            const TokenId id = require_id(info, 0);
            const bool special = option_bool(info, 1, "special");
            char * piece = nullptr;
            size_t len = 0;
            hearth_error err;
            check(hearth_token_piece(live(info.Env()), id, special, &piece, &len, &err), err);
            CBuffer<char> owned(piece, hearth_free);
            Napi::Uint8Array out = Napi::Uint8Array::New(info.Env(), len);
            if (len) std::memcpy(out.Data(), piece, len);
            return out;
        });
    }

    Napi::Value token_text(const Napi::CallbackInfo & info) {
        return guard(info.Env(), [&]() -> Napi::Value {
            const hearth_tokenizer * t = live(info.Env());
            hearth_string text;
            hearth_error err;
            check(hearth_token_text(t, require_id(info, 0), &text, &err), err);
            return Napi::String::New(info.Env(), text.data, text.len);
        });
    }

    Napi::Value is_eog(const Napi::CallbackInfo & info) {
        return guard(info.Env(), [&]() -> Napi::Value {
            const hearth_tokenizer * t = live(info.Env());
            int eog = 0;
            hearth_error err;
            check(hearth_token_is_eog(t, require_id(info, 0), &eog, &err), err);
            return Napi::Boolean::New(info.Env(), eog != 0);
        });
    }

    Napi::Value is_control(const Napi::CallbackInfo & info) {
        return guard(info.Env(), [&]() -> Napi::Value {
            const hearth_tokenizer * t = live(info.Env());
            int control = 0;
            hearth_error err;
            check(hearth_token_is_control(t, require_id(info, 0), &control, &err), err);
            return Napi::Boolean::New(info.Env(), control != 0);
        });
    }

    Napi::Value info(const Napi::CallbackInfo & info) {
        return guard(info.Env(), [&]() -> Napi::Value {
            hearth_tokenizer_info t;
            hearth_tokenizer_get_info(live(info.Env()), &t);
            Napi::Object o = Napi::Object::New(info.Env());
            o.Set("nVocab", Napi::Number::New(info.Env(), t.n_vocab));
            o.Set("model", Napi::String::New(info.Env(), t.model));
            o.Set("pre", Napi::String::New(info.Env(), t.pre));
            o.Set("addSpacePrefix", Napi::Boolean::New(info.Env(), t.add_space_prefix != 0));
            o.Set("special", js_from_special(info.Env(), t.special));
            return o;
        });
    }

    Napi::Value dispose(const Napi::CallbackInfo & info) {
        tok_.reset();
        return info.Env().Undefined();
    }

    TokenizerPtr tok_;
};

// Per-env state: the class constructor, freed by the env cleanup hook.
struct TokenizerModule {
    Napi::FunctionReference ctor;
};

Napi::Value js_load_tokenizer(const Napi::CallbackInfo & info) {
    auto * module = static_cast<TokenizerModule *>(info.Data());
    return guard(info.Env(), [&]() -> Napi::Value {
        const std::string path = require_string(info, 0, "path");
        return AsyncTask<TokenizerPtr>::start(
            info.Env(),
            [path]() -> TokenizerPtr {
                hearth_tokenizer * t = nullptr;
                hearth_error err;
                check(hearth_tokenizer_load(path.c_str(), &t, &err), err);
                return TokenizerPtr(t, hearth_tokenizer_free);
            },
            [module](Napi::Env env, TokenizerPtr & tok) -> Napi::Value {
                return module->ctor.New({Napi::External<TokenizerPtr>::New(env, &tok)});
            });
    });
}

} // namespace

void init_tokenizer(Napi::Env env, Napi::Object exports) {
    auto * module = new TokenizerModule();
    module->ctor = Napi::Persistent(JsTokenizer::define(env));
    env.AddCleanupHook([module]() { delete module; });
    exports.Set("loadTokenizer", Napi::Function::New(env, js_load_tokenizer, "loadTokenizer", module));
}

} // namespace hearth::napi
