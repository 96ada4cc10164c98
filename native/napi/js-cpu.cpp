// JS surface of the CPU module, for tests and benchmarks: quantize /
// dequantize rows, run any op on a named kernel table, native timing loops.
// In hearth_testing.addon only. Marshalling only; typed in test/helpers/native-cpu.ts.
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "cpu/cpu-ops.h"
#include "cpu/dispatch.h"
#include "cpu/features.h"
#include "cpu/kernels.h"
#include "cpu/thread-pool.h"
#include "napi/errors.h"
#include "napi/testing-modules.h"
#include "tensor/quants-ref.h"

namespace hearth::napi {

namespace {

// Pools by size, created on first use and kept (persistent workers park when idle).
// Deliberately never destroyed: a static destructor would join the workers at
// process exit, and on Windows the workers are already gone by then (the
// DLL's static destructors run after ExitProcess ends every other thread), so
// the join never returns and node.exe hangs instead of exiting.
ThreadPool * pool_of_size(int n_threads) {
    static std::mutex mutex;
    static auto & pools = *new std::map<int, std::unique_ptr<ThreadPool>>();
    if (n_threads == 1) return nullptr;
    std::lock_guard<std::mutex> lock(mutex);
    std::unique_ptr<ThreadPool> & p = pools[n_threads];
    if (!p) p = std::make_unique<ThreadPool>(n_threads);
    return p.get();
}

[[noreturn]] void bad_arg(const char * what) { throw_error(STATUS_E_INVALID_ARGUMENT, "%s", what); }

GgmlType type_arg(const Napi::Value & v) {
    if (v.IsNumber()) {
        const uint32_t id = v.As<Napi::Number>().Uint32Value();
        if (!ggml_type_info(id)) throw_error(STATUS_E_INVALID_ARGUMENT, "unknown type id %u", id);
        return (GgmlType)id;
    }
    if (v.IsString()) {
        const std::string name = v.As<Napi::String>().Utf8Value();
        for (uint32_t id = 0; id < GGML_TYPE_COUNT_; ++id) {
            const GgmlTypeInfo * info = ggml_type_info(id);
            if (info && name == info->name) return (GgmlType)id;
        }
        throw_error(STATUS_E_INVALID_ARGUMENT, "unknown type '%s'", name.c_str());
    }
    bad_arg("type must be a name or an id");
}

const CpuKernels * level_arg(const Napi::Value & v) {
    if (v.IsUndefined() || v.IsNull()) return cpu_kernels_best();
    if (!v.IsString()) bad_arg("level must be a string");
    return cpu_kernels_by_name(v.As<Napi::String>().Utf8Value().c_str());
}

int64_t int_arg(const Napi::CallbackInfo & info, size_t i, const char * name) {
    if (info.Length() <= i || !info[i].IsNumber()) throw_error(STATUS_E_INVALID_ARGUMENT, "%s must be a number", name);
    const double d = info[i].As<Napi::Number>().DoubleValue();
    if (d < 0 || d != std::floor(d)) throw_error(STATUS_E_INVALID_ARGUMENT, "%s must be a non-negative integer", name);
    return (int64_t)d;
}

int threads_arg(const Napi::CallbackInfo & info, size_t i) {
    if (info.Length() <= i || info[i].IsUndefined() || info[i].IsNull()) return 1;
    return (int)int_arg(info, i, "threads") > 0 ? (int)int_arg(info, i, "threads") : ThreadPool::physical_cores();
}

Napi::Float32Array f32_arg(const Napi::CallbackInfo & info, size_t i, const char * name, size_t min_len) {
    if (info.Length() <= i || !info[i].IsTypedArray() ||
        info[i].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
        throw_error(STATUS_E_INVALID_ARGUMENT, "%s must be a Float32Array", name);
    }
    Napi::Float32Array a = info[i].As<Napi::Float32Array>();
    if (a.ElementLength() < min_len) {
        throw_error(STATUS_E_INVALID_ARGUMENT, "%s has %zu elements, needs %zu", name, a.ElementLength(), min_len);
    }
    return a;
}

Napi::Uint8Array u8_arg(const Napi::CallbackInfo & info, size_t i, const char * name, size_t min_len) {
    if (info.Length() <= i || !info[i].IsTypedArray() ||
        info[i].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
        throw_error(STATUS_E_INVALID_ARGUMENT, "%s must be a Uint8Array", name);
    }
    Napi::Uint8Array a = info[i].As<Napi::Uint8Array>();
    if (a.ElementLength() < min_len) {
        throw_error(STATUS_E_INVALID_ARGUMENT, "%s has %zu bytes, needs %zu", name, a.ElementLength(), min_len);
    }
    return a;
}

// Output: the caller's array (tests poison it with NaN first) or a new one.
Napi::Float32Array out_arg(const Napi::CallbackInfo & info, size_t i, size_t len) {
    if (info.Length() > i && !info[i].IsUndefined() && !info[i].IsNull()) return f32_arg(info, i, "out", len);
    Napi::Float32Array a = Napi::Float32Array::New(info.Env(), len);
    for (size_t j = 0; j < len; ++j) a[j] = NAN;
    return a;
}

Napi::Value cpu_info(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    Napi::Object out = Napi::Object::New(env);
    const std::vector<std::string> names = cpu_features_names(cpu_features_detect());
    Napi::Array features = Napi::Array::New(env, names.size());
    for (size_t i = 0; i < names.size(); ++i) features.Set((uint32_t)i, names[i]);
    out.Set("features", features);
    out.Set("selected", cpu_kernels_name(cpu_kernels_best()));
    out.Set("physicalCores", ThreadPool::physical_cores());
    Napi::Array levels = Napi::Array::New(env);
    uint32_t n = 0;
    for (const CpuLevel & level : cpu_levels()) {
        Napi::Object l = Napi::Object::New(env);
        l.Set("name", level.name);
        l.Set("supported", level.supported);
        levels.Set(n++, l);
    }
    out.Set("levels", levels);
    return out;
}

Napi::Value type_info(const Napi::CallbackInfo & info) {
    const GgmlType type = type_arg(info[0]);
    const GgmlTypeInfo * ti = ggml_type_info(type);
    Napi::Object out = Napi::Object::New(info.Env());
    out.Set("name", ti->name);
    out.Set("blockElems", ti->block_elems);
    out.Set("blockBytes", ti->block_bytes);
    out.Set("structBytes", (double)tensor_block_struct_bytes(type));
    out.Set("hasReference", tensor_type_has_ref(type));
    return out;
}

Napi::Value quantize(const Napi::CallbackInfo & info) {
    const GgmlType type = type_arg(info[0]);
    Napi::Float32Array x = f32_arg(info, 1, "x", 0);
    const int64_t k = (int64_t)x.ElementLength();
    const int64_t be = tensor_block_elems(type);
    if (be <= 0 || k % be != 0) throw_error(STATUS_E_INVALID_ARGUMENT, "length %lld is not a whole number of blocks", (long long)k);
    Napi::Uint8Array out = Napi::Uint8Array::New(info.Env(), (size_t)tensor_row_bytes(type, k));
    // With a level: that table's activation quantizer (must match the reference bit for bit).
    if (info.Length() > 2 && !info[2].IsUndefined() && !info[2].IsNull()) level_arg(info[2])->quantize_act(type, x.Data(), out.Data(), k);
    else tensor_quantize_row(type, x.Data(), out.Data(), k);
    return out;
}

Napi::Value dequantize(const Napi::CallbackInfo & info) {
    const GgmlType type = type_arg(info[0]);
    const int64_t k = int_arg(info, 2, "n");
    const int64_t be = tensor_block_elems(type);
    if (be <= 0 || k % be != 0) throw_error(STATUS_E_INVALID_ARGUMENT, "n %lld is not a whole number of blocks", (long long)k);
    Napi::Uint8Array bytes = u8_arg(info, 1, "bytes", (size_t)tensor_row_bytes(type, k));
    Napi::Float32Array out = Napi::Float32Array::New(info.Env(), (size_t)k);
    tensor_dequantize_row(type, bytes.Data(), out.Data(), k);
    return out;
}

// matmul(level, type, W, m, k, x, n, out?, threads?) -> y [n][m]
Napi::Value matmul(const Napi::CallbackInfo & info) {
    const CpuKernels * kt = level_arg(info[0]);
    const GgmlType type = type_arg(info[1]);
    const int64_t m = int_arg(info, 3, "m"), k = int_arg(info, 4, "k"), n = int_arg(info, 6, "n");
    const int64_t be = tensor_block_elems(type);
    if (be <= 0 || k % be != 0) throw_error(STATUS_E_INVALID_ARGUMENT, "k %lld is not a whole number of blocks", (long long)k);
    Napi::Uint8Array w = u8_arg(info, 2, "W", (size_t)(tensor_row_bytes(type, k) * (uint64_t)m));
    Napi::Float32Array x = f32_arg(info, 5, "x", (size_t)(n * k));
    Napi::Float32Array y = out_arg(info, 7, (size_t)(n * m));
    CpuContext ctx{kt, pool_of_size(threads_arg(info, 8))};
    cpu_matmul(ctx, type, w.Data(), m, k, x.Data(), n, y.Data());
    return y;
}

// rmsNorm(level, x, w|null, eps, out?)
Napi::Value rms_norm(const Napi::CallbackInfo & info) {
    const CpuKernels * kt = level_arg(info[0]);
    Napi::Float32Array x = f32_arg(info, 1, "x", 0);
    const size_t n = x.ElementLength();
    const float * w = info[2].IsNull() || info[2].IsUndefined() ? nullptr : f32_arg(info, 2, "w", n).Data();
    if (!info[3].IsNumber()) bad_arg("eps must be a number");
    Napi::Float32Array out = out_arg(info, 4, n);
    cpu_rms_norm(CpuContext{kt, nullptr}, x.Data(), w, (int64_t)n, info[3].As<Napi::Number>().FloatValue(), out.Data());
    return out;
}

// unary(level, op, x, out?) / binary(level, op, a, b, out?): softmax works in place on a copy.
Napi::Value unary(const Napi::CallbackInfo & info) {
    const CpuContext ctx{level_arg(info[0]), nullptr};
    const std::string op = require_string(info, 1, "op");
    Napi::Float32Array x = f32_arg(info, 2, "x", 0);
    const int64_t n = (int64_t)x.ElementLength();
    Napi::Float32Array out = out_arg(info, 3, (size_t)n);
    if (op == "silu") cpu_silu(ctx, x.Data(), out.Data(), n);
    else if (op == "gelu") cpu_gelu(ctx, x.Data(), out.Data(), n);
    else if (op == "softmax") {
        std::memcpy(out.Data(), x.Data(), (size_t)n * sizeof(float));
        cpu_softmax(ctx, out.Data(), n);
    } else throw_error(STATUS_E_INVALID_ARGUMENT, "unknown unary op '%s'", op.c_str());
    return out;
}

Napi::Value binary(const Napi::CallbackInfo & info) {
    const CpuContext ctx{level_arg(info[0]), nullptr};
    const std::string op = require_string(info, 1, "op");
    Napi::Float32Array a = f32_arg(info, 2, "a", 0);
    const int64_t n = (int64_t)a.ElementLength();
    Napi::Float32Array b = f32_arg(info, 3, "b", (size_t)n);
    Napi::Float32Array out = out_arg(info, 4, (size_t)n);
    if (op == "add") cpu_add(ctx, a.Data(), b.Data(), out.Data(), n);
    else if (op == "mul") cpu_mul(ctx, a.Data(), b.Data(), out.Data(), n);
    else if (op == "swiglu") cpu_swiglu(ctx, a.Data(), b.Data(), out.Data(), n);
    else throw_error(STATUS_E_INVALID_ARGUMENT, "unknown binary op '%s'", op.c_str());
    return out;
}

// rope(x, nHead, headDim, nRot, pos, freqBase, freqScale, neox, freqFactors|null) -> new array
Napi::Value rope(const Napi::CallbackInfo & info) {
    Napi::Float32Array x = f32_arg(info, 0, "x", 0);
    const int64_t n_head = int_arg(info, 1, "nHead"), head_dim = int_arg(info, 2, "headDim");
    const int64_t n_rot = int_arg(info, 3, "nRot"), pos = int_arg(info, 4, "pos");
    if (x.ElementLength() < (size_t)(n_head * head_dim)) bad_arg("x is shorter than nHead * headDim");
    if (!info[5].IsNumber() || !info[6].IsNumber() || !info[7].IsBoolean()) bad_arg("freqBase, freqScale, neox");
    const float * ff = info[8].IsNull() || info[8].IsUndefined() ? nullptr : f32_arg(info, 8, "freqFactors", (size_t)(n_rot / 2)).Data();
    Napi::Float32Array out = Napi::Float32Array::New(info.Env(), x.ElementLength());
    std::memcpy(out.Data(), x.Data(), x.ElementLength() * sizeof(float));
    cpu_rope(out.Data(), n_head, head_dim, n_rot, pos, info[5].As<Napi::Number>().FloatValue(),
             info[6].As<Napi::Number>().FloatValue(), info[7].As<Napi::Boolean>().Value(), ff);
    return out;
}

// attention(level, {q, k, v, nTokens, nHead, nHeadKv, headDim, nKv, pos0, scale}, out?, threads?)
Napi::Value attention(const Napi::CallbackInfo & info) {
    const CpuKernels * kt = level_arg(info[0]);
    Napi::Object o = require_object(info, 1, "args");
    auto num = [&](const char * key) -> int64_t {
        Napi::Value v = o.Get(key);
        if (!v.IsNumber()) throw_error(STATUS_E_INVALID_ARGUMENT, "args.%s must be a number", key);
        return (int64_t)v.As<Napi::Number>().DoubleValue();
    };
    AttentionArgs a{};
    a.n_tokens = num("nTokens");
    a.n_head = num("nHead");
    a.n_head_kv = num("nHeadKv");
    a.head_dim = num("headDim");
    a.n_kv = num("nKv");
    a.pos0 = num("pos0");
    Napi::Value scale = o.Get("scale");
    a.scale = scale.IsNumber() ? scale.As<Napi::Number>().FloatValue() : 1.0f / std::sqrt((float)a.head_dim);
    Napi::Value q = o.Get("q"), k = o.Get("k"), v = o.Get("v");
    if (!q.IsTypedArray() || q.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) bad_arg("args.q must be a Float32Array");
    if (!k.IsTypedArray() || k.As<Napi::TypedArray>().TypedArrayType() != napi_uint16_array) bad_arg("args.k must be a Uint16Array (f16)");
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint16_array) bad_arg("args.v must be a Uint16Array (f16)");
    const size_t q_len = (size_t)(a.n_tokens * a.n_head * a.head_dim);
    const size_t kv_len = (size_t)(a.n_kv * a.n_head_kv * a.head_dim);
    if (q.As<Napi::Float32Array>().ElementLength() < q_len) bad_arg("args.q is too short");
    if (k.As<Napi::Uint16Array>().ElementLength() < kv_len || v.As<Napi::Uint16Array>().ElementLength() < kv_len) {
        bad_arg("args.k / args.v are too short");
    }
    a.q = q.As<Napi::Float32Array>().Data();
    a.k = k.As<Napi::Uint16Array>().Data();
    a.v = v.As<Napi::Uint16Array>().Data();
    Napi::Value sinks = o.Get("sinks");  // optional Float32Array [nHead]
    if (!sinks.IsUndefined() && !sinks.IsNull()) {
        if (!sinks.IsTypedArray() || sinks.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array ||
            sinks.As<Napi::Float32Array>().ElementLength() < (size_t)a.n_head) {
            bad_arg("args.sinks must be a Float32Array of nHead");
        }
        a.sinks = sinks.As<Napi::Float32Array>().Data();
    }
    Napi::Float32Array out = out_arg(info, 2, q_len);
    a.out = out.Data();
    cpu_attention(CpuContext{kt, pool_of_size(threads_arg(info, 3))}, a);
    return out;
}

// benchMatmul(level, type, W, m, k, x, n, iters, threads) -> seconds per call (each timed, median)
Napi::Value bench_matmul(const Napi::CallbackInfo & info) {
    const CpuKernels * kt = level_arg(info[0]);
    const GgmlType type = type_arg(info[1]);
    const int64_t m = int_arg(info, 3, "m"), k = int_arg(info, 4, "k"), n = int_arg(info, 6, "n");
    const int64_t iters = int_arg(info, 7, "iters");
    const int64_t be = tensor_block_elems(type);
    if (be <= 0 || k % be != 0) throw_error(STATUS_E_INVALID_ARGUMENT, "k %lld is not a whole number of blocks", (long long)k);
    Napi::Uint8Array w = u8_arg(info, 2, "W", (size_t)(tensor_row_bytes(type, k) * (uint64_t)m));
    Napi::Float32Array x = f32_arg(info, 5, "x", (size_t)(n * k));
    std::vector<float> y((size_t)(n * m));
    CpuContext ctx{kt, pool_of_size(threads_arg(info, 8))};
    Napi::Array times = Napi::Array::New(info.Env(), (size_t)iters);
    for (int64_t it = 0; it < iters; ++it) {
        const auto t0 = std::chrono::steady_clock::now();
        cpu_matmul(ctx, type, w.Data(), m, k, x.Data(), n, y.data());
        const auto t1 = std::chrono::steady_clock::now();
        times.Set((uint32_t)it, std::chrono::duration<double>(t1 - t0).count());
    }
    return times;
}

// benchPeaks(level, threads, fmaRounds, readBytes, readRepeats) -> {fmaFlops, fmaSeconds, readBytes, readSeconds}
Napi::Value bench_peaks(const Napi::CallbackInfo & info) {
    const CpuKernels * kt = level_arg(info[0]);
    const int threads = threads_arg(info, 1);
    const int64_t rounds = int_arg(info, 2, "fmaRounds");
    const int64_t bytes = int_arg(info, 3, "readBytes");
    const int64_t repeats = int_arg(info, 4, "readRepeats");
    ThreadPool * pool = pool_of_size(threads);
    auto run = [&](const std::function<void(int64_t, int64_t, int)> & fn) {
        if (pool) pool->parallel_for(threads, fn, 1);
        else fn(0, 1, 0);
    };
    std::vector<double> flops((size_t)threads, 0.0);
    auto t0 = std::chrono::steady_clock::now();
    run([&](int64_t b, int64_t e, int) { for (int64_t t = b; t < e; ++t) flops[(size_t)t] = kt->probe_fma(rounds); });
    auto t1 = std::chrono::steady_clock::now();
    double total_flops = 0;
    for (double f : flops) total_flops += f;
    // One buffer per thread, touched first by the thread that reads it.
    const size_t per = (size_t)(bytes / threads) / 4096 * 4096;
    std::vector<std::unique_ptr<uint8_t[]>> bufs((size_t)threads);
    run([&](int64_t b, int64_t e, int) {
        for (int64_t t = b; t < e; ++t) {
            bufs[(size_t)t].reset(new uint8_t[per]);
            std::memset(bufs[(size_t)t].get(), (int)t + 1, per);
        }
    });
    volatile float sink = 0;
    auto t2 = std::chrono::steady_clock::now();
    for (int64_t r = 0; r < repeats; ++r) {
        run([&](int64_t b, int64_t e, int) {
            for (int64_t t = b; t < e; ++t) sink = sink + kt->probe_read(bufs[(size_t)t].get(), per);
        });
    }
    auto t3 = std::chrono::steady_clock::now();
    Napi::Object out = Napi::Object::New(info.Env());
    out.Set("fmaFlops", total_flops);
    out.Set("fmaSeconds", std::chrono::duration<double>(t1 - t0).count());
    out.Set("readBytes", (double)per * threads * repeats);
    out.Set("readSeconds", std::chrono::duration<double>(t3 - t2).count());
    return out;
}

template <Napi::Value (*FN)(const Napi::CallbackInfo &)>
Napi::Value guarded(const Napi::CallbackInfo & info) {
    return guard(info.Env(), [&] { return FN(info); });
}

} // namespace

void init_cpu(Napi::Env env, Napi::Object exports) {
    Napi::Object cpu = Napi::Object::New(env);
    exports.Set("cpuInfo", Napi::Function::New(env, guarded<cpu_info>, "cpuInfo"));
    exports.Set("cpuTypeInfo", Napi::Function::New(env, guarded<type_info>, "cpuTypeInfo"));
    exports.Set("cpuQuantize", Napi::Function::New(env, guarded<quantize>, "cpuQuantize"));
    exports.Set("cpuDequantize", Napi::Function::New(env, guarded<dequantize>, "cpuDequantize"));
    exports.Set("cpuMatmul", Napi::Function::New(env, guarded<matmul>, "cpuMatmul"));
    exports.Set("cpuRmsNorm", Napi::Function::New(env, guarded<rms_norm>, "cpuRmsNorm"));
    exports.Set("cpuUnary", Napi::Function::New(env, guarded<unary>, "cpuUnary"));
    exports.Set("cpuBinary", Napi::Function::New(env, guarded<binary>, "cpuBinary"));
    exports.Set("cpuRope", Napi::Function::New(env, guarded<rope>, "cpuRope"));
    exports.Set("cpuAttention", Napi::Function::New(env, guarded<attention>, "cpuAttention"));
    exports.Set("cpuBenchMatmul", Napi::Function::New(env, guarded<bench_matmul>, "cpuBenchMatmul"));
    exports.Set("cpuBenchPeaks", Napi::Function::New(env, guarded<bench_peaks>, "cpuBenchPeaks"));
    (void)cpu;
}

} // namespace hearth::napi
