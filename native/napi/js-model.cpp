// loadModel() and the JS model object: info, tokenizer access, sessions, dispose.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "hearth.h"
#include "napi/async-task.h"
#include "napi/errors.h"
#include "napi/js-model-holders.h"
#include "napi/js-values.h"
#include "napi/modules.h"

namespace hearth::napi {

namespace {

Napi::Value token_or_null(Napi::Env env, int32_t id) {
    return id == HEARTH_TOKEN_NONE ? env.Null() : Napi::Number::New(env, id);
}

Napi::Value string_or_null(Napi::Env env, const char * s) {
    return s ? Napi::Value(Napi::String::New(env, s)) : env.Null();
}

struct InfoDeleter {
    void operator()(hearth_model_info * i) const { hearth_model_info_free(i); }
};

Napi::Object model_info(Napi::Env env, const hearth_model * model, int threads_requested) {
    hearth_model_info * raw = nullptr;
    hearth_error err;
    check(hearth_model_get_info(model, &raw, &err), err);
    std::unique_ptr<hearth_model_info, InfoDeleter> info(raw);
    const hearth_model_info & m = *info;
    const hearth_special_tokens & sp = m.special;
    Napi::Object o = Napi::Object::New(env);
    o.Set("architecture", m.architecture);
    o.Set("nVocab", Napi::Number::New(env, (double)m.n_vocab));
    o.Set("contextLengthTrain", Napi::Number::New(env, (double)m.context_length_train));
    o.Set("nEmbd", Napi::Number::New(env, (double)m.n_embd));
    o.Set("nLayer", Napi::Number::New(env, (double)m.n_layer));
    o.Set("nHead", Napi::Number::New(env, (double)m.n_head));
    o.Set("nHeadKv", Napi::Number::New(env, (double)m.n_head_kv));
    // threads: what runs (clamped to the CPUs present); threadsRequested: what
    // was asked (0: the default), so the caller can warn when they differ.
    o.Set("threads", Napi::Number::New(env, m.threads));
    o.Set("threadsRequested", Napi::Number::New(env, threads_requested));
    o.Set("tokenizerModel", m.tokenizer_model);
    o.Set("tokenizerPre", m.tokenizer_pre);
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
    o.Set("chatTemplate", string_or_null(env, m.chat_template));
    o.Set("backend", m.backend);
    o.Set("device", string_or_null(env, m.device));
    o.Set("gpuLayers", Napi::Number::New(env, (double)m.gpu_layers));
    o.Set("outputOnDevice", Napi::Boolean::New(env, m.output_on_device != 0));
    o.Set("deviceBytes", Napi::Number::New(env, (double)m.device_bytes));
    Napi::Array ra = Napi::Array::New(env, m.n_reasons);
    for (size_t i = 0; i < m.n_reasons; ++i) ra.Set((uint32_t)i, m.reasons[i]);
    o.Set("reasons", ra);
    o.Set("name", string_or_null(env, m.name));
    return o;
}

// The model's vocab size, for the id checks below.
int32_t vocab_size(const hearth_tokenizer * t) {
    hearth_tokenizer_info info;
    hearth_tokenizer_get_info(t, &info);
    return info.n_vocab;
}

using ModelPtr = std::unique_ptr<hearth_model, ModelDeleter>;

Napi::Object model_wrap(Napi::Env env, ModelPtr model, int threads_requested) {
    auto h = std::make_shared<ModelHolder>();
    h->model = std::move(model);
    h->threads_requested = threads_requested;
    Napi::Object obj = Napi::Object::New(env);

    set_method(env, obj, "info", [h](const Napi::CallbackInfo & info) -> Napi::Value {
        return model_info(info.Env(), live_model(info.Env(), h), h->threads_requested);
    });
    set_method(env, obj, "tokenize", [h](const Napi::CallbackInfo & info) -> Napi::Value {
        const hearth_tokenizer * t = hearth_model_tokenizer(live_model(info.Env(), h));
        std::string text = require_string(info, 0, "text");
        bool add_bos = info.Length() > 1 && info[1].ToBoolean().Value();
        bool special = info.Length() > 2 && info[2].ToBoolean().Value();
        int32_t * ids = nullptr;
        size_t n = 0;
        hearth_error err;
        check(hearth_tokenize(t, text.data(), text.size(), add_bos, special, &ids, &n, &err), err);
        std::unique_ptr<int32_t, void (*)(void *)> owned(ids, hearth_free);
        auto out = Napi::Int32Array::New(info.Env(), n);
        std::copy(ids, ids + n, out.Data());
        return out;
    });
    set_method(env, obj, "detokenize", [h](const Napi::CallbackInfo & info) -> Napi::Value {
        const hearth_tokenizer * t = hearth_model_tokenizer(live_model(info.Env(), h));
        std::vector<int32_t> ids = token_array(info[0], "tokens");
        bool special = info.Length() > 1 && info[1].ToBoolean().Value();
        const int32_t n_vocab = vocab_size(t);
        for (int32_t id : ids) {
            if (id < 0 || id >= n_vocab) throw_coded(info.Env(), "E_INVALID_ARGUMENT", "token id %d is outside the vocab (%d)", id, n_vocab);
        }
        char * text = nullptr;
        size_t len = 0;
        hearth_error err;
        // -1: the plain concatenation (no clean-up of spaces), as this object always gave.
        check(hearth_detokenize(t, ids.data(), ids.size(), special, -1, &text, &len, &err), err);
        std::unique_ptr<char, void (*)(void *)> owned(text, hearth_free);
        return Napi::String::New(info.Env(), text, len);
    });
    set_method(env, obj, "tokenText", [h](const Napi::CallbackInfo & info) -> Napi::Value {
        const hearth_tokenizer * t = hearth_model_tokenizer(live_model(info.Env(), h));
        const int32_t id = info[0].ToNumber().Int32Value();
        if (id < 0 || id >= vocab_size(t)) throw_coded(info.Env(), "E_INVALID_ARGUMENT", "token id %d is outside the vocab", id);
        hearth_string text;
        hearth_error err;
        check(hearth_token_text(t, id, &text, &err), err);
        return Napi::String::New(info.Env(), std::string(text.data, text.len));
    });
    set_method(env, obj, "isEog", [h](const Napi::CallbackInfo & info) -> Napi::Value {
        const hearth_tokenizer * t = hearth_model_tokenizer(live_model(info.Env(), h));
        int eog = 0;
        hearth_error err;
        check(hearth_token_is_eog(t, info[0].ToNumber().Int32Value(), &eog, &err), err);
        return Napi::Boolean::New(info.Env(), eog != 0);
    });
    set_method(env, obj, "createSession", [h](const Napi::CallbackInfo & info) -> Napi::Value {
        live_model(info.Env(), h);
        hearth_session_options so;
        hearth_session_options_init(&so);
        if (info.Length() > 0 && info[0].IsObject()) {
            Napi::Object o = info[0].As<Napi::Object>();
            constexpr int64_t MAX_CTX = int64_t(1) << 24;
            so.context_length = int_option(o, "contextLength", 0, 0, MAX_CTX);
            if (so.context_length != 0 && so.context_length < HEARTH_MIN_CONTEXT) {
                throw_coded(info.Env(), "E_INVALID_ARGUMENT", "contextLength must be 0 (the model's) or at least %lld, got %lld",
                            (long long)HEARTH_MIN_CONTEXT, (long long)so.context_length);
            }
            so.batch_size = int_option(o, "batchSize", 64, 1, int64_t(1) << 16);
            so.keep_tokens = int_option(o, "keepTokens", -1, -1, MAX_CTX);
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

// hearth_model_options.on_progress, on the loading thread. A tick that cannot
// be queued (out of memory, environment closing) is dropped: no throw may
// cross the C call.
void queue_progress(void * user, double p) {
    try {
        auto * boxed = new double(p);
        if (static_cast<ProgressTsfn *>(user)->NonBlockingCall(boxed) != napi_ok) delete boxed;
    } catch (...) {
    }
}

// loadModel(path, {threads, useMmap, contextLength, backend, gpuLayers}, onProgress?) -> Promise<model object>
Napi::Value load_model(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    std::string path = require_string(info, 0, "path");
    hearth_model_options opts;
    hearth_model_options_init(&opts);
    std::string backend = "auto";  // opts.backend points into it on the loading thread
    if (info.Length() > 1 && info[1].IsObject()) {
        Napi::Object o = info[1].As<Napi::Object>();
        // Any count up to this is accepted and clamped to the CPUs present
        // (ThreadPool::clamp_threads); info() reports both.
        opts.threads = (int)int_option(o, "threads", 0, 0, 1 << 16);
        opts.use_mmap = bool_option(o, "useMmap", true);
        // Sessions' default context; Model::load checks it like a session's.
        opts.context_length = int_option(o, "contextLength", 0, 0, int64_t(1) << 24);
        if (o.Has("backend") && !o.Get("backend").IsUndefined()) {
            if (!o.Get("backend").IsString()) throw_coded(env, "E_INVALID_ARGUMENT", "backend must be a string");
            backend = o.Get("backend").As<Napi::String>().Utf8Value();
            if (backend != "auto" && backend != "cpu" && backend != "cuda" && backend != "vulkan") {
                throw_coded(env, "E_INVALID_ARGUMENT", "backend must be 'auto', 'cpu', 'cuda' or 'vulkan', got '%s'",
                            backend.c_str());
            }
        }
        if (o.Has("gpuLayers") && !o.Get("gpuLayers").IsUndefined()) {
            Napi::Value g = o.Get("gpuLayers");
            if (g.IsNumber()) {
                const double v = g.As<Napi::Number>().DoubleValue();
                if (!(v >= 0) || v != (double)(int64_t)v || v > 1e6) {
                    throw_coded(env, "E_INVALID_ARGUMENT", "gpuLayers must be 'auto', 'all' or a non-negative integer, got %g", v);
                }
                opts.gpu_layers = (int64_t)v;
            } else if (g.IsString()) {
                const std::string text = g.As<Napi::String>().Utf8Value();
                hearth_error err;
                check(hearth_parse_gpu_layers(text.data(), text.size(), &opts.gpu_layers, &err), err);
            } else {
                throw_coded(env, "E_INVALID_ARGUMENT", "gpuLayers must be 'auto', 'all' or a non-negative integer");
            }
        }
    }
    std::shared_ptr<ProgressTsfn> progress;
    if (info.Length() > 2 && info[2].IsFunction()) {
        progress = std::make_shared<ProgressTsfn>(
            ProgressTsfn::New(env, info[2].As<Napi::Function>(), "hearth-load-progress", 0, 1));
        opts.on_progress = queue_progress;
        opts.progress_user = progress.get();  // alive while the task holds `progress`
    }
    return AsyncTask<ModelPtr>::start(
        env,
        [path, opts, backend, progress]() {
            struct Release {
                std::shared_ptr<ProgressTsfn> p;
                ~Release() { if (p) p->Release(); }
            } release{progress};
            hearth_model_options o = opts;
            o.backend = backend.c_str();
            hearth_model * m = nullptr;
            hearth_error err;
            check(hearth_model_load(path.c_str(), &o, &m, &err), err);
            return ModelPtr(m);
        },
        [threads = opts.threads](Napi::Env env, ModelPtr & m) -> Napi::Value {
            return model_wrap(env, std::move(m), threads);
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
