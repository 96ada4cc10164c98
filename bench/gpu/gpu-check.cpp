// gpu-check: the CUDA (or any) backend against the CPU backend through the
// backend contract, without Node: random llama/qwen2-shaped decoders in every
// weight format the backend supports, compared on logits and greedy tokens
// at layer splits 0 / half / all, a context shift, and pp/tg speed with the
// weight bandwidth it implies. Built by bench/gpu/build.sh from the engine's
// static libraries; run where a GPU is (the addon needs Node, this does not).
//
//   gpu-check [--backend cuda] [--quick] [--bench-only] [--no-bench]
//
// Output: one line per check, "PASS"/"FAIL" with the figures, and bench
// lines "bench <shape> <format> pp512 X t/s tg128 Y t/s (Z GB/s)". Exit 1 if
// any check failed.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "backend/backend.h"
#include "backend/registry.h"
#include "tensor/ggml-type.h"
#include "tensor/quants-ref.h"

using namespace hearth;

namespace {

struct Shape {
    const char * name;
    int64_t E, L, F, H, HKV, D, V;
    bool bias, neox;
};

// Formats: per tensor kind (attn q/k/o, attn v, ffn gate/up, ffn down, output).
struct Mix {
    const char * name;
    int qko, v, gate_up, down, output;
};

const Mix kMixes[] = {
    {"F32", GGML_TYPE_F32, GGML_TYPE_F32, GGML_TYPE_F32, GGML_TYPE_F32, GGML_TYPE_F32},
    {"F16", GGML_TYPE_F16, GGML_TYPE_F16, GGML_TYPE_F16, GGML_TYPE_F16, GGML_TYPE_F16},
    {"BF16", GGML_TYPE_BF16, GGML_TYPE_BF16, GGML_TYPE_BF16, GGML_TYPE_BF16, GGML_TYPE_BF16},
    {"Q8_0", GGML_TYPE_Q8_0, GGML_TYPE_Q8_0, GGML_TYPE_Q8_0, GGML_TYPE_Q8_0, GGML_TYPE_Q8_0},
    {"Q4_0", GGML_TYPE_Q4_0, GGML_TYPE_Q4_0, GGML_TYPE_Q4_0, GGML_TYPE_Q4_0, GGML_TYPE_Q6_K},
    {"Q4_K", GGML_TYPE_Q4_K, GGML_TYPE_Q4_K, GGML_TYPE_Q4_K, GGML_TYPE_Q4_K, GGML_TYPE_Q4_K},
    {"Q6_K", GGML_TYPE_Q6_K, GGML_TYPE_Q6_K, GGML_TYPE_Q6_K, GGML_TYPE_Q6_K, GGML_TYPE_Q6_K},
    // llama.cpp's Q4_K_M: Q4_K with V and FFN-down in Q6_K, output Q6_K.
    {"Q4_K_M", GGML_TYPE_Q4_K, GGML_TYPE_Q6_K, GGML_TYPE_Q4_K, GGML_TYPE_Q6_K, GGML_TYPE_Q6_K},
};

uint64_t g_rng = 88172645463325252ull;
uint64_t next_u64() {
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return g_rng;
}
// Sum of 4 uniforms: close enough to a Gaussian, cheap.
float gauss(uint64_t & s) {
    float acc = 0;
    for (int i = 0; i < 4; ++i) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        acc += (float)((s >> 40) & 0xffffff) / 16777216.0f;
    }
    return (acc - 2.0f) * 1.7320508f;
}

std::vector<float> randn(int64_t n, float std, uint64_t seed) {
    std::vector<float> v((size_t)n);
    const int T = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::thread> th;
    for (int t = 0; t < T; ++t) {
        th.emplace_back([&, t] {
            uint64_t s = seed * 0x9e3779b97f4a7c15ull + (uint64_t)t * 7919 + 1;
            for (int64_t i = t; i < n; i += T) v[(size_t)i] = gauss(s) * std;
        });
    }
    for (auto & x : th) x.join();
    return v;
}

// A weight in `type`, stored as bytes; rows quantized in parallel.
struct Weight {
    std::vector<uint8_t> bytes;
    hearth_weight w{};
};

// K-quants need rows of a multiple of 256 (qwen2-0.5B's 896 is not): like
// llama.cpp, such tensors fall back to a 32-block format (Q4_K -> Q4_0,
// Q6_K -> Q8_0; llama.cpp uses Q5_0 where we use Q4_0).
int fit_type(int type, int64_t cols) {
    if (cols % 256 == 0) return type;
    if (type == GGML_TYPE_Q4_K) return GGML_TYPE_Q4_0;
    if (type == GGML_TYPE_Q6_K) return GGML_TYPE_Q8_0;
    return type;
}

Weight make_weight(int type, int64_t rows, int64_t cols, float std, uint64_t seed, bool row_gain = false) {
    type = fit_type(type, cols);
    std::vector<float> f = randn(rows * cols, std, seed);
    if (row_gain) {
        uint64_t s = seed + 99;
        for (int64_t r = 0; r < rows; ++r) {
            const float g = std::exp(0.7f * gauss(s));
            for (int64_t c = 0; c < cols; ++c) f[(size_t)(r * cols + c)] *= g;
        }
    }
    Weight w;
    const uint64_t rb = tensor_row_bytes((GgmlType)type, cols);
    w.bytes.resize((size_t)(rb * rows));
    const int T = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::thread> th;
    for (int t = 0; t < T; ++t) {
        th.emplace_back([&, t] {
            for (int64_t r = t; r < rows; r += T) {
                tensor_quantize_row((GgmlType)type, f.data() + r * cols, w.bytes.data() + r * rb, cols);
            }
        });
    }
    for (auto & x : th) x.join();
    w.w.data = w.bytes.data();
    w.w.type = type;
    w.w.rows = rows;
    w.w.cols = cols;
    return w;
}

// A random decoder: one set of matrices shared by every layer (memory and
// set-up time), per-layer norms so that layers still differ.
struct Model {
    Shape sh;
    Mix mix;
    Weight wq, wk, wv, wo, gate, up, down, output;
    std::vector<std::vector<float>> attn_norm, ffn_norm;
    std::vector<float> bq, bk, bv, out_norm, embd;  // embd [V][E] f32
    std::vector<hearth_layer_desc> layers;
    hearth_decoder_desc d{};
    uint64_t weight_bytes_per_token = 0;
};

void build(Model & m, const Shape & sh, const Mix & mix) {
    m.sh = sh;
    m.mix = mix;
    const int64_t E = sh.E, Q = sh.H * sh.D, KV = sh.HKV * sh.D, F = sh.F;
    m.wq = make_weight(mix.qko, Q, E, 0.06f, 1);
    m.wk = make_weight(mix.qko, KV, E, 0.06f, 2);
    m.wv = make_weight(mix.v, KV, E, 0.06f, 3);
    m.wo = make_weight(mix.qko, E, Q, 0.06f, 4);
    m.gate = make_weight(mix.gate_up, F, E, 0.06f, 5);
    m.up = make_weight(mix.gate_up, F, E, 0.06f, 6);
    m.down = make_weight(mix.down, E, F, 0.04f, 7);
    m.output = make_weight(mix.output, sh.V, E, 0.05f, 8, true);
    m.embd = randn(sh.V * E, 1.0f, 9);
    m.out_norm = randn(E, 0.1f, 10);
    for (float & x : m.out_norm) x += 1.0f;
    if (sh.bias) {
        m.bq = randn(Q, 0.1f, 11);
        m.bk = randn(KV, 0.1f, 12);
        m.bv = randn(KV, 0.1f, 13);
    }
    m.attn_norm.resize((size_t)sh.L);
    m.ffn_norm.resize((size_t)sh.L);
    m.layers.resize((size_t)sh.L);
    for (int64_t l = 0; l < sh.L; ++l) {
        m.attn_norm[(size_t)l] = randn(E, 0.2f, 100 + (uint64_t)l);
        m.ffn_norm[(size_t)l] = randn(E, 0.2f, 200 + (uint64_t)l);
        for (float & x : m.attn_norm[(size_t)l]) x += 1.0f;
        for (float & x : m.ffn_norm[(size_t)l]) x += 1.0f;
        hearth_layer_desc & L = m.layers[(size_t)l];
        L.attn_norm = m.attn_norm[(size_t)l].data();
        L.ffn_norm = m.ffn_norm[(size_t)l].data();
        L.wq = m.wq.w;
        L.wk = m.wk.w;
        L.wv = m.wv.w;
        L.wo = m.wo.w;
        L.ffn_gate = m.gate.w;
        L.ffn_up = m.up.w;
        L.ffn_down = m.down.w;
        L.bq = sh.bias ? m.bq.data() : nullptr;
        L.bk = sh.bias ? m.bk.data() : nullptr;
        L.bv = sh.bias ? m.bv.data() : nullptr;
        L.rope_freq_base = sh.neox ? 1000000.0f : 10000.0f;  // the decoder's, below
        L.rope_freq_scale = 1.0f;
    }
    hearth_decoder_desc & d = m.d;
    d.n_embd = E;
    d.n_layer = sh.L;
    d.n_ff = F;
    d.n_head = sh.H;
    d.n_head_kv = sh.HKV;
    d.head_dim = sh.D;
    d.n_rot = sh.D;
    d.n_vocab = sh.V;
    d.norm_eps = 1e-6f;
    d.rope_freq_base = sh.neox ? 1000000.0f : 10000.0f;
    d.rope_freq_scale = 1.0f;
    d.rope_neox = sh.neox ? 1 : 0;
    d.norm_type = HEARTH_NORM_RMS;
    d.ffn_type = HEARTH_FFN_SWIGLU;
    d.attn_scale = 1.0f / std::sqrt((float)sh.D);
    d.residual_scale = 1.0f;
    d.logit_scale = 1.0f;
    d.rope_freqs = nullptr;
    d.layers = m.layers.data();
    d.output_norm = m.out_norm.data();
    d.output = m.output.w;
    m.weight_bytes_per_token = (uint64_t)sh.L * (m.wq.bytes.size() + m.wk.bytes.size() + m.wv.bytes.size() +
                                                 m.wo.bytes.size() + m.gate.bytes.size() + m.up.bytes.size() +
                                                 m.down.bytes.size()) + m.output.bytes.size();
}

// A chain of stages: CPU backend for layers [0, split), `gpu` for [split, L) + head.
struct Pipeline {
    struct Part { const hearth_backend * b; hearth_stage * st; hearth_kv * kv; bool head; };
    std::vector<Part> parts;
    const Model * m = nullptr;
    std::string error;

    bool init(const Model & model, const hearth_backend * gpu, int64_t split, int64_t n_ctx) {
        m = &model;
        const hearth_backend * cpu = hearth_backend_cpu();
        const int64_t L = model.d.n_layer;
        char err[HEARTH_BK_ERR_LEN] = {0};
        auto add = [&](const hearth_backend * b, int64_t lo, int64_t hi, bool head) -> bool {
            Part p{b, nullptr, nullptr, head};
            uint64_t bytes = 0;
            if (b->stage_create(0, &model.d, lo, hi, head ? 1 : 0, &p.st, &bytes, err) != 0 ||
                b->kv_create(p.st, n_ctx, &p.kv, err) != 0) {
                error = std::string(b->name) + ": " + err;
                return false;
            }
            parts.push_back(p);
            return true;
        };
        if (split > 0 && !add(cpu, 0, split, split == L)) return false;
        if (split < L && !add(gpu, split, L, true)) return false;
        return true;
    }
    ~Pipeline() {
        for (Part & p : parts) {
            if (p.kv) p.b->kv_destroy(p.kv);
            if (p.st) p.b->stage_destroy(p.st);
        }
    }
    // logits[rows][V] for the last `rows` of tokens at pos0.
    bool forward(const std::vector<int> & tokens, int64_t pos0, float * logits, int64_t rows) {
        const int64_t E = m->d.n_embd, n = (int64_t)tokens.size();
        std::vector<float> x((size_t)(n * E));
        for (int64_t t = 0; t < n; ++t) std::memcpy(&x[(size_t)(t * E)], &m->embd[(size_t)tokens[(size_t)t] * E], E * 4);
        char err[HEARTH_BK_ERR_LEN] = {0};
        for (Part & p : parts) {
            if (p.b->stage_forward(p.st, p.kv, x.data(), n, pos0, p.head ? logits : nullptr, p.head ? rows : 0, err) != 0) {
                error = std::string(p.b->name) + ": " + err;
                return false;
            }
        }
        return true;
    }
    bool shift(int64_t src, int64_t dst, int64_t n) {
        char err[HEARTH_BK_ERR_LEN] = {0};
        for (Part & p : parts) {
            if (p.b->kv_shift(p.kv, src, dst, n, err) != 0) {
                error = std::string(p.b->name) + ": " + err;
                return false;
            }
        }
        return true;
    }
};

int argmax(const float * v, int64_t n) { return (int)(std::max_element(v, v + n) - v); }

// ||a - b|| / ||b||
double rel_err(const float * a, const float * b, int64_t n) {
    double num = 0, den = 0;
    for (int64_t i = 0; i < n; ++i) {
        num += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
        den += (double)b[i] * b[i];
    }
    return std::sqrt(num / (den > 0 ? den : 1));
}

struct RunResult {
    std::vector<float> prompt_logits;  // [n_prompt][V]
    std::vector<int> greedy;
    std::vector<float> step_logits;    // [steps][V]
    std::vector<float> shift_logits;   // after a context shift
    bool ok = false;
    std::string error;
};

RunResult run(const Model & m, const hearth_backend * gpu, int64_t split, int n_prompt, int steps,
              const std::vector<int> * forced) {
    RunResult r;
    Pipeline p;
    const int64_t V = m.d.n_vocab, n_ctx = 256;
    if (!p.init(m, gpu, split, n_ctx)) {
        r.error = p.error;
        return r;
    }
    std::vector<int> prompt;
    uint64_t s = 4242;
    for (int i = 0; i < n_prompt; ++i) prompt.push_back((int)(next_u64() % (uint64_t)V));
    (void)s;
    r.prompt_logits.resize((size_t)(n_prompt * V));
    if (!p.forward(prompt, 0, r.prompt_logits.data(), n_prompt)) {
        r.error = p.error;
        return r;
    }
    int tok = argmax(&r.prompt_logits[(size_t)((n_prompt - 1) * V)], V);
    int64_t pos = n_prompt;
    std::vector<float> lg((size_t)V);
    for (int i = 0; i < steps; ++i) {
        // Teacher forcing with the reference's tokens keeps the streams comparable after a near-tie.
        const int in = forced && i < (int)forced->size() ? (*forced)[(size_t)i] : tok;
        r.greedy.push_back(tok);
        if (!p.forward({in}, pos++, lg.data(), 1)) {
            r.error = p.error;
            return r;
        }
        r.step_logits.insert(r.step_logits.end(), lg.begin(), lg.end());
        tok = argmax(lg.data(), V);
    }
    // Context shift: drop 8 positions after the first 4, then one more token.
    const int64_t keep = 4, drop = 8;
    if (!p.shift(keep + drop, keep, pos - keep - drop)) {
        r.error = p.error;
        return r;
    }
    pos -= drop;
    r.shift_logits.resize((size_t)V);
    if (!p.forward({(int)(next_u64() % (uint64_t)V)}, pos, r.shift_logits.data(), 1)) {
        r.error = p.error;
        return r;
    }
    r.ok = true;
    return r;
}

int g_failures = 0;

void check(const char * what, bool ok, const std::string & detail) {
    std::printf("%s %s %s\n", ok ? "PASS" : "FAIL", what, detail.c_str());
    std::fflush(stdout);
    if (!ok) ++g_failures;
}

double tolerance(const Mix & mix) {
    // The CPU quantizes activations to Q8 for integer dots on quantized
    // weights; the GPU keeps them f32. F32/F16/BF16 differ by summation order.
    return mix.qko == GGML_TYPE_F32 || mix.qko == GGML_TYPE_F16 || mix.qko == GGML_TYPE_BF16 ? 2e-3 : 4e-2;
}

void parity(const Shape & sh, const Mix & mix, const hearth_backend * gpu, int n_prompt, int steps) {
    Model m;
    build(m, sh, mix);
    g_rng = 1234567;
    RunResult ref = run(m, gpu, sh.L, n_prompt, steps, nullptr);  // split = L: all on the CPU
    if (!ref.ok) {
        check((std::string(sh.name) + " " + mix.name + " cpu reference").c_str(), false, ref.error);
        return;
    }
    const int64_t V = sh.V;
    for (int64_t split : {(int64_t)0, sh.L / 2}) {
        g_rng = 1234567;
        RunResult g = run(m, gpu, split, n_prompt, steps, &ref.greedy);
        char label[160];
        std::snprintf(label, sizeof label, "%s %s split %lld/%lld", sh.name, mix.name, (long long)(sh.L - split), (long long)sh.L);
        if (!g.ok) {
            check(label, false, g.error);
            continue;
        }
        const double e_prompt = rel_err(g.prompt_logits.data(), ref.prompt_logits.data(), (int64_t)ref.prompt_logits.size());
        const double e_steps = rel_err(g.step_logits.data(), ref.step_logits.data(), (int64_t)ref.step_logits.size());
        const double e_shift = rel_err(g.shift_logits.data(), ref.shift_logits.data(), V);
        int same = 0;
        for (size_t i = 0; i < ref.greedy.size(); ++i) same += g.greedy[i] == ref.greedy[i];
        // Prompt argmax agreement at every position.
        int same_prompt = 0;
        for (int t = 0; t < n_prompt; ++t) {
            same_prompt += argmax(&g.prompt_logits[(size_t)(t * V)], V) == argmax(&ref.prompt_logits[(size_t)(t * V)], V);
        }
        const double tol = tolerance(mix);
        const bool ok = e_prompt < tol && e_steps < tol && e_shift < tol && same * 10 >= (int)ref.greedy.size() * 9;
        char detail[256];
        std::snprintf(detail, sizeof detail,
                      "rel-err prompt %.2e steps %.2e shift %.2e (tol %.0e); greedy tokens %d/%zu; prompt argmax %d/%d",
                      e_prompt, e_steps, e_shift, tol, same, ref.greedy.size(), same_prompt, n_prompt);
        check(label, ok, detail);
    }
}

double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Gives every layer its own copy of the shared matrices: a model that reads
// one layer's weights L times fits in the GPU's L2 (60 MB on an H200) and
// would overstate the bandwidth reached.
void distinct_layers(Model & m, std::vector<std::vector<uint8_t>> & copies) {
    copies.reserve((size_t)m.sh.L * 7);
    for (int64_t l = 1; l < m.sh.L; ++l) {
        hearth_layer_desc & L = m.layers[(size_t)l];
        for (hearth_weight * w : {&L.wq, &L.wk, &L.wv, &L.wo, &L.ffn_gate, &L.ffn_up, &L.ffn_down}) {
            const uint8_t * src = (const uint8_t *)w->data;
            copies.emplace_back(src, src + tensor_row_bytes((GgmlType)w->type, w->cols) * w->rows);
            w->data = copies.back().data();
        }
    }
}

void bench(const Shape & sh, const Mix & mix, const hearth_backend * gpu, int pp, int tg) {
    Model m;
    build(m, sh, mix);
    std::vector<std::vector<uint8_t>> copies;
    distinct_layers(m, copies);
    const int64_t V = sh.V, E = sh.E;
    hearth_stage * st = nullptr;
    hearth_kv * kv = nullptr;
    char err[HEARTH_BK_ERR_LEN] = {0};
    uint64_t bytes = 0;
    const double t_up = now_s();
    if (gpu->stage_create(0, &m.d, 0, sh.L, 1, &st, &bytes, err) != 0 || gpu->kv_create(st, pp + tg + 8, &kv, err) != 0) {
        check((std::string("bench ") + sh.name + " " + mix.name).c_str(), false, err);
        if (st) gpu->stage_destroy(st);
        return;
    }
    const double upload_s = now_s() - t_up;
    std::vector<float> x((size_t)(pp * E)), logits((size_t)V);
    uint64_t s = 77;
    for (float & v : x) v = gauss(s);
    // Warm-up: one small batch and a few steps (graph capture).
    gpu->stage_forward(st, kv, x.data(), 8, 0, logits.data(), 1, err);
    for (int i = 0; i < 3; ++i) gpu->stage_forward(st, kv, x.data(), 1, 8 + i, logits.data(), 1, err);
    double t0 = now_s();
    int rc = gpu->stage_forward(st, kv, x.data(), pp, 0, logits.data(), 1, err);
    const double pp_s = now_s() - t0;
    t0 = now_s();
    for (int i = 0; i < tg && rc == 0; ++i) {
        std::vector<float> xi(x.begin(), x.begin() + E);
        rc = gpu->stage_forward(st, kv, xi.data(), 1, pp + i, logits.data(), 1, err);
    }
    const double tg_s = now_s() - t0;
    if (rc != 0) check("bench", false, err);
    const double tg_tps = tg / tg_s;
    std::printf("bench %s %s pp%d %.1f t/s tg%d %.1f t/s weights %.1f MiB -> %.0f GB/s (device %.1f MiB, upload %.2f s)\n",
                sh.name, mix.name, pp, pp / pp_s, tg, tg_tps, m.weight_bytes_per_token / 1048576.0,
                m.weight_bytes_per_token * tg_tps / 1e9, bytes / 1048576.0, upload_s);
    std::fflush(stdout);
    gpu->kv_destroy(kv);
    gpu->stage_destroy(st);
}

} // namespace

int main(int argc, char ** argv) {
    std::string backend = "cuda";
    bool quick = false, bench_only = false, no_bench = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--backend" && i + 1 < argc) backend = argv[++i];
        else if (a == "--quick") quick = true;
        else if (a == "--bench-only") bench_only = true;
        else if (a == "--no-bench") no_bench = true;
    }
    for (const BackendProbe & p : backend_probe_all()) {
        if (!p.reason.empty()) std::printf("probe %s: %s\n", p.name.c_str(), p.reason.c_str());
        for (const hearth_device_info & d : p.devices) {
            std::printf("probe %s: %s (%s) %.1f GiB total, %.1f GiB free\n", p.name.c_str(), d.name, d.detail,
                        d.total_memory / 1073741824.0, d.free_memory / 1073741824.0);
        }
    }
    const hearth_backend * gpu = backend_by_name(backend);
    if (!gpu) {
        std::printf("FAIL unknown backend %s\n", backend.c_str());
        return 1;
    }
    hearth_device_info dev[4];
    char why[HEARTH_BK_ERR_LEN] = {0};
    if (gpu->probe(dev, 4, why) <= 0) {
        std::printf("SKIP %s: %s\n", backend.c_str(), why);
        return 0;
    }
    // Small shapes: every format, both RoPE styles, biases, GQA.
    const Shape tiny_llama = {"tiny-llama", 256, 4, 768, 8, 2, 32, 4096, false, false};
    const Shape tiny_qwen = {"tiny-qwen2", 512, 4, 1024, 4, 2, 128, 8192, true, true};
    const Shape qwen05 = {"qwen2-0.5B", 896, 24, 4864, 14, 2, 64, 151936, true, true};
    const Shape qwen15 = {"qwen2-1.5B", 1536, 28, 8960, 12, 2, 128, 151936, true, true};
    if (!bench_only) {
        for (const Mix & mix : kMixes) {
            parity(tiny_llama, mix, gpu, 37, 16);
            parity(tiny_qwen, mix, gpu, 21, 16);
        }
        if (!quick) {
            for (const char * name : {"Q4_K_M", "Q8_0", "Q4_0", "F16"}) {
                for (const Mix & mix : kMixes) if (std::string(mix.name) == name) parity(qwen05, mix, gpu, 24, 12);
            }
        }
    }
    if (!no_bench) {
        for (const Shape * sh : {&qwen05, &qwen15}) {
            for (const char * name : {"Q4_K_M", "Q8_0", "Q4_0", "F16"}) {
                for (const Mix & mix : kMixes) if (std::string(mix.name) == name) bench(*sh, mix, gpu, 512, 128);
            }
        }
    }
    std::printf("%s: %d failure(s)\n", g_failures ? "FAILED" : "OK", g_failures);
    return g_failures ? 1 : 0;
}
