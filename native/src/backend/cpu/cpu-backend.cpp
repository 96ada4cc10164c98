// The CPU as a backend: stages run the same decoder_layer_cpu() the decoder
// uses for the layers it keeps, on a thread pool of their own. It exists so
// that the stage path (placement, per-session device KV, kv_shift, runtime
// fallback) is exercised on machines without a GPU: `backend: 'cpu'` with a
// number of gpuLayers puts those layers in a CPU stage.
//
// Unlike a GPU backend, a CPU stage keeps pointers into desc (the mapping and
// the decoder's converted vectors) instead of copying: the Model owns both
// the decoder and its stages and destroys the stages first.
//
// HEARTH_TEST_STAGE_FAIL=<n> makes the n-th stage_forward (1-based, per
// process) fail with HEARTH_BK_E_DEVICE_LOST: tests use it to check the
// runtime fallback to the CPU path. HEARTH_TEST_STAGE_SKEW=1 makes stages
// of more than one layer return wrong results (the hidden state doubled):
// tests use it to check the load-time self-check (backend/placement.cpp).
#if defined(_WIN32)
#include <windows.h>
#else
#include <unistd.h>
#endif

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include "backend/registry.h"
#include "common/checked-size.h"
#include "cpu/cpu-ops.h"
#include "cpu/thread-pool.h"
#include "backend/cpu/decoder-layer.h"

struct hearth_buffer {
    std::vector<uint8_t> bytes;
};

struct hearth_stage {
    hearth_decoder_desc desc;
    std::vector<hearth_layer_desc> layers;  // [layer_begin, layer_end)
    int64_t layer_begin = 0, layer_end = 0;
    bool with_output = false;
    std::unique_ptr<hearth::ThreadPool> pool;
    hearth::CpuContext ctx;
    hearth::DecoderScratch scratch;
};

struct hearth_kv {
    hearth_stage * stage = nullptr;
    int64_t n_ctx = 0, row = 0;  // row: n_head_kv * head_dim
    std::vector<uint16_t> data;  // [n_layers][2][n_ctx][row]
    uint16_t * k(int64_t l) { return data.data() + (size_t)(l * 2) * (size_t)(n_ctx * row); }
    uint16_t * v(int64_t l) { return data.data() + (size_t)(l * 2 + 1) * (size_t)(n_ctx * row); }
};

namespace {

using namespace hearth;

std::atomic<long> g_forward_calls{0};

int say(char * err, int rc, const char * msg) {
    if (err) std::snprintf(err, HEARTH_BK_ERR_LEN, "%s", msg);
    return rc;
}

// Physical and available host memory in bytes (0 when unknown).
void host_memory(uint64_t * total, uint64_t * avail) {
#if defined(_WIN32)
    MEMORYSTATUSEX st;
    st.dwLength = sizeof st;
    const bool ok = GlobalMemoryStatusEx(&st) != 0;
    *total = ok ? (uint64_t)st.ullTotalPhys : 0;
    *avail = ok ? (uint64_t)st.ullAvailPhys : 0;
#else
    const long pages = sysconf(_SC_PHYS_PAGES), free_pages = sysconf(_SC_AVPHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    *total = pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : 0;
    *avail = free_pages > 0 && page > 0 ? (uint64_t)free_pages * (uint64_t)page : 0;
#endif
}

int cpu_probe(hearth_device_info * out, int max, char * why) {
    if (max > 0 && out) {
        hearth_device_info & d = out[0];
        std::memset(&d, 0, sizeof d);
        std::snprintf(d.name, sizeof d.name, "CPU (%d threads)", ThreadPool::physical_cores());
        d.type = HEARTH_DEVICE_CPU;
        host_memory(&d.total_memory, &d.free_memory);
        std::snprintf(d.detail, sizeof d.detail, "kernels %s", cpu_kernels_name(cpu_kernels_best()));
    }
    return 1;
}

int cpu_supports(int, int, int) { return 1; }

int cpu_buffer_alloc(int, uint64_t bytes, hearth_buffer ** out, char * err) {
    hearth_buffer * b = new (std::nothrow) hearth_buffer;
    if (!b) return say(err, HEARTH_BK_E_OOM, "out of host memory");
    try {
        b->bytes.resize(bytes);
    } catch (...) {
        delete b;
        return say(err, HEARTH_BK_E_OOM, "out of host memory");
    }
    *out = b;
    return HEARTH_BK_OK;
}

int cpu_buffer_upload(hearth_buffer * b, uint64_t off, const void * src, uint64_t n, char * err) {
    if (off + n > b->bytes.size()) return say(err, HEARTH_BK_E_INTERNAL, "upload past the buffer's end");
    std::memcpy(b->bytes.data() + off, src, n);
    return HEARTH_BK_OK;
}

int cpu_buffer_download(hearth_buffer * b, uint64_t off, void * dst, uint64_t n, char * err) {
    if (off + n > b->bytes.size()) return say(err, HEARTH_BK_E_INTERNAL, "download past the buffer's end");
    std::memcpy(dst, b->bytes.data() + off, n);
    return HEARTH_BK_OK;
}

void cpu_buffer_free(hearth_buffer * b) { delete b; }

int cpu_stage_create(int, const hearth_decoder_desc * desc, int64_t begin, int64_t end, int with_output,
                     hearth_stage ** out, uint64_t * device_bytes, char * err) {
    if (begin < 0 || end > desc->n_layer || begin > end) return say(err, HEARTH_BK_E_INTERNAL, "bad layer range");
    auto st = std::make_unique<hearth_stage>();
    st->desc = *desc;
    st->layers.assign(desc->layers + begin, desc->layers + end);
    st->desc.layers = nullptr;  // the stage's own copy is st->layers
    st->layer_begin = begin;
    st->layer_end = end;
    st->with_output = with_output != 0;
    st->pool = std::make_unique<ThreadPool>(0);
    st->ctx.kernels = cpu_kernels_best();
    st->ctx.pool = st->pool.get();
    if (device_bytes) *device_bytes = 0;  // nothing copied: the weights stay in the mapping
    *out = st.release();
    return HEARTH_BK_OK;
}

void cpu_stage_destroy(hearth_stage * st) { delete st; }

int cpu_kv_create(hearth_stage * st, int64_t n_ctx, hearth_kv ** out, char * err) {
    if (n_ctx <= 0) return say(err, HEARTH_BK_E_INTERNAL, "KV cache needs a positive context");
    auto kv = std::make_unique<hearth_kv>();
    kv->stage = st;
    kv->n_ctx = n_ctx;
    kv->row = st->desc.n_head_kv * st->desc.head_dim;
    try {
        // Checked: a product that wrapped would be a small cache written past.
        kv->data.assign(checked_size("stage KV cache", {st->layer_end - st->layer_begin, 2, n_ctx, kv->row},
                                     sizeof(kv->data[0])), 0);
    } catch (...) {
        return say(err, HEARTH_BK_E_OOM, "out of host memory for the KV cache");
    }
    *out = kv.release();
    return HEARTH_BK_OK;
}

void cpu_kv_destroy(hearth_kv * kv) { delete kv; }

int cpu_kv_shift(hearth_kv * kv, int64_t src, int64_t dst, int64_t n, char * err) {
    if (src < 0 || dst < 0 || src + n > kv->n_ctx || dst + n > kv->n_ctx) {
        return say(err, HEARTH_BK_E_INTERNAL, "kv_shift range outside the cache");
    }
    const hearth_stage & st = *kv->stage;
    const size_t row = (size_t)kv->row;
    std::vector<float> buf(row);
    for (int64_t l = 0; l < st.layer_end - st.layer_begin; ++l) {
        for (uint16_t * base : {kv->k(l), kv->v(l)}) {
            std::memmove(base + (size_t)dst * row, base + (size_t)src * row, (size_t)n * row * sizeof(uint16_t));
        }
        uint16_t * k = kv->k(l);
        for (int64_t p = dst; p < dst + n; ++p) {
            cpu_f16_to_f32(k + p * kv->row, buf.data(), kv->row);
            decoder_rope_shift_keys(st.desc, st.layers[(size_t)l], buf.data(), dst - src);
            cpu_f32_to_f16(buf.data(), k + p * kv->row, kv->row);
        }
    }
    return HEARTH_BK_OK;
}

int cpu_stage_forward(hearth_stage * st, hearth_kv * kv, float * x, int64_t n, int64_t pos0, float * logits,
                      int64_t logits_rows, char * err) {
    static const long fail_at = [] {
        const char * s = std::getenv("HEARTH_TEST_STAGE_FAIL");
        return s ? std::atol(s) : 0L;
    }();
    const long call = ++g_forward_calls;
    if (fail_at > 0 && call == fail_at) return say(err, HEARTH_BK_E_DEVICE_LOST, "simulated device loss (HEARTH_TEST_STAGE_FAIL)");
    if (pos0 < 0 || n <= 0 || pos0 + n > kv->n_ctx) return say(err, HEARTH_BK_E_INTERNAL, "forward past the KV cache");
    try {
        for (int64_t l = 0; l < st->layer_end - st->layer_begin; ++l) {
            decoder_layer_cpu(st->ctx, st->desc, st->layers[(size_t)l], x, n, pos0, kv->k(l), kv->v(l), st->scratch);
        }
        static const bool skew = std::getenv("HEARTH_TEST_STAGE_SKEW") != nullptr;
        if (skew && st->layer_end - st->layer_begin > 1) {
            for (int64_t i = 0; i < n * st->desc.n_embd; ++i) x[i] *= 2.0f;
        }
        if (logits && logits_rows > 0) {
            if (!st->with_output) return say(err, HEARTH_BK_E_INTERNAL, "stage has no output head");
            decoder_head_cpu(st->ctx, st->desc, x + (n - logits_rows) * st->desc.n_embd, logits_rows, logits, st->scratch);
        }
    } catch (const std::bad_alloc &) {
        return say(err, HEARTH_BK_E_OOM, "out of host memory");
    } catch (const std::exception & e) {
        return say(err, HEARTH_BK_E_INTERNAL, e.what());
    }
    return HEARTH_BK_OK;
}

int cpu_synchronize(int, char *) { return HEARTH_BK_OK; }

const hearth_backend kCpuBackend = {
    /* .name            = */ "cpu",
    /* .probe           = */ cpu_probe,
    /* .supports        = */ cpu_supports,
    /* .buffer_alloc    = */ cpu_buffer_alloc,
    /* .buffer_upload   = */ cpu_buffer_upload,
    /* .buffer_download = */ cpu_buffer_download,
    /* .buffer_free     = */ cpu_buffer_free,
    /* .stage_create    = */ cpu_stage_create,
    /* .stage_destroy   = */ cpu_stage_destroy,
    /* .kv_create       = */ cpu_kv_create,
    /* .kv_destroy      = */ cpu_kv_destroy,
    /* .kv_shift        = */ cpu_kv_shift,
    /* .stage_forward   = */ cpu_stage_forward,
    /* .synchronize     = */ cpu_synchronize,
};

} // namespace

extern "C" const hearth_backend * hearth_backend_cpu() { return &kCpuBackend; }
