// Test hooks of the Vulkan backend (not the engine's API): probe, op-level
// runs against host arrays, and a whole-model check that runs a GGUF's layers
// + output head through the backend's stages and, on the same tokens, the
// CPU engine's forward pass. In hearth_testing.addon only. Marshalling only;
// typed in test/backend-vulkan/vulkan-binding.ts.
#include <chrono>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "backend/vulkan/vk-testing.h"
#include "cpu/cpu-ops.h"
#include "model/kv-cache.h"
#include "gguf/gguf-reader.h"
#include "model/model.h"
#include "model/weights.h"
#include "napi/errors.h"
#include "napi/testing-modules.h"

namespace hearth::napi {

namespace {

const char * backend_code(int status) {
    switch (status) {
    case HEARTH_BK_E_UNAVAILABLE: return "E_BACKEND_UNAVAILABLE";
    case HEARTH_BK_E_OOM: return "E_BACKEND_OOM";
    case HEARTH_BK_E_UNSUPPORTED: return "E_BACKEND_UNSUPPORTED";
    case HEARTH_BK_E_DEVICE_LOST: return "E_BACKEND_DEVICE_LOST";
    default: return "E_INTERNAL";
    }
}

void check_bk(Napi::Env env, int status, const char * err) {
    if (status != HEARTH_BK_OK) throw make_error(env, backend_code(status), err);
}

[[noreturn]] void bad(const std::string & what) { throw_error(STATUS_E_INVALID_ARGUMENT, "%s", what.c_str()); }

int64_t num(const Napi::Object & o, const char * key, int64_t def = -1) {
    Napi::Value v = o.Get(key);
    if (v.IsUndefined() && def >= 0) return def;
    if (!v.IsNumber()) bad(std::string(key) + " must be a number");
    const double d = v.As<Napi::Number>().DoubleValue();
    if (d < 0 || d != std::floor(d)) bad(std::string(key) + " must be a non-negative integer");
    return (int64_t)d;
}

float fnum(const Napi::Object & o, const char * key, float def) {
    Napi::Value v = o.Get(key);
    if (v.IsUndefined()) return def;
    if (!v.IsNumber()) bad(std::string(key) + " must be a number");
    return v.As<Napi::Number>().FloatValue();
}

template <class T, napi_typedarray_type KIND>
T * typed(const Napi::Object & o, const char * key, size_t min_len, bool optional = false) {
    Napi::Value v = o.Get(key);
    if (optional && (v.IsUndefined() || v.IsNull())) return nullptr;
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != KIND) bad(std::string(key) + " has the wrong array type");
    Napi::TypedArray a = v.As<Napi::TypedArray>();
    if (a.ElementLength() < min_len) {
        bad(std::string(key) + " has " + std::to_string(a.ElementLength()) + " elements, needs " + std::to_string(min_len));
    }
    return reinterpret_cast<T *>((uint8_t *)a.ArrayBuffer().Data() + a.ByteOffset());
}
float * f32(const Napi::Object & o, const char * key, size_t n, bool optional = false) {
    return typed<float, napi_float32_array>(o, key, n, optional);
}
uint16_t * u16(const Napi::Object & o, const char * key, size_t n) { return typed<uint16_t, napi_uint16_array>(o, key, n); }

Napi::Float32Array copy_f32(Napi::Env env, const float * p, size_t n) {
    Napi::Float32Array a = Napi::Float32Array::New(env, n);
    std::memcpy(a.Data(), p, n * 4);
    return a;
}

// vulkanProbe() -> { built, available, why, subgroup, bytes8, halves16, devices: [{ name, type, totalMemory, freeMemory, detail }] }
Napi::Value probe(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    const hearth_backend * bk = hearth_backend_vulkan();
    hearth_device_info devs[16];
    char why[HEARTH_BK_ERR_LEN] = "";
    const int n = bk->probe(devs, 16, why);
    Napi::Object out = Napi::Object::New(env);
    out.Set("built", vk_test::built());
    out.Set("available", n > 0);
    out.Set("why", why);
    out.Set("subgroup", n > 0 && vk_test::subgroup_in_use());
    out.Set("bytes8", n > 0 && vk_test::bytes8_in_use());
    out.Set("halves16", n > 0 && vk_test::halves16_in_use());
    Napi::Array list = Napi::Array::New(env);
    for (int i = 0; i < n && i < 16; ++i) {
        Napi::Object d = Napi::Object::New(env);
        d.Set("name", devs[i].name);
        d.Set("type", devs[i].type);
        d.Set("totalMemory", (double)devs[i].total_memory);
        d.Set("freeMemory", (double)devs[i].free_memory);
        d.Set("detail", devs[i].detail);
        list.Set((uint32_t)i, d);
    }
    out.Set("devices", list);
    Napi::Object sup = Napi::Object::New(env);
    for (int t : {0, 1, 2, 3, 6, 7, 8, 10, 11, 12, 13, 14, 30, 39}) sup.Set(std::to_string(t), n > 0 && bk->supports(0, HEARTH_OP_MATMUL, t));
    out.Set("matmulTypes", sup);
    return out;
}

// vulkanSetSubgroup(allowed)
Napi::Value set_subgroup(const Napi::CallbackInfo & info) {
    if (!info[0].IsBoolean()) bad("allowed must be a boolean");
    vk_test::set_subgroup_allowed(info[0].As<Napi::Boolean>().Value());
    return Napi::Boolean::New(info.Env(), vk_test::subgroup_in_use());
}

// vulkanSet8Bit(allowed)
Napi::Value set_8bit(const Napi::CallbackInfo & info) {
    if (!info[0].IsBoolean()) bad("allowed must be a boolean");
    vk_test::set_8bit_allowed(info[0].As<Napi::Boolean>().Value());
    return Napi::Boolean::New(info.Env(), vk_test::bytes8_in_use());
}

// vulkanSet16Bit(allowed)
Napi::Value set_16bit(const Napi::CallbackInfo & info) {
    if (!info[0].IsBoolean()) bad("allowed must be a boolean");
    vk_test::set_16bit_allowed(info[0].As<Napi::Boolean>().Value());
    return Napi::Boolean::New(info.Env(), vk_test::halves16_in_use());
}

// vulkanSetMoeLimits(tokens, experts): test limits for stages created afterwards (0: none).
Napi::Value set_moe_limits(const Napi::CallbackInfo & info) {
    if (!info[0].IsNumber() || !info[1].IsNumber()) bad("tokens and experts must be numbers");
    vk_test::set_moe_limits(info[0].As<Napi::Number>().Int64Value(), info[1].As<Napi::Number>().Int64Value());
    return info.Env().Undefined();
}

// vulkanRunOp(op, args) -> Float32Array (Uint16Array for kvStore); args per op as in vulkan-binding.ts.
Napi::Value run_op(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    const std::string op = require_string(info, 0, "op");
    Napi::Object a = require_object(info, 1, "args");
    char err[HEARTH_BK_ERR_LEN] = "";
    if (op == "matmul") {
        const int64_t m = num(a, "m"), k = num(a, "k"), n = num(a, "n"), type = num(a, "type");
        Napi::Value w = a.Get("W");
        if (!w.IsTypedArray() || w.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) bad("W must be a Uint8Array");
        const float * x = f32(a, "x", (size_t)(n * k));
        std::vector<float> y((size_t)(n * m), NAN);
        check_bk(env, vk_test::matmul((int)type, w.As<Napi::Uint8Array>().Data(), m, k, x, n, y.data(), err), err);
        return copy_f32(env, y.data(), y.size());
    }
    if (op == "rmsNorm") {
        const int64_t rows = num(a, "rows"), n = num(a, "n");
        std::vector<float> out((size_t)(rows * n), NAN);
        check_bk(env, vk_test::rms_norm(f32(a, "x", (size_t)(rows * n)), rows, n, f32(a, "w", (size_t)n, true),
                                       fnum(a, "eps", 1e-5f), out.data(), err), err);
        return copy_f32(env, out.data(), out.size());
    }
    if (op == "add" || op == "mul" || op == "swiglu" || op == "swigluOai") {
        const int64_t n = num(a, "n"), b_len = num(a, "bLen", (uint64_t)n);
        std::vector<float> out((size_t)n, NAN);
        const int code = op == "add" ? 0 : op == "mul" ? 1 : op == "swiglu" ? 2 : 6;
        check_bk(env, vk_test::eltwise(code, f32(a, "a", (size_t)n), f32(a, "b", (size_t)b_len), b_len, n, out.data(), err), err);
        return copy_f32(env, out.data(), out.size());
    }
    if (op == "softmax") {
        const int64_t rows = num(a, "rows"), n = num(a, "n");
        std::vector<float> x(f32(a, "x", (size_t)(rows * n)), f32(a, "x", 0) + rows * n);
        check_bk(env, vk_test::softmax(x.data(), rows, n, err), err);
        return copy_f32(env, x.data(), x.size());
    }
    if (op == "rope") {
        const int64_t nt = num(a, "nTok"), nh = num(a, "nHead"), hd = num(a, "headDim"), nr = num(a, "nRot");
        std::vector<float> x(f32(a, "x", (size_t)(nt * nh * hd)), f32(a, "x", 0) + nt * nh * hd);
        const Napi::Value neox = a.Get("neox");
        check_bk(env, vk_test::rope(x.data(), nt, nh, hd, nr, num(a, "pos0"), fnum(a, "base", 10000.0f), fnum(a, "scale", 1.0f),
                                   neox.IsBoolean() && neox.As<Napi::Boolean>().Value(), f32(a, "freqs", (size_t)(nr / 2), true),
                                   err), err);
        return copy_f32(env, x.data(), x.size());
    }
    if (op == "attention") {
        const int64_t n = num(a, "n"), nh = num(a, "nHead"), nkv = num(a, "nHeadKv"), hd = num(a, "headDim"), pos0 = num(a, "pos0");
        std::vector<float> out((size_t)(n * nh * hd), NAN);
        check_bk(env, vk_test::attention(f32(a, "q", (size_t)(n * nh * hd)), u16(a, "k", (size_t)((pos0 + n) * nkv * hd)),
                                        u16(a, "v", (size_t)((pos0 + n) * nkv * hd)), out.data(), n, nh, nkv, hd, pos0,
                                        fnum(a, "scale", 1.0f / std::sqrt((float)hd)), f32(a, "sinks", (size_t)nh, true),
                                        err), err);
        return copy_f32(env, out.data(), out.size());
    }
    if (op == "kvStore") {
        const int64_t n = num(a, "n"), row = num(a, "row"), pos0 = num(a, "pos0"), n_ctx = num(a, "nCtx");
        Napi::Uint16Array cache = Napi::Uint16Array::New(env, (size_t)(n_ctx * row));
        std::memcpy(cache.Data(), u16(a, "cache", (size_t)(n_ctx * row)), (size_t)(n_ctx * row * 2));
        check_bk(env, vk_test::kv_store(f32(a, "src", (size_t)(n * row)), n, row, pos0, n_ctx, cache.Data(), err), err);
        return cache;
    }
    bad("unknown op '" + op + "'");
}

double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// vulkanStageTest(path, tokens, { nCtx, batches, split, logitsRows, shift: { src, dst, n }, after, cpuReferencePath }) ->
//   { vulkan, cpu (Float32Array [rows][n_vocab], every token's logits), cpuReference?, nVocab, deviceBytes,
//     createMs, forwardMs[] }
// cpuReferencePath: a second model for the CPU (e.g. the weights dequantized to F32).
// logitsRows > 0: the head runs on only the last rows of each batch (the others stay NaN);
// headlessBatches: the first batches ask for no logits at all.
// Tokens run in `batches` (sizes; the rest one by one). split > 0 runs layers
// [0, split) and [split, n_layer) + head as two stages (x crosses the host).
// shift moves cached positions on both sides before the `after` tokens run.
Napi::Value stage_test(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    const std::string path = require_string(info, 0, "path");
    if (!info[1].IsArray()) bad("tokens must be an array");
    Napi::Array tok_arr = info[1].As<Napi::Array>();
    Napi::Object opt = info.Length() > 2 && info[2].IsObject() ? info[2].As<Napi::Object>() : Napi::Object::New(env);
    std::vector<TokenId> tokens;
    for (uint32_t i = 0; i < tok_arr.Length(); ++i) tokens.push_back((TokenId)tok_arr.Get(i).As<Napi::Number>().Int32Value());
    std::vector<TokenId> after;
    if (opt.Get("after").IsArray()) {
        Napi::Array a = opt.Get("after").As<Napi::Array>();
        for (uint32_t i = 0; i < a.Length(); ++i) after.push_back((TokenId)a.Get(i).As<Napi::Number>().Int32Value());
    }
    std::vector<int64_t> batches;
    if (opt.Get("batches").IsArray()) {
        Napi::Array a = opt.Get("batches").As<Napi::Array>();
        for (uint32_t i = 0; i < a.Length(); ++i) batches.push_back(a.Get(i).As<Napi::Number>().Int64Value());
    }
    const int64_t n_ctx = num(opt, "nCtx", 128);
    const int64_t split = num(opt, "split", 0);
    const int64_t logits_rows_max = num(opt, "logitsRows", 0);  // 0: every row of a batch
    const int64_t headless_batches = num(opt, "headlessBatches", 0);  // the first ones pass logits_rows = 0
    int64_t batch_index = 0;
    int64_t sh_src = 0, sh_dst = 0, sh_n = 0;
    if (opt.Get("shift").IsObject()) {
        Napi::Object s = opt.Get("shift").As<Napi::Object>();
        sh_src = num(s, "src");
        sh_dst = num(s, "dst");
        sh_n = num(s, "n");
    }

    ModelLoadOptions lo;
    lo.threads = 1;
    lo.n_ctx = n_ctx;  // the context the stage's KV holds: a LongRoPE model's factor set follows it
    std::shared_ptr<Model> model = Model::load(path, lo);
    const ModelHparams & hp = model->hparams();
    // The decoder's own description of its weights (what the engine hands a backend).
    const hearth_decoder_desc * desc = model->arch().backend_desc();
    if (!desc) bad("vulkanStageTest: this model's architecture has no backend description");
    const WeightMatrix tok_embd = WeightBinder(model->gguf()).matrix("token_embd.weight", desc->n_vocab, desc->n_embd);
    const int64_t E = hp.n_embd, V = hp.n_vocab;
    if (split < 0 || split >= hp.n_layer) bad("split must be in 0 .. n_layer-1");

    // Batches: the given sizes, then one token at a time; the same on both sides.
    std::vector<std::pair<int64_t, int64_t>> plan;  // (first token index, count) over tokens ++ after
    {
        int64_t i = 0, bi = 0;
        const int64_t total = (int64_t)tokens.size();
        while (i < total) {
            const int64_t c = std::min<int64_t>(bi < (int64_t)batches.size() ? batches[(size_t)bi++] : 1, total - i);
            plan.push_back({i, c});
            i += c;
        }
    }
    std::vector<TokenId> all = tokens;
    all.insert(all.end(), after.begin(), after.end());
    const size_t n_rows = all.size();

    // CPU engine: the same batches, shift and steps.
    auto cpu_run = [&](const Model & m, std::vector<float> & logits) {
        const ModelHparams & h = m.hparams();
        if (h.n_vocab != V || h.n_embd != E || h.n_layer != hp.n_layer) bad("the CPU reference model has other hyperparameters");
        logits.assign(n_rows * (size_t)V, NAN);
        KvCache kv(h.n_layer, n_ctx, h.n_head_kv, h.head_dim);
        int64_t pos = 0;
        auto run = [&](int64_t first, int64_t count) {
            ForwardBatch b;
            b.tokens = all.data() + first;
            b.n_tokens = count;
            b.pos0 = pos;
            b.kv = &kv;
            b.logits = logits.data() + first * V;
            b.all_logits = true;
            m.arch().forward(m.cpu(), b);
            pos += count;
        };
        for (auto & p : plan) run(p.first, p.second);
        if (sh_n > 0) {
            kv.move_positions(sh_src, sh_dst, sh_n);
            const int64_t row = kv.row_elems();
            std::vector<float> buf((size_t)row);
            for (int64_t l = 0; l < kv.n_layer(); ++l) {
                for (int64_t p = sh_dst; p < sh_dst + sh_n; ++p) {
                    cpu_f16_to_f32(kv.k(l) + p * row, buf.data(), row);
                    m.arch().rope_shift_keys(l, buf.data(), sh_dst - sh_src);
                    cpu_f32_to_f16(buf.data(), kv.k(l) + p * row, row);
                }
            }
            pos = sh_dst + sh_n;
        }
        for (size_t i = tokens.size(); i < n_rows; ++i) run((int64_t)i, 1);
    };
    std::vector<float> cpu_logits, ref_logits;
    cpu_run(*model, cpu_logits);
    if (opt.Get("cpuReferencePath").IsString()) {
        std::shared_ptr<Model> ref = Model::load(opt.Get("cpuReferencePath").As<Napi::String>().Utf8Value(), lo);
        cpu_run(*ref, ref_logits);
    }

    // Vulkan stages.
    const hearth_backend * bk = hearth_backend_vulkan();
    char err[HEARTH_BK_ERR_LEN] = "";
    std::vector<hearth_stage *> stages;
    std::vector<hearth_kv *> kvs;
    struct Cleanup {
        const hearth_backend * bk;
        std::vector<hearth_stage *> & s;
        std::vector<hearth_kv *> & k;
        ~Cleanup() {
            for (hearth_kv * x : k) bk->kv_destroy(x);
            for (hearth_stage * x : s) bk->stage_destroy(x);
        }
    } cleanup{bk, stages, kvs};
    std::vector<int64_t> bounds = split > 0 ? std::vector<int64_t>{0, split, hp.n_layer} : std::vector<int64_t>{0, hp.n_layer};
    uint64_t device_bytes = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (size_t s = 0; s + 1 < bounds.size(); ++s) {
        hearth_stage * st = nullptr;
        uint64_t bytes = 0;
        const int with_out = s + 2 == bounds.size();
        check_bk(env, bk->stage_create(0, desc, bounds[s], bounds[s + 1], with_out, &st, &bytes, err), err);
        stages.push_back(st);
        device_bytes += bytes;
        hearth_kv * kv = nullptr;
        check_bk(env, bk->kv_create(st, n_ctx, &kv, err), err);
        kvs.push_back(kv);
    }
    const double create_ms = ms_since(t0);
    std::vector<float> vk_logits(n_rows * (size_t)V, NAN);
    Napi::Array forward_ms = Napi::Array::New(env);
    int64_t pos = 0;
    auto run = [&](int64_t first, int64_t count) {
        std::vector<float> x((size_t)(count * E));
        for (int64_t t = 0; t < count; ++t) {
            cpu_get_row(tok_embd.type, tok_embd.data, E, all[(size_t)(first + t)], x.data() + t * E);
        }
        const auto t1 = std::chrono::steady_clock::now();
        // The head sees the last `rows` rows of the batch; the rows before stay NaN.
        const int64_t rows = batch_index++ < headless_batches ? 0 : logits_rows_max > 0 ? std::min(logits_rows_max, count) : count;
        for (size_t s = 0; s < stages.size(); ++s) {
            const bool last = s + 1 == stages.size();
            float * lg = last ? vk_logits.data() + (first + count - rows) * V : nullptr;
            check_bk(env, bk->stage_forward(stages[s], kvs[s], x.data(), count, pos, lg, last ? rows : 0, err), err);
        }
        forward_ms.Set(forward_ms.Length(), ms_since(t1));
        pos += count;
    };
    for (auto & p : plan) run(p.first, p.second);
    if (sh_n > 0) {
        for (hearth_kv * kv : kvs) check_bk(env, bk->kv_shift(kv, sh_src, sh_dst, sh_n, err), err);
        pos = sh_dst + sh_n;
    }
    for (size_t i = tokens.size(); i < n_rows; ++i) run((int64_t)i, 1);

    Napi::Object out = Napi::Object::New(env);
    out.Set("vulkan", copy_f32(env, vk_logits.data(), vk_logits.size()));
    out.Set("cpu", copy_f32(env, cpu_logits.data(), cpu_logits.size()));
    if (!ref_logits.empty()) out.Set("cpuReference", copy_f32(env, ref_logits.data(), ref_logits.size()));
    out.Set("nVocab", (double)V);
    out.Set("deviceBytes", (double)device_bytes);
    out.Set("createMs", create_ms);
    out.Set("forwardMs", forward_ms);
    return out;
}

// vulkanBufferRoundTrip(data: Uint8Array, offset) -> Uint8Array: through the
// vtable's buffer_alloc / upload / download / free; bytes = offset + data.length.
Napi::Value buffer_round_trip(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) bad("data must be a Uint8Array");
    Napi::Uint8Array data = info[0].As<Napi::Uint8Array>();
    if (!info[1].IsNumber()) bad("offset must be a number");
    const uint64_t off = (uint64_t)info[1].As<Napi::Number>().Int64Value();
    const hearth_backend * bk = hearth_backend_vulkan();
    char err[HEARTH_BK_ERR_LEN] = "";
    hearth_buffer * buf = nullptr;
    check_bk(env, bk->buffer_alloc(0, off + data.ElementLength(), &buf, err), err);
    Napi::Uint8Array out = Napi::Uint8Array::New(env, data.ElementLength());
    int st = bk->buffer_upload(buf, off, data.Data(), data.ElementLength(), err);
    if (st == HEARTH_BK_OK) st = bk->synchronize(0, err);
    if (st == HEARTH_BK_OK) st = bk->buffer_download(buf, off, out.Data(), data.ElementLength(), err);
    bk->buffer_free(buf);
    check_bk(env, st, err);
    return out;
}

// vulkanBufferAlloc(bytes): allocates and frees at once (error paths: sizes no device has).
Napi::Value buffer_alloc(const Napi::CallbackInfo & info) {
    if (!info[0].IsNumber()) bad("bytes must be a number");
    const hearth_backend * bk = hearth_backend_vulkan();
    char err[HEARTH_BK_ERR_LEN] = "";
    hearth_buffer * buf = nullptr;
    check_bk(info.Env(), bk->buffer_alloc(0, (uint64_t)info[0].As<Napi::Number>().DoubleValue(), &buf, err), err);
    bk->buffer_free(buf);
    return info.Env().Undefined();
}

template <Napi::Value (*FN)(const Napi::CallbackInfo &)>
Napi::Value guarded(const Napi::CallbackInfo & info) {
    return guard(info.Env(), [&] { return FN(info); });
}

} // namespace

void init_vulkan(Napi::Env env, Napi::Object exports) {
    exports.Set("vulkanProbe", Napi::Function::New(env, guarded<probe>, "vulkanProbe"));
    exports.Set("vulkanSetSubgroup", Napi::Function::New(env, guarded<set_subgroup>, "vulkanSetSubgroup"));
    exports.Set("vulkanSet8Bit", Napi::Function::New(env, guarded<set_8bit>, "vulkanSet8Bit"));
    exports.Set("vulkanSet16Bit", Napi::Function::New(env, guarded<set_16bit>, "vulkanSet16Bit"));
    exports.Set("vulkanSetMoeLimits", Napi::Function::New(env, guarded<set_moe_limits>, "vulkanSetMoeLimits"));
    exports.Set("vulkanRunOp", Napi::Function::New(env, guarded<run_op>, "vulkanRunOp"));
    exports.Set("vulkanBufferRoundTrip", Napi::Function::New(env, guarded<buffer_round_trip>, "vulkanBufferRoundTrip"));
    exports.Set("vulkanBufferAlloc", Napi::Function::New(env, guarded<buffer_alloc>, "vulkanBufferAlloc"));
    exports.Set("vulkanStageTest", Napi::Function::New(env, guarded<stage_test>, "vulkanStageTest"));
}

} // namespace hearth::napi
