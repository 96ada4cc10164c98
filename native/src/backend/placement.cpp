#include "backend/placement.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>
#include <cstdio>
#include <cstdlib>

#include "backend/cpu/decoder-layer.h"
#include "backend/layer-ops.h"
#include "backend/registry.h"
#include "common/status.h"
#include "cpu/cpu-ops.h"
#include "cpu/thread-pool.h"
#include "tensor/ggml-type.h"

namespace hearth {

namespace {

uint64_t weight_bytes(const hearth_weight & w) {
    const GgmlTypeInfo * t = ggml_type_info((uint32_t)w.type);
    return t ? ggml_row_bytes(*t, (uint64_t)w.cols) * (uint64_t)w.rows : 0;
}

uint64_t layer_bytes(const hearth_decoder_desc & d, const hearth_layer_desc & L, int64_t n_ctx) {
    const uint64_t vec = (uint64_t)d.n_embd * 4 * 2 + (uint64_t)(d.n_head + 2 * d.n_head_kv) * d.head_dim * 4;
    const uint64_t kv = 2ull * (uint64_t)n_ctx * (uint64_t)(d.n_head_kv * d.head_dim) * 2;
    // A device runs a mixture of experts with every expert uploaded (any may be picked): most of such a layer's bytes.
    const uint64_t experts = weight_bytes(L.ffn_router) + weight_bytes(L.ffn_gate_exps.all) +
                             weight_bytes(L.ffn_up_exps.all) + weight_bytes(L.ffn_down_exps.all);
    return weight_bytes(L.wq) + weight_bytes(L.wk) + weight_bytes(L.wv) + weight_bytes(L.wo) +
           weight_bytes(L.ffn_gate) + weight_bytes(L.ffn_up) + weight_bytes(L.ffn_down) + experts + vec + kv;
}

// "" when the backend runs every op and weight format of the layer, else what it lacks.
std::string layer_unsupported(const hearth_backend * b, int dev, const hearth_decoder_desc & d, const hearth_layer_desc & L) {
    for (const hearth_weight * w : {&L.wq, &L.wk, &L.wv, &L.wo, &L.ffn_gate, &L.ffn_up, &L.ffn_down}) {
        if (w->data && !b->supports(dev, HEARTH_OP_MATMUL, w->type)) return "a weight format it cannot run";
    }
    // The router and experts are matmuls too, where the backend runs the mixture of experts at all.
    if (L.ffn_router.data && b->supports(dev, HEARTH_OP_MOE, 0)) {
        for (const hearth_weight * w : {&L.ffn_router, &L.ffn_gate_exps.all, &L.ffn_up_exps.all, &L.ffn_down_exps.all}) {
            if (!b->supports(dev, HEARTH_OP_MATMUL, w->type)) {
                const GgmlTypeInfo * t = ggml_type_info((uint32_t)w->type);
                return std::string("experts in a weight format it cannot run (") + (t ? t->name : "unknown") + ")";
            }
        }
    }
    int ops[HEARTH_OP_COUNT];
    const int n = hearth_layer_ops(&d, &L, ops);
    std::string lacks;  // every op it lacks: "QK-norm and a mixture-of-experts FFN"
    for (int i = 0; i < n; ++i) {
        if (!b->supports(dev, ops[i], 0)) lacks += std::string(lacks.empty() ? "" : " and ") + hearth_op_name(ops[i]);
    }
    return lacks.empty() ? "" : lacks + ", which it does not run yet";
}

// Whether the backend runs the output norm and head.
bool head_supported(const hearth_backend * b, int dev, const hearth_decoder_desc & d) {
    if (!b->supports(dev, HEARTH_OP_MATMUL, d.output.type)) return false;
    int ops[HEARTH_OP_COUNT];
    const int n = hearth_head_ops(&d, ops);
    for (int i = 0; i < n; ++i) {
        if (!b->supports(dev, ops[i], 0)) return false;
    }
    return true;
}

std::string mib(uint64_t b) { return std::to_string(b >> 20) + " MiB"; }

// Load-time self-check of a backend on this device: a temporary stage of the
// first (up to) two offloaded layers runs two tokens and then one more (the
// batch path and the single-token path); the decoder's CPU layer code runs
// the same from the same pseudo-random hidden states. Two layers keep the
// check to milliseconds on big models; the head's format is usually among
// the layers' formats (Q6_K in Q4_K_M). A backend whose kernels are wrong on
// this device (a driver bug, an untested GPU) then leaves the model on the
// CPU with a reason instead of producing garbage. Returns "" when it agrees, else what differed.
std::string stage_self_check(const hearth_backend * b, const hearth_decoder_desc & d, int64_t begin) {
    const int64_t end = std::min<int64_t>(begin + 2, d.n_layer);
    hearth_stage * stage = nullptr;
    hearth_kv * kv_dev = nullptr;
    char err[HEARTH_BK_ERR_LEN] = {0};
    std::string out;
    const int64_t E = d.n_embd, n0 = 2, n = n0 + 1;
    std::vector<float> x((size_t)(n * E));  // hidden states [3][E]
    uint32_t s = 12345;
    for (float & v : x) {
        s = s * 1664525u + 1013904223u;
        v = ((float)(s >> 8) / 16777216.0f - 0.5f) * 2.0f;
    }
    std::vector<float> xd = x, xr = x;
    auto run_device = [&]() -> bool {
        return b->stage_forward(stage, kv_dev, xd.data(), n0, 0, nullptr, 0, err) == 0 &&
               b->stage_forward(stage, kv_dev, xd.data() + n0 * E, 1, n0, nullptr, 0, err) == 0;
    };
    // The reference: the decoder's own CPU layer code, all three tokens at once.
    auto run_reference = [&]() {
        ThreadPool pool(0);
        CpuContext ctx;
        ctx.kernels = cpu_kernels_best();
        ctx.pool = &pool;
        DecoderScratch scratch;
        const int64_t row = d.n_head_kv * d.head_dim;
        std::vector<uint16_t> kc((size_t)(n * row)), vc((size_t)(n * row));
        for (int64_t il = begin; il < end; ++il) {
            decoder_layer_cpu(ctx, d, d.layers[il], xr.data(), n, 0, kc.data(), vc.data(), scratch);
        }
    };
    if (b->stage_create(0, &d, begin, end, 0, &stage, nullptr, err)) {
        out = std::string("stage: ") + err;
    } else if (b->kv_create(stage, 8, &kv_dev, err)) {
        out = std::string("KV cache: ") + err;
    } else if (!run_device()) {
        out = std::string("forward: ") + err;
    } else {
        run_reference();
        double num = 0, den = 0;
        bool finite = true;
        for (size_t i = 0; i < xd.size(); ++i) {
            if (!std::isfinite(xd[i])) finite = false;
            num += ((double)xd[i] - xr[i]) * ((double)xd[i] - xr[i]);
            den += (double)xr[i] * xr[i];
        }
        const double rel = std::sqrt(num / (den > 0 ? den : 1));
        // Quantized weights: the CPU's Q8 activations alone give ~1e-2.
        if (!finite || rel > 0.1) {
            char buf[128];
            std::snprintf(buf, sizeof buf, "self-check against the CPU failed (relative error %.3g%s)", rel,
                          finite ? "" : ", non-finite values");
            out = buf;
        }
    }
    if (kv_dev) b->kv_destroy(kv_dev);
    if (stage) b->stage_destroy(stage);
    return out;
}

} // namespace

int64_t placement_parse_gpu_layers(const std::string & s) {
    if (s == "auto") return GPU_LAYERS_AUTO;
    if (s == "all") return GPU_LAYERS_ALL;
    if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos) {
        throw_error(STATUS_E_INVALID_ARGUMENT, "gpuLayers must be 'auto', 'all' or a non-negative integer, got '%s'",
                    s.c_str());
    }
    return std::atoll(s.c_str());
}

uint64_t placement_stage_bytes(const hearth_decoder_desc & d, int64_t begin, int64_t end, bool with_output, int64_t n_ctx) {
    uint64_t total = 0;
    for (int64_t il = begin; il < end; ++il) total += layer_bytes(d, d.layers[il], n_ctx);
    if (with_output) total += weight_bytes(d.output) + (uint64_t)d.n_embd * 4;
    return total;
}

namespace {
bool has_real_gpu(const BackendProbe & bp) {
    for (const hearth_device_info & d : bp.devices) {
        if (d.type == HEARTH_DEVICE_GPU_DISCRETE || d.type == HEARTH_DEVICE_GPU_INTEGRATED) return true;
    }
    return false;
}
} // namespace

Placement placement_decide(const hearth_decoder_desc * desc, const PlacementRequest & req) {
    Placement p;
    const std::string & want = req.backend;
    if (want != "auto" && !backend_by_name(want)) {
        throw_error(STATUS_E_INVALID_ARGUMENT, "backend must be 'auto', 'cpu', 'cuda' or 'vulkan', got '%s'", want.c_str());
    }
    if (req.gpu_layers < GPU_LAYERS_ALL) throw_error(STATUS_E_INVALID_ARGUMENT, "gpuLayers %lld is negative", (long long)req.gpu_layers);

    // Pick the backend: the asked one, or the first with a device (CUDA, Vulkan, CPU).
    std::vector<BackendProbe> probes = backend_probe_all(want == "auto" ? "" : want);
    const BackendProbe * chosen = nullptr;
    for (const BackendProbe & bp : probes) {
        if (!bp.reason.empty()) p.reasons.push_back(bp.reason);
        if (chosen) continue;
        if (want != "auto") {
            if (bp.name == want) chosen = &bp;
            continue;
        }
        if (bp.devices.empty()) continue;
        // A GPU API device that computes on the CPU (Mesa's lavapipe) is slower
        // than our own CPU kernels: auto passes it by; asking for the backend by
        // name still uses it.
        if (bp.name != "cpu" && !has_real_gpu(bp)) {
            p.reasons.push_back(std::string(backend_display_name(bp.name)) + ": only CPU-emulated devices (" + bp.devices[0].name +
                                "); the CPU backend is faster, --backend " + bp.name + " uses them anyway");
            continue;
        }
        chosen = &bp;
    }
    if (!chosen) throw_error(STATUS_E_INTERNAL, "no backend chosen");  // the CPU always probes
    if (chosen->devices.empty()) {
        throw_error(STATUS_E_BACKEND_UNAVAILABLE, "%s", chosen->reason.c_str());
    }
    const hearth_device_info & dev = chosen->devices[0];
    p.backend_name = chosen->name;
    p.device_name = dev.name;
    const bool is_cpu = chosen->name == "cpu";
    if (!desc) {
        if (!is_cpu) p.reasons.push_back("this architecture runs on the CPU only");
        p.backend_name = "cpu";
        return p;
    }
    const int64_t L = desc->n_layer;

    // How many of the last layers; the CPU backend only stages layers when asked to by number.
    int64_t n_gpu;
    if (req.gpu_layers == GPU_LAYERS_ALL) n_gpu = L;
    else if (req.gpu_layers >= 0) n_gpu = std::min(req.gpu_layers, L);
    else if (is_cpu) n_gpu = 0;
    else {
        // Auto: fit layers (weights + KV) and then the head into free memory less a margin.
        const uint64_t free_b = dev.free_memory ? dev.free_memory : dev.total_memory;
        const uint64_t margin = std::max<uint64_t>(512ull << 20, free_b / 10);
        const uint64_t budget = free_b > margin ? free_b - margin : 0;
        uint64_t used = 0;
        n_gpu = 0;
        for (int64_t il = L - 1; il >= 0; --il) {
            const uint64_t b = layer_bytes(*desc, desc->layers[il], req.n_ctx);
            if (used + b > budget) break;
            used += b;
            ++n_gpu;
        }
        if (n_gpu < L) {
            p.reasons.push_back(std::string(backend_display_name(chosen->name)) + ": " + std::to_string(n_gpu) + " of " +
                                std::to_string(L) + " layers fit in " + mib(budget) + " free (after a margin)");
        }
    }
    // Layers with a weight format or an op the backend cannot run stay on the CPU (and all before them).
    int64_t begin = L - n_gpu;
    for (int64_t il = L - 1; il >= begin; --il) {
        const std::string lacks = layer_unsupported(chosen->backend, 0, *desc, desc->layers[il]);
        if (!lacks.empty()) {
            p.reasons.push_back(std::string(backend_display_name(chosen->name)) + ": layer " + std::to_string(il) +
                                " has " + lacks + "; layers up to it stay on the CPU");
            begin = il + 1;
            break;
        }
    }
    n_gpu = L - begin;
    if (n_gpu == 0) {
        p.backend_name = "cpu";
        p.device_name = is_cpu ? dev.name : "";
        if (!is_cpu) {
            for (const BackendProbe & bp : probes) if (bp.name == "cpu" && !bp.devices.empty()) p.device_name = bp.devices[0].name;
        }
        return p;
    }
    bool with_output = n_gpu == L && head_supported(chosen->backend, 0, *desc);
    if (with_output && !is_cpu && req.gpu_layers == GPU_LAYERS_AUTO) {
        const uint64_t free_b = dev.free_memory ? dev.free_memory : dev.total_memory;
        const uint64_t margin = std::max<uint64_t>(512ull << 20, free_b / 10);
        if (placement_stage_bytes(*desc, begin, L, true, req.n_ctx) + margin > free_b) with_output = false;
    }

    char err[HEARTH_BK_ERR_LEN] = {0};
    hearth_stage * stage = nullptr;
    uint64_t bytes = 0;
    int rc = chosen->backend->stage_create(0, desc, begin, L, with_output ? 1 : 0, &stage, &bytes, err);
    if (rc != HEARTH_BK_OK) {
        // Loading still succeeds: on the CPU, with the reason where info() shows it.
        p.reasons.push_back(std::string(backend_display_name(chosen->name)) + ": " + status_code_name(backend_status(rc)) +
                            ": " + err + "; running on the CPU");
        std::fprintf(stderr, "hearth: %s: %s; running on the CPU\n", backend_display_name(chosen->name), err);
        p.backend_name = "cpu";
        return p;
    }
    // HEARTH_SELF_CHECK=0 skips the check; =1 runs it on the CPU backend's stages too (tests).
    const char * sc = std::getenv("HEARTH_SELF_CHECK");
    const bool self_check = sc ? std::string(sc) != "0" : !is_cpu;
    if (self_check) {
        const std::string bad = stage_self_check(chosen->backend, *desc, begin);
        if (!bad.empty()) {
            chosen->backend->stage_destroy(stage);
            p.reasons.push_back(std::string(backend_display_name(chosen->name)) + ": " + bad + "; running on the CPU");
            std::fprintf(stderr, "hearth: %s: %s; running on the CPU\n", backend_display_name(chosen->name), bad.c_str());
            p.backend_name = "cpu";
            return p;
        }
    }
    p.backend = chosen->backend;
    p.device = 0;
    p.n_gpu_layers = n_gpu;
    p.with_output = with_output;
    p.stage = stage;
    p.device_bytes = bytes;
    return p;
}

} // namespace hearth
