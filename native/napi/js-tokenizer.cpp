// JS surface of the tokenizer: loadTokenizer(path) -> Promise<handle>. The
// handle is an ObjectWrap around a shared, immutable hearth::Tokenizer; the
// finalizer (GC) or dispose() drops our reference, and async work holds its
// own, so a handle collected mid-call is safe. Marshalling only: argument
// checks here, behaviour in native/src/tokenizer.
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "gguf/gguf-reader.h"
#include "napi/async-task.h"
#include "napi/errors.h"
#include "napi/modules.h"
#include "tokenizer/tokenizer.h"

namespace hearth::napi {

namespace {

using TokenizerPtr = std::shared_ptr<const Tokenizer>;

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

Napi::Object js_from_special(Napi::Env env, const SpecialTokens & s) {
    Napi::Object o = Napi::Object::New(env);
    const std::pair<const char *, TokenId> ids[] = {
        {"bos", s.bos}, {"eos", s.eos}, {"eot", s.eot}, {"eom", s.eom}, {"unk", s.unk}, {"pad", s.pad},
        {"sep", s.sep}, {"nl", s.nl}, {"fimPre", s.fim_pre}, {"fimSuf", s.fim_suf}, {"fimMid", s.fim_mid},
        {"fimPad", s.fim_pad}, {"fimRep", s.fim_rep}, {"fimSep", s.fim_sep},
    };
    for (const auto & [name, id] : ids) o.Set(name, Napi::Number::New(env, id));
    o.Set("addBos", Napi::Boolean::New(env, s.add_bos));
    o.Set("addEos", Napi::Boolean::New(env, s.add_eos));
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
    const Tokenizer & live(Napi::Env env) const {
        if (!tok_) throw make_error(env, "E_INVALID_ARGUMENT", "tokenizer was disposed");
        return *tok_;
    }

    Napi::Value tokenize(const Napi::CallbackInfo & info) {
        return guard(info.Env(), [&]() -> Napi::Value {
            const std::string text = require_text(info, 0);
            const bool add_bos = option_bool(info, 1, "addBos");
            const bool parse_special = option_bool(info, 1, "parseSpecial");
            return js_from_ids(info.Env(), live(info.Env()).tokenize(text, add_bos, parse_special));
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
                [tok, text, add_bos, parse_special]() { return tok->tokenize(*text, add_bos, parse_special); },
                [](Napi::Env env, std::vector<TokenId> & ids) -> Napi::Value { return js_from_ids(env, ids); });
        });
    }

    Napi::Value detokenize(const Napi::CallbackInfo & info) {
        return guard(info.Env(), [&]() -> Napi::Value {
            const std::vector<TokenId> ids = require_ids(info, 0);
            const bool special = option_bool(info, 1, "special");
            const bool clean_spaces = option_bool(info, 1, "cleanSpaces");
            const std::string text = live(info.Env()).detokenize(ids, special, clean_spaces);
            return Napi::String::New(info.Env(), text.data(), text.size());
        });
    }

    Napi::Value token_piece(const Napi::CallbackInfo & info) {
        return guard(info.Env(), [&]() -> Napi::Value {
            const TokenId id = require_id(info, 0);
            const bool special = option_bool(info, 1, "special");
            const std::string piece = live(info.Env()).token_to_piece(id, special);
            Napi::Uint8Array out = Napi::Uint8Array::New(info.Env(), piece.size());
            if (!piece.empty()) std::memcpy(out.Data(), piece.data(), piece.size());
            return out;
        });
    }

    Napi::Value token_text(const Napi::CallbackInfo & info) {
        return guard(info.Env(), [&]() -> Napi::Value {
            const std::string_view text = live(info.Env()).token_text(require_id(info, 0));
            return Napi::String::New(info.Env(), text.data(), text.size());
        });
    }

    Napi::Value is_eog(const Napi::CallbackInfo & info) {
        return guard(info.Env(), [&]() -> Napi::Value {
            return Napi::Boolean::New(info.Env(), live(info.Env()).is_eog(require_id(info, 0)));
        });
    }

    Napi::Value is_control(const Napi::CallbackInfo & info) {
        return guard(info.Env(), [&]() -> Napi::Value {
            return Napi::Boolean::New(info.Env(), live(info.Env()).is_control(require_id(info, 0)));
        });
    }

    Napi::Value info(const Napi::CallbackInfo & info) {
        return guard(info.Env(), [&]() -> Napi::Value {
            const Tokenizer & t = live(info.Env());
            Napi::Object o = Napi::Object::New(info.Env());
            o.Set("nVocab", Napi::Number::New(info.Env(), t.n_vocab()));
            o.Set("model", Napi::String::New(info.Env(), t.model_name()));
            o.Set("pre", Napi::String::New(info.Env(), t.pre_name()));
            o.Set("addSpacePrefix", Napi::Boolean::New(info.Env(), t.add_space_prefix()));
            o.Set("special", js_from_special(info.Env(), t.special()));
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
                // The tokenizer copies what it needs, so the mapping can go right away.
                std::unique_ptr<GgufFile> file = GgufFile::open(path);
                return TokenizerPtr(Tokenizer::from_gguf(*file));
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
