// loadModel() and the JS model object: info, tokenizer access, sessions, dispose.
#include <algorithm>
#include <string>
#include <vector>

#include "gguf/gguf-reader.h"
#include "napi/async-task.h"
#include "napi/errors.h"
#include "napi/js-model-holders.h"
#include "napi/js-values.h"
#include "napi/modules.h"
#include "tokenizer/tokenizer.h"

namespace hearth::napi {

namespace {

Napi::Value token_or_null(Napi::Env env, TokenId id) {
    return id == TOKEN_NONE ? env.Null() : Napi::Number::New(env, id);
}

Napi::Object model_info(Napi::Env env, const Model & m, int threads_requested) {
    const ModelHparams & hp = m.hparams();
    const SpecialTokens & sp = m.tokenizer().special();
    Napi::Object o = Napi::Object::New(env);
    o.Set("architecture", hp.arch);
    o.Set("nVocab", Napi::Number::New(env, (double)hp.n_vocab));
    o.Set("contextLengthTrain", Napi::Number::New(env, (double)hp.n_ctx_train));
    o.Set("nEmbd", Napi::Number::New(env, (double)hp.n_embd));
    o.Set("nLayer", Napi::Number::New(env, (double)hp.n_layer));
    o.Set("nHead", Napi::Number::New(env, (double)hp.n_head));
    o.Set("nHeadKv", Napi::Number::New(env, (double)hp.n_head_kv));
    // threads: what runs (clamped to the CPUs present); threadsRequested: what
    // was asked (0: the default), so the caller can warn when they differ.
    o.Set("threads", Napi::Number::New(env, m.threads()));
    o.Set("threadsRequested", Napi::Number::New(env, threads_requested));
    o.Set("tokenizerModel", m.tokenizer().model_name());
    o.Set("tokenizerPre", m.tokenizer().pre_name());
    o.Set("addBos", Napi::Boolean::New(env, sp.add_bos));
    o.Set("addEos", Napi::Boolean::New(env, sp.add_eos));
    o.Set("bos", token_or_null(env, sp.bos));
    o.Set("eos", token_or_null(env, sp.eos));
    o.Set("eot", token_or_null(env, sp.eot));
    o.Set("eom", token_or_null(env, sp.eom));
    o.Set("unk", token_or_null(env, sp.unk));
    o.Set("pad", token_or_null(env, sp.pad));
    o.Set("sep", token_or_null(env, sp.sep));
    o.Set("nl", token_or_null(env, sp.nl));
    o.Set("fimPre", token_or_null(env, sp.fim_pre));
    o.Set("fimSuf", token_or_null(env, sp.fim_suf));
    o.Set("fimMid", token_or_null(env, sp.fim_mid));
    o.Set("fimPad", token_or_null(env, sp.fim_pad));
    o.Set("fimRep", token_or_null(env, sp.fim_rep));
    o.Set("fimSep", token_or_null(env, sp.fim_sep));
    auto tmpl = m.gguf().get_string("tokenizer.chat_template");
    o.Set("chatTemplate", tmpl ? Napi::Value(Napi::String::New(env, std::string(*tmpl))) : env.Null());
    o.Set("backend", m.backend_name());
    const Placement & pl = m.placement();
    o.Set("device", m.stage_active() || pl.backend_name == "cpu" ? Napi::Value(Napi::String::New(env, pl.device_name))
                                                                  : env.Null());
    o.Set("gpuLayers", Napi::Number::New(env, (double)m.gpu_layers()));
    o.Set("outputOnDevice", Napi::Boolean::New(env, m.stage_active() && pl.with_output));
    o.Set("deviceBytes", Napi::Number::New(env, m.stage_active() ? (double)pl.device_bytes : 0.0));
    std::vector<std::string> reasons = m.reasons();
    Napi::Array ra = Napi::Array::New(env, reasons.size());
    for (size_t i = 0; i < reasons.size(); ++i) ra.Set((uint32_t)i, reasons[i]);
    o.Set("reasons", ra);
    auto name = m.gguf().get_string("general.name");
    o.Set("name", name ? Napi::Value(Napi::String::New(env, std::string(*name))) : env.Null());
    return o;
}

Napi::Object model_wrap(Napi::Env env, std::shared_ptr<Model> model, int threads_requested) {
    auto h = std::make_shared<ModelHolder>();
    h->model = std::move(model);
    h->threads_requested = threads_requested;
    Napi::Object obj = Napi::Object::New(env);

    set_method(env, obj, "info", [h](const Napi::CallbackInfo & info) -> Napi::Value {
        return model_info(info.Env(), live_model(info.Env(), h), h->threads_requested);
    });
    set_method(env, obj, "tokenize", [h](const Napi::CallbackInfo & info) -> Napi::Value {
        const Model & m = live_model(info.Env(), h);
        std::string text = require_string(info, 0, "text");
        bool add_bos = info.Length() > 1 && info[1].ToBoolean().Value();
        bool special = info.Length() > 2 && info[2].ToBoolean().Value();
        std::vector<TokenId> ids = m.tokenizer().tokenize(text, add_bos, special);
        auto out = Napi::Int32Array::New(info.Env(), ids.size());
        std::copy(ids.begin(), ids.end(), out.Data());
        return out;
    });
    set_method(env, obj, "detokenize", [h](const Napi::CallbackInfo & info) -> Napi::Value {
        const Model & m = live_model(info.Env(), h);
        std::vector<TokenId> ids = token_array(info[0], "tokens");
        bool special = info.Length() > 1 && info[1].ToBoolean().Value();
        const int32_t n_vocab = m.tokenizer().n_vocab();
        for (TokenId id : ids) {
            if (id < 0 || id >= n_vocab) throw_error(STATUS_E_INVALID_ARGUMENT, "token id %d is outside the vocab (%d)", id, n_vocab);
        }
        return Napi::String::New(info.Env(), m.tokenizer().detokenize(ids, special));
    });
    set_method(env, obj, "tokenText", [h](const Napi::CallbackInfo & info) -> Napi::Value {
        const Model & m = live_model(info.Env(), h);
        const int32_t id = info[0].ToNumber().Int32Value();
        if (id < 0 || id >= m.tokenizer().n_vocab()) throw_error(STATUS_E_INVALID_ARGUMENT, "token id %d is outside the vocab", id);
        return Napi::String::New(info.Env(), std::string(m.tokenizer().token_text(id)));
    });
    set_method(env, obj, "isEog", [h](const Napi::CallbackInfo & info) -> Napi::Value {
        const Model & m = live_model(info.Env(), h);
        return Napi::Boolean::New(info.Env(), m.tokenizer().is_eog(info[0].ToNumber().Int32Value()));
    });
    set_method(env, obj, "createSession", [h](const Napi::CallbackInfo & info) -> Napi::Value {
        live_model(info.Env(), h);
        SessionOptions so;
        if (info.Length() > 0 && info[0].IsObject()) {
            Napi::Object o = info[0].As<Napi::Object>();
            constexpr int64_t MAX_CTX = int64_t(1) << 24;
            so.n_ctx = int_option(o, "contextLength", 0, 0, MAX_CTX);
            if (so.n_ctx != 0 && so.n_ctx < Session::MIN_CTX) {
                throw_error(STATUS_E_INVALID_ARGUMENT, "contextLength must be 0 (the model's) or at least %lld, got %lld",
                            (long long)Session::MIN_CTX, (long long)so.n_ctx);
            }
            so.n_batch = int_option(o, "batchSize", 64, 1, int64_t(1) << 16);
            so.n_keep = int_option(o, "keepTokens", -1, -1, MAX_CTX);
        }
        // Forget sessions already gone, so the list stays as long as the live ones.
        auto & list = h->sessions;
        list.erase(std::remove_if(list.begin(), list.end(), [](const std::weak_ptr<SessionHolder> & w) { return w.expired(); }),
                   list.end());
        return session_wrap(info.Env(), h, so);
    });
    // Stops every session's running request first (each waits for its
    // thread); the sessions are unusable afterwards, like the model.
    set_method(env, obj, "dispose", [h](const Napi::CallbackInfo & info) -> Napi::Value {
        for (auto & w : h->sessions) {
            if (auto s = w.lock()) session_dispose(info.Env(), *s);
        }
        h->sessions.clear();
        h->model.reset();
        return info.Env().Undefined();
    });
    return obj;
}

void call_progress(Napi::Env env, Napi::Function cb, std::nullptr_t *, double * p) {
    if (env != nullptr && cb != nullptr) cb.Call({Napi::Number::New(env, *p)});
    delete p;
}
using ProgressTsfn = Napi::TypedThreadSafeFunction<std::nullptr_t, double, call_progress>;

// loadModel(path, {threads, useMmap, contextLength, backend, gpuLayers}, onProgress?) -> Promise<model object>
Napi::Value load_model(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    std::string path = require_string(info, 0, "path");
    ModelLoadOptions opts;
    if (info.Length() > 1 && info[1].IsObject()) {
        Napi::Object o = info[1].As<Napi::Object>();
        // Any count up to this is accepted and clamped to the CPUs present
        // (ThreadPool::clamp_threads); info() reports both.
        opts.threads = (int)int_option(o, "threads", 0, 0, 1 << 16);
        opts.use_mmap = bool_option(o, "useMmap", true);
        // Sessions' default context; Model::load checks it like a session's.
        opts.n_ctx = int_option(o, "contextLength", 0, 0, int64_t(1) << 24);
        if (o.Has("backend") && !o.Get("backend").IsUndefined()) {
            if (!o.Get("backend").IsString()) throw_error(STATUS_E_INVALID_ARGUMENT, "backend must be a string");
            opts.backend = o.Get("backend").As<Napi::String>().Utf8Value();
            if (opts.backend != "auto" && opts.backend != "cpu" && opts.backend != "cuda" && opts.backend != "vulkan") {
                throw_error(STATUS_E_INVALID_ARGUMENT, "backend must be 'auto', 'cpu', 'cuda' or 'vulkan', got '%s'",
                            opts.backend.c_str());
            }
        }
        if (o.Has("gpuLayers") && !o.Get("gpuLayers").IsUndefined()) {
            Napi::Value g = o.Get("gpuLayers");
            if (g.IsNumber()) {
                const double v = g.As<Napi::Number>().DoubleValue();
                if (!(v >= 0) || v != (double)(int64_t)v || v > 1e6) {
                    throw_error(STATUS_E_INVALID_ARGUMENT, "gpuLayers must be 'auto', 'all' or a non-negative integer, got %g", v);
                }
                opts.gpu_layers = (int64_t)v;
            } else if (g.IsString()) {
                opts.gpu_layers = placement_parse_gpu_layers(g.As<Napi::String>().Utf8Value());
            } else {
                throw_error(STATUS_E_INVALID_ARGUMENT, "gpuLayers must be 'auto', 'all' or a non-negative integer");
            }
        }
    }
    std::shared_ptr<ProgressTsfn> progress;
    if (info.Length() > 2 && info[2].IsFunction()) {
        progress = std::make_shared<ProgressTsfn>(
            ProgressTsfn::New(env, info[2].As<Napi::Function>(), "hearth-load-progress", 0, 1));
        opts.on_progress = [progress](double p) {
            auto * boxed = new double(p);
            if (progress->NonBlockingCall(boxed) != napi_ok) delete boxed;
        };
    }
    return AsyncTask<std::shared_ptr<Model>>::start(
        env,
        [path, opts, progress]() {
            struct Release {
                std::shared_ptr<ProgressTsfn> p;
                ~Release() { if (p) p->Release(); }
            } release{progress};
            return Model::load(path, opts);
        },
        [threads = opts.threads](Napi::Env env, std::shared_ptr<Model> & m) -> Napi::Value {
            return model_wrap(env, m, threads);
        });
}

} // namespace

void init_model(Napi::Env env, Napi::Object exports) {
    exports.Set("loadModel", Napi::Function::New(env, [](const Napi::CallbackInfo & info) -> Napi::Value {
        return guard(info.Env(), [&] { return load_model(info); });
    }, "loadModel"));
    init_quantize(env, exports);
}

} // namespace hearth::napi
