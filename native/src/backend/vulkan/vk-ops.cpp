#include "backend/vulkan/vk-ops.h"

#include <cmath>
#include <cstring>
#include <string>

#include "tensor/ggml-type.h"

namespace hearth::vk {

uint32_t u32(int64_t v, const char * what) {
    if (v < 0 || v > (int64_t)UINT32_MAX) fail(HEARTH_BK_E_UNSUPPORTED, "Vulkan: %s %lld does not fit 32 bits", what, (long long)v);
    return (uint32_t)v;
}

void split_groups(uint64_t groups, uint32_t * gx, uint32_t * gy) {
    *gx = (uint32_t)std::min<uint64_t>(groups, 65535);
    *gy = (uint32_t)((groups + *gx - 1) / *gx);
}

// "matmul_<format>[_b8|_h16][_n1][_moe][_sg]": _b8 loads bytes with 8-bit storage
// (quantized formats), _h16 halves with 16-bit storage (F16, BF16), _n1 is the one-token (matrix-vector) form,
// _moe the experts' form (tiles of pairs routed to one expert), _sg reduces with subgroupAdd. "": no kernel for the format.
std::string matmul_shader(int type, bool subgroup, bool bytes8, bool halves16, bool single_token, bool experts) {
    const char * f = nullptr;
    switch (type) {
    case GGML_TYPE_F32: f = "f32"; break;
    case GGML_TYPE_F16: f = "f16"; break;
    case GGML_TYPE_Q8_0: f = "q8_0"; break;
    case GGML_TYPE_Q4_0: f = "q4_0"; break;
    case GGML_TYPE_BF16: f = "bf16"; break;
    case GGML_TYPE_Q4_1: f = "q4_1"; break;
    case GGML_TYPE_Q5_0: f = "q5_0"; break;
    case GGML_TYPE_Q5_1: f = "q5_1"; break;
    case GGML_TYPE_Q4_K: f = "q4_k"; break;
    case GGML_TYPE_Q5_K: f = "q5_k"; break;
    case GGML_TYPE_Q6_K: f = "q6_k"; break;
    case GGML_TYPE_MXFP4: f = "mxfp4"; break;
    default: return "";
    }
    std::string name = std::string("matmul_") + f;
    const bool half_type = type == GGML_TYPE_F16 || type == GGML_TYPE_BF16;
    if (bytes8 && type != GGML_TYPE_F32 && !half_type) name += "_b8";
    if (halves16 && half_type) name += "_h16";
    if (single_token) name += "_n1";
    if (experts) name += "_moe";
    if (subgroup) name += "_sg";
    return name;
}

bool matmul_supported(int type) { return !matmul_shader(type, false, false, false, false, false).empty(); }

GpuMatrix upload_matrix(Device & dev, const hearth_weight & w) {
    GpuMatrix m;
    const GgmlTypeInfo * ti = ggml_type_info((uint32_t)w.type);
    if (!ti || !matmul_supported(w.type)) {
        fail(HEARTH_BK_E_UNSUPPORTED, "Vulkan: no matmul kernel for weight type %s", ti ? ti->name : "(unknown)");
    }
    if (w.rows <= 0 || w.cols <= 0 || w.cols % ti->block_elems != 0) {
        fail(HEARTH_BK_E_UNSUPPORTED, "Vulkan: weight of %lld x %lld is not whole %s blocks", (long long)w.rows,
             (long long)w.cols, ti->name);
    }
    if (!w.data) fail(HEARTH_BK_E_INTERNAL, "Vulkan: weight without data");
    m.type = w.type;
    m.rows = w.rows;
    m.cols = w.cols;
    m.row_bytes = (uint64_t)(w.cols / ti->block_elems) * ti->block_bytes;
    // Chunks of whole rows, each within one binding's range (and 32-bit offsets in the shader).
    const uint64_t limit = std::min<uint64_t>(dev.phys().max_storage_range, 1ull << 31) & ~3ull;
    if (m.row_bytes + 4 > limit) fail(HEARTH_BK_E_UNSUPPORTED, "Vulkan: one weight row exceeds maxStorageBufferRange");
    const int64_t rows_per = (int64_t)((limit - 4) / m.row_bytes);
    for (int64_t r0 = 0; r0 < w.rows; r0 += rows_per) {
        GpuMatrix::Chunk c;
        c.row0 = r0;
        c.rows = std::min(rows_per, w.rows - r0);
        const uint64_t bytes = (uint64_t)c.rows * m.row_bytes;
        // Padded to 4 bytes: the shaders read whole words.
        c.buf = dev.alloc((bytes + 3) & ~3ull, false);
        if ((bytes & 3) == 0) {
            dev.upload(*c.buf, 0, (const uint8_t *)w.data + (uint64_t)r0 * m.row_bytes, bytes);
        } else {
            std::vector<uint8_t> tmp((bytes + 3) & ~3ull, 0);
            std::memcpy(tmp.data(), (const uint8_t *)w.data + (uint64_t)r0 * m.row_bytes, bytes);
            dev.upload(*c.buf, 0, tmp.data(), tmp.size());
        }
        m.bytes += c.buf->size;
        m.chunks.push_back(std::move(c));
    }
    return m;
}

BufferPtr upload_f32(Device & dev, const float * data, int64_t n) {
    BufferPtr b = dev.alloc((uint64_t)n * 4, false);
    dev.upload(*b, 0, data, (uint64_t)n * 4);
    return b;
}

void rec_matmul(Device & dev, const GpuMatrix & W, const Buffer & x, int64_t n, const Buffer & y) {
    const std::string shader = matmul_shader(W.type, dev.use_subgroup(), dev.use_8bit(), dev.use_16bit(), n == 1, false);
    for (const GpuMatrix::Chunk & c : W.chunks) {
        uint32_t gx, gy;
        split_groups(((uint64_t)c.rows + kMatmulRows - 1) / kMatmulRows, &gx, &gy);
        const uint32_t push[7] = {u32(c.rows, "rows"), u32(W.cols, "k"), u32(n, "n"), u32((int64_t)W.row_bytes, "row bytes"),
                                  u32(c.row0, "row"), u32(W.rows, "rows"), gx};
        dev.dispatch(shader.c_str(), {c.buf.get(), &x, &y}, push, sizeof push, gx, gy,
                     (uint32_t)((n + kMatmulTokens - 1) / kMatmulTokens));
    }
}

void rec_norm(Device & dev, const Buffer & x, int64_t in_row0, int64_t rows, int64_t n, const Buffer * w, const Buffer * b,
              bool layer, float eps, const Buffer & out) {
    struct { uint32_t n; float eps; uint32_t in_row0, has_w, layer, has_b; } push{
        u32(n, "n"), eps, u32(in_row0, "row"), w ? 1u : 0u, layer ? 1u : 0u, b ? 1u : 0u};
    dev.dispatch("rms_norm", {&x, w ? w : &x, &out, b ? b : &x}, &push, sizeof push, u32(rows, "rows"));
}

void rec_rms_norm(Device & dev, const Buffer & x, int64_t in_row0, int64_t rows, int64_t n, const Buffer * w, float eps,
                  const Buffer & out) {
    rec_norm(dev, x, in_row0, rows, n, w, nullptr, false, eps, out);
}

void rec_eltwise(Device & dev, EltOp op, const Buffer & a, const Buffer & b, int64_t b_len, const Buffer & out, int64_t n) {
    uint32_t gx, gy;
    split_groups(((uint64_t)n + 255) / 256, &gx, &gy);
    const uint32_t push[4] = {u32(n, "n"), u32(b_len, "b_len"), (uint32_t)op, gx};
    dev.dispatch("eltwise", {&a, &b, &out}, push, sizeof push, gx, gy);
}

void rec_rope(Device & dev, const Buffer & x, const Buffer & cs, int64_t n_tok, int64_t n_head, int64_t head_dim,
              int64_t n_rot, bool neox) {
    if (n_rot > head_dim || n_rot % 2 != 0) {
        fail(HEARTH_BK_E_UNSUPPORTED, "Vulkan: rope n_rot %lld must be even and <= head_dim %lld", (long long)n_rot,
             (long long)head_dim);
    }
    const uint32_t push[5] = {u32(n_tok, "n"), u32(n_head, "n_head"), u32(head_dim, "head_dim"), u32(n_rot, "n_rot"),
                              neox ? 1u : 0u};
    dev.dispatch("rope", {&x, &cs}, push, sizeof push, (uint32_t)((n_rot / 2 + 63) / 64), u32(n_head, "n_head"),
                 u32(n_tok, "n"));
}

void rec_kv_store(Device & dev, const Buffer & src, const Buffer & cache, int64_t n, int64_t row, int64_t pos0) {
    const uint32_t push[2] = {u32(row, "row"), u32(pos0, "pos")};
    dev.dispatch("kv_store", {&src, &cache}, push, sizeof push, (uint32_t)((row / 2 + 63) / 64), u32(n, "n"));
}

void rec_attention(Device & dev, const Buffer & q, const Buffer & k, const Buffer & v, const Buffer & out, int64_t n,
                   int64_t n_head, int64_t n_head_kv, int64_t head_dim, int64_t pos0, float scale, int64_t window,
                   float softcap, const Buffer * sinks) {
    if (head_dim > 256 || head_dim % 2 != 0 || n_head_kv <= 0 || n_head % n_head_kv != 0) {
        fail(HEARTH_BK_E_UNSUPPORTED, "Vulkan: attention with head_dim %lld, %lld/%lld heads is not supported",
             (long long)head_dim, (long long)n_head, (long long)n_head_kv);
    }
    struct { uint32_t n_head, n_head_kv, head_dim, pos0; float scale; uint32_t window; float softcap; uint32_t has_sinks; } push{
        u32(n_head, "n_head"), u32(n_head_kv, "n_head_kv"), u32(head_dim, "head_dim"), u32(pos0, "pos"), scale,
        u32(window, "window"), softcap, sinks ? 1u : 0u};
    dev.dispatch("attention", {&q, &k, &v, &out, sinks ? sinks : &q}, &push, sizeof push, u32(n_head, "n_head"), u32(n, "n"));
}

void rec_softmax(Device & dev, const Buffer & x, int64_t rows, int64_t n) {
    const uint32_t push[1] = {u32(n, "n")};
    dev.dispatch("softmax", {&x}, push, sizeof push, u32(rows, "rows"));
}

void rope_table(std::vector<float> & cs, int64_t pos0, int64_t n, int64_t n_rot, float freq_base, float freq_scale,
                const float * freqs, const RopeYarn * yarn, float mscale) {
    const int64_t half = n_rot / 2;
    cs.resize((size_t)(n * half * 2));
    for (int64_t i = 0; i < half; ++i) {
        for (int64_t t = 0; t < n; ++t) {
            float m = 1.0f;
            const double theta = rope_angle(pos0 + t, i, n_rot, freq_base, freq_scale, freqs, yarn, &m);
            if (!yarn) m = mscale;
            cs[(size_t)((t * half + i) * 2)] = (float)std::cos(theta) * m;
            cs[(size_t)((t * half + i) * 2 + 1)] = (float)std::sin(theta) * m;
        }
    }
}

} // namespace hearth::vk
