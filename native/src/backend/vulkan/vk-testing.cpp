#include "backend/vulkan/vk-testing.h"

#include <cstdio>
#include <cstring>
#include <vector>

#include "backend/vulkan/vk-moe.h"
#include "backend/vulkan/vk-ops.h"
#include "tensor/ggml-type.h"

namespace hearth::vk_test {

using namespace hearth::vk;

namespace {

template <class Fn>
int run(char * err, Fn && fn) {
    try {
        Device & dev = Device::get(0);
        std::lock_guard<std::recursive_mutex> lock(dev.mutex());
        fn(dev);
        return HEARTH_BK_OK;
    } catch (const Error & e) {
        std::snprintf(err, HEARTH_BK_ERR_LEN, "%s", e.message.c_str());
        return e.code;
    } catch (const std::exception & e) {
        std::snprintf(err, HEARTH_BK_ERR_LEN, "%s", e.what());
        return HEARTH_BK_E_INTERNAL;
    }
}

BufferPtr up(Device & dev, const void * p, uint64_t bytes) {
    BufferPtr b = dev.alloc(bytes, false);
    if (p && bytes) dev.upload(*b, 0, p, bytes);
    return b;
}

void down(Device & dev, const Buffer & b, void * p, uint64_t bytes) { dev.download(b, 0, p, bytes); }

} // namespace

bool built() { return true; }
void set_subgroup_allowed(bool allowed) { Device::set_subgroup_allowed(allowed); }
void set_8bit_allowed(bool allowed) { Device::set_8bit_allowed(allowed); }
bool bytes8_in_use() {
    try {
        return Device::get(0).use_8bit();
    } catch (...) {
        return false;
    }
}
void set_16bit_allowed(bool allowed) { Device::set_16bit_allowed(allowed); }
bool halves16_in_use() {
    try {
        return Device::get(0).use_16bit();
    } catch (...) {
        return false;
    }
}
void set_moe_limits(int64_t tokens, int64_t experts) { set_moe_test_limits(tokens, experts); }
bool subgroup_in_use() {
    try {
        return Device::get(0).use_subgroup();
    } catch (...) {
        return false;
    }
}

int matmul(int type, const void * W, int64_t m, int64_t k, const float * x, int64_t n, float * y, char * err) {
    return run(err, [&](Device & dev) {
        GpuMatrix gw = upload_matrix(dev, hearth_weight{W, type, m, k});
        BufferPtr bx = up(dev, x, (uint64_t)(n * k * 4)), by = dev.alloc((uint64_t)(n * m * 4), false);
        dev.begin();
        rec_matmul(dev, gw, *bx, n, *by);
        dev.submit_wait();
        down(dev, *by, y, (uint64_t)(n * m * 4));
    });
}

int rms_norm(const float * x, int64_t rows, int64_t n, const float * w, float eps, float * out, char * err) {
    return run(err, [&](Device & dev) {
        BufferPtr bx = up(dev, x, (uint64_t)(rows * n * 4)), bo = dev.alloc((uint64_t)(rows * n * 4), false);
        BufferPtr bw = w ? up(dev, w, (uint64_t)(n * 4)) : nullptr;
        dev.begin();
        rec_rms_norm(dev, *bx, 0, rows, n, bw.get(), eps, *bo);
        dev.submit_wait();
        down(dev, *bo, out, (uint64_t)(rows * n * 4));
    });
}

int eltwise(int op, const float * a, const float * b, int64_t b_len, int64_t n, float * out, char * err) {
    return run(err, [&](Device & dev) {
        if ((op < 0 || op > 2) && op != ELT_SWIGLU_OAI) fail(HEARTH_BK_E_UNSUPPORTED, "Vulkan: eltwise op %d", op);
        if (b_len <= 0) fail(HEARTH_BK_E_UNSUPPORTED, "Vulkan: eltwise op %d / b_len", op);
        BufferPtr ba = up(dev, a, (uint64_t)(n * 4)), bb = up(dev, b, (uint64_t)(b_len * 4));
        BufferPtr bo = dev.alloc((uint64_t)(n * 4), false);
        dev.begin();
        rec_eltwise(dev, (EltOp)op, *ba, *bb, b_len, *bo, n);
        dev.submit_wait();
        down(dev, *bo, out, (uint64_t)(n * 4));
    });
}

int softmax(float * x, int64_t rows, int64_t n, char * err) {
    return run(err, [&](Device & dev) {
        BufferPtr bx = up(dev, x, (uint64_t)(rows * n * 4));
        dev.begin();
        rec_softmax(dev, *bx, rows, n);
        dev.submit_wait();
        down(dev, *bx, x, (uint64_t)(rows * n * 4));
    });
}

int rope(float * x, int64_t n_tok, int64_t n_head, int64_t head_dim, int64_t n_rot, int64_t pos0, float base,
         float scale, bool neox, const float * freqs, char * err) {
    return run(err, [&](Device & dev) {
        std::vector<float> cs;
        rope_table(cs, pos0, n_tok, n_rot, base, scale, freqs);
        const uint64_t bytes = (uint64_t)(n_tok * n_head * head_dim * 4);
        BufferPtr bx = up(dev, x, bytes), bc = up(dev, cs.data(), cs.size() * 4);
        dev.begin();
        rec_rope(dev, *bx, *bc, n_tok, n_head, head_dim, n_rot, neox);
        dev.submit_wait();
        down(dev, *bx, x, bytes);
    });
}

int attention(const float * q, const uint16_t * k, const uint16_t * v, float * out, int64_t n, int64_t n_head,
              int64_t n_head_kv, int64_t head_dim, int64_t pos0, float scale, const float * sinks, char * err) {
    return run(err, [&](Device & dev) {
        const uint64_t qb = (uint64_t)(n * n_head * head_dim * 4), kb = (uint64_t)((pos0 + n) * n_head_kv * head_dim * 2);
        BufferPtr bq = up(dev, q, qb), bk = up(dev, k, kb), bv = up(dev, v, kb), bo = dev.alloc(qb, false);
        BufferPtr bs = sinks ? up(dev, sinks, (uint64_t)(n_head * 4)) : nullptr;
        dev.begin();
        rec_attention(dev, *bq, *bk, *bv, *bo, n, n_head, n_head_kv, head_dim, pos0, scale, 0, 0.0f, bs.get());
        dev.submit_wait();
        down(dev, *bo, out, qb);
    });
}

int kv_store(const float * src, int64_t n, int64_t row, int64_t pos0, int64_t n_ctx, uint16_t * cache, char * err) {
    return run(err, [&](Device & dev) {
        if (row % 2 != 0 || pos0 + n > n_ctx) fail(HEARTH_BK_E_UNSUPPORTED, "Vulkan: kv_store shape");
        BufferPtr bs = up(dev, src, (uint64_t)(n * row * 4)), bc = up(dev, cache, (uint64_t)(n_ctx * row * 2));
        dev.begin();
        rec_kv_store(dev, *bs, *bc, n, row, pos0);
        dev.submit_wait();
        down(dev, *bc, cache, (uint64_t)(n_ctx * row * 2));
    });
}

} // namespace hearth::vk_test
