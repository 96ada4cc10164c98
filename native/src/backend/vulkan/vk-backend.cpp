// The Vulkan backend's vtable (backend/backend.h). Every entry catches the
// backend's internal errors and returns them as a code plus message.
#include <cstdio>
#include <cstring>
#include <new>

#include "backend/backend.h"
#include "backend/vulkan/vk-stage.h"
#include "tensor/ggml-type.h"

namespace hearth::vk {

namespace {

void set_err(char * err, const char * msg) {
    if (err) std::snprintf(err, HEARTH_BK_ERR_LEN, "%s", msg);
}

// Runs fn, turning vk::Error and anything else thrown into a status + message.
template <class Fn>
int guarded(char * err, Fn && fn) {
    try {
        fn();
        return HEARTH_BK_OK;
    } catch (const Error & e) {
        set_err(err, e.message.c_str());
        return e.code;
    } catch (const std::bad_alloc &) {
        set_err(err, "Vulkan: out of host memory");
        return HEARTH_BK_E_OOM;
    } catch (const std::exception & e) {
        set_err(err, e.what());
        return HEARTH_BK_E_INTERNAL;
    } catch (...) {
        set_err(err, "Vulkan: unknown error");
        return HEARTH_BK_E_INTERNAL;
    }
}

int probe(hearth_device_info * out, int max, char * why) {
    std::string reason;
    const std::vector<PhysicalDevice> * list = nullptr;
    try {
        list = physical_devices(&reason);
    } catch (...) {
        reason = "Vulkan: probe failed";
    }
    if (!list) {
        set_err(why, reason.c_str());
        return -1;
    }
    for (int i = 0; i < max && i < (int)list->size(); ++i) out[i] = (*list)[(size_t)i].info;
    return (int)list->size();
}

int supports(int device, int op, int type) {
    const std::vector<PhysicalDevice> * list = physical_devices(nullptr);
    if (!list || device < 0 || device >= (int)list->size()) return 0;
    switch (op) {
    case HEARTH_OP_MATMUL: return matmul_supported(type) ? 1 : 0;
    case HEARTH_OP_GET_ROW: return 0;  // embedding lookups stay on the host
    case HEARTH_OP_RMS_NORM:
    case HEARTH_OP_ROPE:
    case HEARTH_OP_ATTENTION:
    case HEARTH_OP_SOFTMAX:
    case HEARTH_OP_ADD:
    case HEARTH_OP_MUL:
    case HEARTH_OP_SWIGLU: return 1;
    default: return stage_runs_op(op) ? 1 : 0;
    }
}

int buffer_alloc(int device, uint64_t bytes, hearth_buffer ** out, char * err) {
    return guarded(err, [&] {
        BufferPtr b = Device::get(device).alloc(bytes, false);
        *out = reinterpret_cast<hearth_buffer *>(b.release());
    });
}

int buffer_upload(hearth_buffer * buf, uint64_t offset, const void * src, uint64_t bytes, char * err) {
    return guarded(err, [&] {
        Buffer * b = reinterpret_cast<Buffer *>(buf);
        if (!b || offset + bytes > b->size) fail(HEARTH_BK_E_INTERNAL, "Vulkan: upload outside the buffer");
        b->dev->upload(*b, offset, src, bytes);
    });
}

int buffer_download(hearth_buffer * buf, uint64_t offset, void * dst, uint64_t bytes, char * err) {
    return guarded(err, [&] {
        Buffer * b = reinterpret_cast<Buffer *>(buf);
        if (!b || offset + bytes > b->size) fail(HEARTH_BK_E_INTERNAL, "Vulkan: download outside the buffer");
        b->dev->download(*b, offset, dst, bytes);
    });
}

void buffer_free(hearth_buffer * buf) {
    Buffer * b = reinterpret_cast<Buffer *>(buf);
    if (!b) return;
    std::lock_guard<std::recursive_mutex> lock(b->dev->mutex());
    delete b;
}

int stage_create(int device, const hearth_decoder_desc * desc, int64_t layer_begin, int64_t layer_end, int with_output,
                 hearth_stage ** out, uint64_t * device_bytes, char * err) {
    return guarded(err, [&] {
        if (!desc || !out) fail(HEARTH_BK_E_INTERNAL, "Vulkan: stage_create without desc/out");
        auto * s = new Stage(device, *desc, layer_begin, layer_end, with_output != 0);
        if (device_bytes) *device_bytes = s->device_bytes();
        *out = reinterpret_cast<hearth_stage *>(s);
    });
}

void stage_destroy(hearth_stage * stage) {
    Stage * s = reinterpret_cast<Stage *>(stage);
    if (!s) return;
    std::lock_guard<std::recursive_mutex> lock(s->dev().mutex());
    delete s;
}

int kv_create(hearth_stage * stage, int64_t n_ctx, hearth_kv ** out, char * err) {
    return guarded(err, [&] {
        Stage * s = reinterpret_cast<Stage *>(stage);
        if (!s || !out) fail(HEARTH_BK_E_INTERNAL, "Vulkan: kv_create without stage/out");
        *out = reinterpret_cast<hearth_kv *>(new StageKv(*s, n_ctx));
    });
}

void kv_destroy(hearth_kv * kv) {
    StageKv * k = reinterpret_cast<StageKv *>(kv);
    if (!k) return;
    std::lock_guard<std::recursive_mutex> lock(k->stage.dev().mutex());
    delete k;
}

int kv_shift(hearth_kv * kv, int64_t src, int64_t dst, int64_t n, char * err) {
    return guarded(err, [&] {
        StageKv * k = reinterpret_cast<StageKv *>(kv);
        if (!k) fail(HEARTH_BK_E_INTERNAL, "Vulkan: kv_shift without kv");
        k->stage.shift(*k, src, dst, n);
    });
}

int stage_forward(hearth_stage * stage, hearth_kv * kv, float * x, int64_t n, int64_t pos0, float * logits,
                  int64_t logits_rows, char * err) {
    return guarded(err, [&] {
        Stage * s = reinterpret_cast<Stage *>(stage);
        StageKv * k = reinterpret_cast<StageKv *>(kv);
        if (!s || !k || !x) fail(HEARTH_BK_E_INTERNAL, "Vulkan: stage_forward without stage/kv/x");
        s->forward(*k, x, n, pos0, logits, logits_rows);
    });
}

int synchronize(int device, char * err) {
    // Every call submits and waits before it returns: nothing is ever left queued.
    return guarded(err, [&] { Device::get(device); });
}

const hearth_backend kVulkanBackend = {
    "vulkan", probe, supports, buffer_alloc, buffer_upload, buffer_download, buffer_free, stage_create, stage_destroy,
    kv_create, kv_destroy, kv_shift, stage_forward, synchronize,
};

} // namespace

} // namespace hearth::vk

extern "C" const hearth_backend * hearth_backend_vulkan() { return &hearth::vk::kVulkanBackend; }
