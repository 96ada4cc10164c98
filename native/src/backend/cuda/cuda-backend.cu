// The CUDA backend's vtable: device probing, buffers, stages (one device
// allocation for a layer range's weights, norms and biases, plus activation
// scratch), per-session KV caches, the forward pass, and a CUDA graph for
// the single-token step (captured per KV cache on first use and replayed:
// positions come from device memory, so one graph serves every position).
//
// Linked against the static cudart (libcudart_static.a), which opens
// libcuda.so.1 itself at first use: the addon loads on machines with no
// driver, and probe() answers "CUDA driver not found" there.
#include <cuda_runtime.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include "backend/backend.h"
#include "backend/layer-ops.h"
#include "backend/cuda/cuda-kernels.h"

namespace {

using namespace hearth::cuda;

constexpr int64_t kMaxBatch = 512;      // tokens per device pass; larger batches loop
constexpr int64_t kMaxLogitRows = 64;   // rows per output-head pass
constexpr uint64_t kAlign = 256;

int status_of(cudaError_t e) {
    switch (e) {
        case cudaSuccess: return HEARTH_BK_OK;
        case cudaErrorMemoryAllocation: return HEARTH_BK_E_OOM;
        case cudaErrorNoDevice:
        case cudaErrorInsufficientDriver:
        case cudaErrorInitializationError: return HEARTH_BK_E_UNAVAILABLE;
        case cudaErrorLaunchFailure:
        case cudaErrorIllegalAddress:
        case cudaErrorECCUncorrectable:
        case cudaErrorDevicesUnavailable:
        case cudaErrorHardwareStackError:
        case cudaErrorLaunchTimeout: return HEARTH_BK_E_DEVICE_LOST;
        default: return HEARTH_BK_E_INTERNAL;
    }
}

int fail(char * err, cudaError_t e, const char * what) {
    if (err) std::snprintf(err, HEARTH_BK_ERR_LEN, "%s: %s (%s)", what, cudaGetErrorString(e), cudaGetErrorName(e));
    return status_of(e);
}

int fail_msg(char * err, int rc, const char * msg) {
    if (err) std::snprintf(err, HEARTH_BK_ERR_LEN, "%s", msg);
    return rc;
}

#define CU_TRY(call, what)                                  \
    do {                                                    \
        cudaError_t e_ = (call);                            \
        if (e_ != cudaSuccess) return fail(err, e_, what);  \
    } while (0)

uint64_t align_up(uint64_t v) { return (v + kAlign - 1) / kAlign * kAlign; }

uint64_t weight_bytes(const hearth_weight & w) {
    // Bytes per row from the block geometry of the supported formats.
    int64_t elems = 1, bytes = 4;
    switch (w.type) {
        case 0: elems = 1; bytes = 4; break;     // F32
        case 1: case 30: elems = 1; bytes = 2; break;  // F16, BF16
        case 2: elems = 32; bytes = 18; break;   // Q4_0
        case 8: elems = 32; bytes = 34; break;   // Q8_0
        case 12: elems = 256; bytes = 144; break;  // Q4_K
        case 14: elems = 256; bytes = 210; break;  // Q6_K
        default: return 0;
    }
    return (uint64_t)(w.cols / elems * bytes) * (uint64_t)w.rows;
}

struct DevWeight {
    const void * data = nullptr;
    int type = 0;
    int64_t rows = 0, cols = 0;
};

struct DevLayer {
    const float * attn_norm = nullptr, * ffn_norm = nullptr;
    const float * bq = nullptr, * bk = nullptr, * bv = nullptr;
    const float * q_norm = nullptr, * k_norm = nullptr;  // [head_dim] or null (QK-norm)
    DevWeight wq, wk, wv, wo, gate, up, down;
};

} // namespace

struct hearth_buffer {
    void * ptr = nullptr;
    uint64_t bytes = 0;
};

struct hearth_stage {
    int device = 0;
    hearth_decoder_desc d{};  // shape only (pointers cleared)
    int64_t layer_begin = 0, layer_end = 0;
    bool with_output = false;
    cudaStream_t stream = nullptr;
    uint8_t * weights = nullptr;      // every weight, norm and bias of the stage
    std::vector<DevLayer> layers;
    const float * output_norm = nullptr;
    DevWeight output;
    float * inv_freq = nullptr;       // [n_rot/2]
    // Scratch for kMaxBatch tokens.
    float * x = nullptr, * h = nullptr, * q = nullptr, * k = nullptr, * v = nullptr, * att = nullptr;
    float * gate = nullptr, * up = nullptr, * logits = nullptr;
    int * d_pos = nullptr;
    int * h_pos = nullptr;            // pinned
    float * h_x = nullptr;            // pinned [n_embd] for the graph step
    float * h_logits = nullptr;       // pinned [n_vocab] for the graph step
    uint64_t bytes = 0;
};

struct hearth_kv {
    hearth_stage * stage = nullptr;
    int64_t n_ctx = 0;
    uint16_t * data = nullptr;  // [n_layers][2][n_ctx][n_head_kv * head_dim]
    cudaGraphExec_t graph = nullptr;
    bool graph_logits = false;
    uint16_t * k(int64_t l) const { return data + (size_t)(l * 2) * (size_t)(n_ctx * row()); }
    uint16_t * v(int64_t l) const { return data + (size_t)(l * 2 + 1) * (size_t)(n_ctx * row()); }
    int64_t row() const { return stage->d.n_head_kv * stage->d.head_dim; }
};

namespace {

int cu_probe(hearth_device_info * out, int max, char * why) {
    int n = 0;
    cudaError_t e = cudaGetDeviceCount(&n);
    if (e == cudaErrorInsufficientDriver) {
        int drv = 0, rt = 0;
        cudaDriverGetVersion(&drv);
        cudaRuntimeGetVersion(&rt);
        if (drv == 0) std::snprintf(why, HEARTH_BK_ERR_LEN, "CUDA driver not found (libcuda.so.1)");
        else std::snprintf(why, HEARTH_BK_ERR_LEN, "CUDA driver %d.%d is older than runtime %d.%d needs", drv / 1000,
                           drv % 1000 / 10, rt / 1000, rt % 1000 / 10);
        return -1;
    }
    if (e == cudaErrorNoDevice || (e == cudaSuccess && n == 0)) {
        std::snprintf(why, HEARTH_BK_ERR_LEN, "no CUDA device");
        return -1;
    }
    if (e != cudaSuccess) {
        std::snprintf(why, HEARTH_BK_ERR_LEN, "no CUDA device (%s)", cudaGetErrorName(e));
        return -1;
    }
    int drv = 0;
    cudaDriverGetVersion(&drv);
    for (int i = 0; i < n && i < max; ++i) {
        cudaDeviceProp p{};
        hearth_device_info & o = out[i];
        std::memset(&o, 0, sizeof o);
        if (cudaGetDeviceProperties(&p, i) != cudaSuccess) continue;
        std::snprintf(o.name, sizeof o.name, "%s", p.name);
        o.type = p.integrated ? HEARTH_DEVICE_GPU_INTEGRATED : HEARTH_DEVICE_GPU_DISCRETE;
        o.total_memory = p.totalGlobalMem;
        size_t fr = 0, tot = 0;
        if (cudaSetDevice(i) == cudaSuccess && cudaMemGetInfo(&fr, &tot) == cudaSuccess) o.free_memory = fr;
        std::snprintf(o.detail, sizeof o.detail, "sm_%d%d, driver %d.%d", p.major, p.minor, drv / 1000, drv % 1000 / 10);
    }
    return n;
}

int cu_supports(int, int op, int type) {
    if (op == HEARTH_OP_MATMUL) return matmul_supports(type) ? 1 : 0;
    if (op == HEARTH_OP_GET_ROW) return 0;  // embeddings are looked up on the host
    // The llama block's ops and QK-norm; the later features have no kernels
    // yet, so layers that use them stay on the CPU (backend/layer-ops.h).
    return op <= HEARTH_OP_HEAD_RMS_NORM ? 1 : 0;
}

int cu_buffer_alloc(int device, uint64_t bytes, hearth_buffer ** out, char * err) {
    CU_TRY(cudaSetDevice(device), "cudaSetDevice");
    auto * b = new (std::nothrow) hearth_buffer;
    if (!b) return fail_msg(err, HEARTH_BK_E_OOM, "out of host memory");
    cudaError_t e = cudaMalloc(&b->ptr, bytes ? bytes : 1);
    if (e != cudaSuccess) {
        delete b;
        return fail(err, e, "cudaMalloc");
    }
    b->bytes = bytes;
    *out = b;
    return HEARTH_BK_OK;
}

int cu_buffer_upload(hearth_buffer * b, uint64_t off, const void * src, uint64_t n, char * err) {
    if (off + n > b->bytes) return fail_msg(err, HEARTH_BK_E_INTERNAL, "upload past the buffer's end");
    CU_TRY(cudaMemcpy(static_cast<uint8_t *>(b->ptr) + off, src, n, cudaMemcpyHostToDevice), "upload");
    return HEARTH_BK_OK;
}

int cu_buffer_download(hearth_buffer * b, uint64_t off, void * dst, uint64_t n, char * err) {
    if (off + n > b->bytes) return fail_msg(err, HEARTH_BK_E_INTERNAL, "download past the buffer's end");
    CU_TRY(cudaMemcpy(dst, static_cast<const uint8_t *>(b->ptr) + off, n, cudaMemcpyDeviceToHost), "download");
    return HEARTH_BK_OK;
}

void cu_buffer_free(hearth_buffer * b) {
    if (!b) return;
    cudaFree(b->ptr);
    delete b;
}

void stage_free(hearth_stage * st) {
    if (!st) return;
    cudaSetDevice(st->device);
    if (st->stream) cudaStreamSynchronize(st->stream);
    cudaFree(st->weights);
    cudaFree(st->inv_freq);
    for (float * p : {st->x, st->h, st->q, st->k, st->v, st->att, st->gate, st->up, st->logits}) cudaFree(p);
    cudaFree(st->d_pos);
    cudaFreeHost(st->h_pos);
    cudaFreeHost(st->h_x);
    cudaFreeHost(st->h_logits);
    if (st->stream) cudaStreamDestroy(st->stream);
    delete st;
}

int stage_create_impl(int device, const hearth_decoder_desc * desc, int64_t begin, int64_t end, int with_output,
                      hearth_stage ** out, uint64_t * device_bytes, char * err) {
    const hearth_decoder_desc & d = *desc;
    if (begin < 0 || end > d.n_layer || begin > end) return fail_msg(err, HEARTH_BK_E_INTERNAL, "bad layer range");
    if (d.head_dim % 32 != 0 || d.head_dim > 256 || d.n_rot % 2 != 0 || d.n_rot > d.head_dim ||
        d.n_head % d.n_head_kv != 0 || d.n_embd % 8 != 0 || d.n_ff % 8 != 0) {
        return fail_msg(err, HEARTH_BK_E_UNSUPPORTED, "model shape not handled (head_dim must be a multiple of 32, <= 256)");
    }
    auto runs = [device](int op) { return cu_supports(device, op, 0) != 0; };
    for (int64_t il = begin; il < end; ++il) {
        if (const int op = hearth_missing_op(&d, &d.layers[il], runs); op >= 0) {
            char msg[128];
            std::snprintf(msg, sizeof msg, "layer %lld has %s, which is not handled yet", (long long)il, hearth_op_name(op));
            return fail_msg(err, HEARTH_BK_E_UNSUPPORTED, msg);
        }
    }
    // Plan one allocation: each piece aligned, in upload order.
    struct Piece { const void * src; uint64_t bytes; uint64_t off; };
    std::vector<Piece> pieces;
    uint64_t total = 0;
    auto add = [&](const void * src, uint64_t bytes) -> int64_t {
        if (!src) return -1;
        pieces.push_back({src, bytes, total});
        total = align_up(total + bytes);
        return (int64_t)pieces.size() - 1;
    };
    const uint64_t E4 = (uint64_t)d.n_embd * 4, Q4 = (uint64_t)(d.n_head * d.head_dim) * 4,
                   KV4 = (uint64_t)(d.n_head_kv * d.head_dim) * 4;
    struct LayerIdx { int64_t an, fn, bq, bk, bv, qn, kn, w[7]; };
    const uint64_t D4 = (uint64_t)d.head_dim * 4;
    std::vector<LayerIdx> idx((size_t)(end - begin));
    for (int64_t il = begin; il < end; ++il) {
        const hearth_layer_desc & L = d.layers[il];
        LayerIdx & x = idx[(size_t)(il - begin)];
        x.an = add(L.attn_norm, E4);
        x.fn = add(L.ffn_norm, E4);
        x.bq = add(L.bq, Q4);
        x.bk = add(L.bk, KV4);
        x.bv = add(L.bv, KV4);
        x.qn = add(L.q_norm, D4);
        x.kn = add(L.k_norm, D4);
        const hearth_weight * ws[7] = {&L.wq, &L.wk, &L.wv, &L.wo, &L.ffn_gate, &L.ffn_up, &L.ffn_down};
        for (int i = 0; i < 7; ++i) {
            if (!matmul_supports(ws[i]->type)) return fail_msg(err, HEARTH_BK_E_UNSUPPORTED, "weight format not handled");
            x.w[i] = add(ws[i]->data, weight_bytes(*ws[i]));
        }
    }
    int64_t on = -1, ow = -1;
    if (with_output) {
        if (!matmul_supports(d.output.type)) return fail_msg(err, HEARTH_BK_E_UNSUPPORTED, "output format not handled");
        if (const int op = hearth_missing_op(&d, nullptr, runs); op >= 0) return fail_msg(err, HEARTH_BK_E_UNSUPPORTED, hearth_op_name(op));
        on = add(d.output_norm, E4);
        ow = add(d.output.data, weight_bytes(d.output));
    }

    CU_TRY(cudaSetDevice(device), "cudaSetDevice");
    auto * st = new (std::nothrow) hearth_stage;
    if (!st) return fail_msg(err, HEARTH_BK_E_OOM, "out of host memory");
    std::unique_ptr<hearth_stage, void (*)(hearth_stage *)> guard(st, stage_free);
    st->device = device;
    st->d = d;
    st->d.layers = nullptr;
    st->d.rope_freqs = nullptr;
    st->d.output_norm = nullptr;
    st->layer_begin = begin;
    st->layer_end = end;
    st->with_output = with_output != 0;
    CU_TRY(cudaStreamCreateWithFlags(&st->stream, cudaStreamNonBlocking), "cudaStreamCreate");
    CU_TRY(cudaMalloc(&st->weights, total ? total : 1), "weights");
    for (const Piece & p : pieces) {
        CU_TRY(cudaMemcpy(st->weights + p.off, p.src, p.bytes, cudaMemcpyHostToDevice), "weight upload");
    }
    auto dev = [&](int64_t i) -> const void * { return i < 0 ? nullptr : st->weights + pieces[(size_t)i].off; };
    auto devw = [&](int64_t i, const hearth_weight & w) {
        DevWeight o;
        o.data = dev(i);
        o.type = w.type;
        o.rows = w.rows;
        o.cols = w.cols;
        return o;
    };
    for (int64_t il = begin; il < end; ++il) {
        const hearth_layer_desc & L = d.layers[il];
        const LayerIdx & x = idx[(size_t)(il - begin)];
        DevLayer o;
        o.attn_norm = (const float *)dev(x.an);
        o.ffn_norm = (const float *)dev(x.fn);
        o.bq = (const float *)dev(x.bq);
        o.bk = (const float *)dev(x.bk);
        o.bv = (const float *)dev(x.bv);
        o.q_norm = (const float *)dev(x.qn);
        o.k_norm = (const float *)dev(x.kn);
        o.wq = devw(x.w[0], L.wq);
        o.wk = devw(x.w[1], L.wk);
        o.wv = devw(x.w[2], L.wv);
        o.wo = devw(x.w[3], L.wo);
        o.gate = devw(x.w[4], L.ffn_gate);
        o.up = devw(x.w[5], L.ffn_up);
        o.down = devw(x.w[6], L.ffn_down);
        st->layers.push_back(o);
    }
    if (with_output) {
        st->output_norm = (const float *)dev(on);
        st->output = devw(ow, d.output);
    }

    // theta_i = pos * inv_freq[i], computed in double here once.
    const int half = (int)(d.n_rot / 2);
    std::vector<float> inv((size_t)(half > 0 ? half : 1), 0.0f);
    for (int i = 0; i < half; ++i) {
        double f = (double)d.rope_freq_scale * std::pow((double)d.rope_freq_base, -2.0 * i / (double)d.n_rot);
        if (desc->rope_freqs) f /= desc->rope_freqs[i];
        inv[(size_t)i] = (float)f;
    }
    CU_TRY(cudaMalloc(&st->inv_freq, inv.size() * 4), "inv_freq");
    CU_TRY(cudaMemcpy(st->inv_freq, inv.data(), inv.size() * 4, cudaMemcpyHostToDevice), "inv_freq upload");

    const int64_t B = kMaxBatch, E = d.n_embd, Q = d.n_head * d.head_dim, KV = d.n_head_kv * d.head_dim, F = d.n_ff;
    uint64_t scratch = 0;
    auto scratch_alloc = [&](float ** p, int64_t elems) -> cudaError_t {
        scratch += (uint64_t)elems * 4;
        return cudaMalloc(p, (size_t)elems * 4);
    };
    CU_TRY(scratch_alloc(&st->x, B * E), "scratch");
    CU_TRY(scratch_alloc(&st->h, B * (E > Q ? E : Q)), "scratch");
    CU_TRY(scratch_alloc(&st->q, B * Q), "scratch");
    CU_TRY(scratch_alloc(&st->k, B * KV), "scratch");
    CU_TRY(scratch_alloc(&st->v, B * KV), "scratch");
    CU_TRY(scratch_alloc(&st->att, B * Q), "scratch");
    CU_TRY(scratch_alloc(&st->gate, B * F), "scratch");
    CU_TRY(scratch_alloc(&st->up, B * F), "scratch");
    if (with_output) CU_TRY(scratch_alloc(&st->logits, kMaxLogitRows * d.n_vocab), "logits");
    CU_TRY(cudaMalloc(&st->d_pos, sizeof(int)), "pos");
    CU_TRY(cudaMallocHost(&st->h_pos, sizeof(int)), "pinned pos");
    CU_TRY(cudaMallocHost(&st->h_x, (size_t)E * 4), "pinned x");
    if (with_output) CU_TRY(cudaMallocHost(&st->h_logits, (size_t)d.n_vocab * 4), "pinned logits");
    st->bytes = total + scratch + inv.size() * 4;
    if (device_bytes) *device_bytes = st->bytes;
    *out = guard.release();
    return HEARTH_BK_OK;
}

// No C++ exception may cross the vtable: host allocations failing become OOM.
int cu_stage_create(int device, const hearth_decoder_desc * desc, int64_t begin, int64_t end, int with_output,
                    hearth_stage ** out, uint64_t * device_bytes, char * err) {
    try {
        return stage_create_impl(device, desc, begin, end, with_output, out, device_bytes, err);
    } catch (...) {
        return fail_msg(err, HEARTH_BK_E_OOM, "out of host memory while creating the stage");
    }
}

void cu_stage_destroy(hearth_stage * st) { stage_free(st); }

int cu_kv_create(hearth_stage * st, int64_t n_ctx, hearth_kv ** out, char * err) {
    if (n_ctx <= 0) return fail_msg(err, HEARTH_BK_E_INTERNAL, "KV cache needs a positive context");
    CU_TRY(cudaSetDevice(st->device), "cudaSetDevice");
    std::unique_ptr<hearth_kv> kv(new (std::nothrow) hearth_kv);
    if (!kv) return fail_msg(err, HEARTH_BK_E_OOM, "out of host memory");
    kv->stage = st;
    kv->n_ctx = n_ctx;
    const size_t bytes = (size_t)((st->layer_end - st->layer_begin) * 2 * n_ctx * kv->row()) * 2;
    CU_TRY(cudaMalloc(&kv->data, bytes ? bytes : 2), "KV cache");
    CU_TRY(cudaMemsetAsync(kv->data, 0, bytes, st->stream), "KV clear");
    *out = kv.release();
    return HEARTH_BK_OK;
}

void cu_kv_destroy(hearth_kv * kv) {
    if (!kv) return;
    cudaSetDevice(kv->stage->device);
    cudaStreamSynchronize(kv->stage->stream);
    if (kv->graph) cudaGraphExecDestroy(kv->graph);
    cudaFree(kv->data);
    delete kv;
}

RopeParams rope_params(const hearth_stage * st) {
    RopeParams p;
    p.n_head = (int)st->d.n_head;
    p.n_head_kv = (int)st->d.n_head_kv;
    p.head_dim = (int)st->d.head_dim;
    p.n_rot = (int)st->d.n_rot;
    p.neox = st->d.rope_neox;
    p.inv_freq = st->inv_freq;
    return p;
}

int cu_kv_shift(hearth_kv * kv, int64_t src, int64_t dst, int64_t n, char * err) {
    if (src < 0 || dst < 0 || n < 0 || src + n > kv->n_ctx || dst + n > kv->n_ctx) {
        return fail_msg(err, HEARTH_BK_E_INTERNAL, "kv_shift range outside the cache");
    }
    if (n == 0) return HEARTH_BK_OK;
    hearth_stage * st = kv->stage;
    CU_TRY(cudaSetDevice(st->device), "cudaSetDevice");
    uint16_t * tmp = nullptr;
    CU_TRY(cudaMalloc(&tmp, (size_t)(2 * n * kv->row()) * 2), "shift buffer");
    const RopeParams rp = rope_params(st);
    for (int64_t l = 0; l < st->layer_end - st->layer_begin; ++l) {
        kv_shift_layer(st->stream, rp, kv->k(l), kv->v(l), tmp, src, dst, n);
    }
    cudaError_t e = cudaStreamSynchronize(st->stream);
    cudaFree(tmp);
    if (e != cudaSuccess) return fail(err, e, "kv_shift");
    return HEARTH_BK_OK;
}

// Queues the stage's layers on st->x[n] (already on the device, positions
// from st->d_pos), and the head on the last logits_rows rows into st->logits.
void enqueue_forward(hearth_stage * st, hearth_kv * kv, int64_t n, int64_t logits_rows) {
    const hearth_decoder_desc & d = st->d;
    cudaStream_t s = st->stream;
    const int64_t E = d.n_embd, Q = d.n_head * d.head_dim, KV = d.n_head_kv * d.head_dim, F = d.n_ff;
    const RopeParams rp = rope_params(st);
    const float scale = 1.0f / std::sqrt((float)d.head_dim);
    for (size_t l = 0; l < st->layers.size(); ++l) {
        const DevLayer & L = st->layers[l];
        rms_norm(s, st->x, L.attn_norm, st->h, n, E, d.norm_eps);
        matmul(s, L.wq.type, L.wq.data, Q, E, st->h, n, st->q, false);
        matmul(s, L.wk.type, L.wk.data, KV, E, st->h, n, st->k, false);
        matmul(s, L.wv.type, L.wv.data, KV, E, st->h, n, st->v, false);
        if (L.bq) add_bias(s, st->q, L.bq, n, Q);
        if (L.bk) add_bias(s, st->k, L.bk, n, KV);
        if (L.bv) add_bias(s, st->v, L.bv, n, KV);
        // QK-norm: each head a row of head_dim. The norm kernel's input and
        // output are __restrict__, so it writes to att (free until attention) and copies back.
        if (L.q_norm) {
            rms_norm(s, st->q, L.q_norm, st->att, n * d.n_head, d.head_dim, d.norm_eps);
            cudaMemcpyAsync(st->q, st->att, (size_t)(n * Q) * sizeof(float), cudaMemcpyDeviceToDevice, s);
        }
        if (L.k_norm) {
            rms_norm(s, st->k, L.k_norm, st->att, n * d.n_head_kv, d.head_dim, d.norm_eps);
            cudaMemcpyAsync(st->k, st->att, (size_t)(n * KV) * sizeof(float), cudaMemcpyDeviceToDevice, s);
        }
        rope_store_kv(s, rp, st->q, st->k, st->v, kv->k((int64_t)l), kv->v((int64_t)l), n, st->d_pos);
        attention(s, st->q, kv->k((int64_t)l), kv->v((int64_t)l), st->att, n, (int)d.n_head, (int)d.n_head_kv,
                  (int)d.head_dim, scale, st->d_pos);
        matmul(s, L.wo.type, L.wo.data, E, Q, st->att, n, st->x, true);
        rms_norm(s, st->x, L.ffn_norm, st->h, n, E, d.norm_eps);
        matmul(s, L.gate.type, L.gate.data, F, E, st->h, n, st->gate, false);
        matmul(s, L.up.type, L.up.data, F, E, st->h, n, st->up, false);
        swiglu(s, st->gate, st->up, st->gate, n * F);
        matmul(s, L.down.type, L.down.data, E, F, st->gate, n, st->x, true);
    }
    if (logits_rows > 0) {
        rms_norm(s, st->x + (n - logits_rows) * E, st->output_norm, st->h, logits_rows, E, d.norm_eps);
        matmul(s, st->output.type, st->output.data, d.n_vocab, E, st->h, logits_rows, st->logits, false);
    }
}

// The single-token step as a graph: pinned x in, layers, head, pinned logits out.
int run_graph_step(hearth_stage * st, hearth_kv * kv, bool want_logits, char * err) {
    cudaStream_t s = st->stream;
    if (kv->graph && kv->graph_logits != want_logits) {
        cudaGraphExecDestroy(kv->graph);
        kv->graph = nullptr;
    }
    if (!kv->graph) {
        cudaGraph_t g = nullptr;
        CU_TRY(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal), "graph capture");
        cudaMemcpyAsync(st->d_pos, st->h_pos, sizeof(int), cudaMemcpyHostToDevice, s);
        cudaMemcpyAsync(st->x, st->h_x, (size_t)st->d.n_embd * 4, cudaMemcpyHostToDevice, s);
        enqueue_forward(st, kv, 1, want_logits ? 1 : 0);
        if (want_logits) cudaMemcpyAsync(st->h_logits, st->logits, (size_t)st->d.n_vocab * 4, cudaMemcpyDeviceToHost, s);
        else cudaMemcpyAsync(st->h_x, st->x, (size_t)st->d.n_embd * 4, cudaMemcpyDeviceToHost, s);
        CU_TRY(cudaStreamEndCapture(s, &g), "graph capture end");
        cudaError_t e = cudaGraphInstantiate(&kv->graph, g, 0);
        cudaGraphDestroy(g);
        if (e != cudaSuccess) {
            kv->graph = nullptr;
            return fail(err, e, "graph instantiate");
        }
        kv->graph_logits = want_logits;
    }
    CU_TRY(cudaGraphLaunch(kv->graph, s), "graph launch");
    return HEARTH_BK_OK;
}

int cu_stage_forward(hearth_stage * st, hearth_kv * kv, float * x, int64_t n, int64_t pos0, float * logits,
                     int64_t logits_rows, char * err) {
    if (n <= 0 || pos0 < 0 || pos0 + n > kv->n_ctx) return fail_msg(err, HEARTH_BK_E_INTERNAL, "forward past the KV cache");
    if (logits_rows > 0 && (!st->with_output || logits_rows > n)) {
        return fail_msg(err, HEARTH_BK_E_INTERNAL, "logits asked of a stage without the output head");
    }
    CU_TRY(cudaSetDevice(st->device), "cudaSetDevice");
    cudaStream_t s = st->stream;
    const int64_t E = st->d.n_embd, V = st->d.n_vocab;
    static const bool no_graphs = std::getenv("HEARTH_CUDA_NO_GRAPHS") != nullptr;

    if (n == 1 && !no_graphs) {
        *st->h_pos = (int)pos0;
        std::memcpy(st->h_x, x, (size_t)E * 4);
        int rc = run_graph_step(st, kv, logits_rows > 0, err);
        if (rc != HEARTH_BK_OK) return rc;
        CU_TRY(cudaStreamSynchronize(s), "forward");
        if (logits_rows > 0) std::memcpy(logits, st->h_logits, (size_t)V * 4);
        else std::memcpy(x, st->h_x, (size_t)E * 4);
        return HEARTH_BK_OK;
    }

    // Batches: kMaxBatch tokens per pass; the head runs on the wanted rows of the last pass.
    for (int64_t t0 = 0; t0 < n; t0 += kMaxBatch) {
        const int64_t nb = n - t0 < kMaxBatch ? n - t0 : kMaxBatch;
        const int64_t first_logit = n - logits_rows;  // absolute row index
        const int64_t rows_here = logits_rows > 0 && t0 + nb > first_logit ? t0 + nb - (first_logit > t0 ? first_logit : t0) : 0;
        *st->h_pos = (int)(pos0 + t0);
        CU_TRY(cudaMemcpyAsync(st->d_pos, st->h_pos, sizeof(int), cudaMemcpyHostToDevice, s), "pos upload");
        CU_TRY(cudaMemcpyAsync(st->x, x + t0 * E, (size_t)(nb * E) * 4, cudaMemcpyHostToDevice, s), "x upload");
        enqueue_forward(st, kv, nb, 0);
        CU_TRY(cudaGetLastError(), "kernel launch");
        for (int64_t r0 = 0; r0 < rows_here; r0 += kMaxLogitRows) {
            const int64_t rr = rows_here - r0 < kMaxLogitRows ? rows_here - r0 : kMaxLogitRows;
            const int64_t local = nb - rows_here + r0;  // row inside this pass
            rms_norm(s, st->x + local * E, st->output_norm, st->h, rr, E, st->d.norm_eps);
            matmul(s, st->output.type, st->output.data, V, E, st->h, rr, st->logits, false);
            const int64_t out_row = t0 + local - first_logit;
            CU_TRY(cudaMemcpyAsync(logits + out_row * V, st->logits, (size_t)(rr * V) * 4, cudaMemcpyDeviceToHost, s),
                   "logits download");
        }
        if (logits_rows == 0) {
            CU_TRY(cudaMemcpyAsync(x + t0 * E, st->x, (size_t)(nb * E) * 4, cudaMemcpyDeviceToHost, s), "x download");
        }
        CU_TRY(cudaStreamSynchronize(s), "forward");
    }
    return HEARTH_BK_OK;
}

int cu_synchronize(int device, char * err) {
    CU_TRY(cudaSetDevice(device), "cudaSetDevice");
    CU_TRY(cudaDeviceSynchronize(), "synchronize");
    return HEARTH_BK_OK;
}

const hearth_backend kCudaBackend = {
    /* .name            = */ "cuda",
    /* .probe           = */ cu_probe,
    /* .supports        = */ cu_supports,
    /* .buffer_alloc    = */ cu_buffer_alloc,
    /* .buffer_upload   = */ cu_buffer_upload,
    /* .buffer_download = */ cu_buffer_download,
    /* .buffer_free     = */ cu_buffer_free,
    /* .stage_create    = */ cu_stage_create,
    /* .stage_destroy   = */ cu_stage_destroy,
    /* .kv_create       = */ cu_kv_create,
    /* .kv_destroy      = */ cu_kv_destroy,
    /* .kv_shift        = */ cu_kv_shift,
    /* .stage_forward   = */ cu_stage_forward,
    /* .synchronize     = */ cu_synchronize,
};

} // namespace

// The entry point hearth.node looks up after opening this library (cuda-loader.cpp).
extern "C" __attribute__((visibility("default"))) const hearth_backend * hearth_cuda_module_backend() { return &kCudaBackend; }
