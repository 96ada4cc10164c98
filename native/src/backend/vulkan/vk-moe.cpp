#include "backend/vulkan/vk-moe.h"

#include <algorithm>
#include <atomic>
#include <cstring>

#include "tensor/ggml-type.h"

namespace hearth::vk {

namespace {

constexpr int64_t kMaxExperts = 1024;  // MAX_EXPERT in moe_tiles.comp
constexpr int64_t kMaxUsed = 32;       // MAX_K in moe_topk.comp
constexpr int64_t kTileWords = 10;     // TILE_WORDS in moe_tiles.comp and matmul.comp

std::atomic<int64_t> g_test_tokens{0}, g_test_experts{0};  // set_moe_test_limits

// The most tiles `pairs` pairs can need: full tiles, plus one partial tile
// per expert that has pairs (none with tiles of one pair).
int64_t max_tiles(int64_t pairs, int64_t tile, int64_t n_expert) {
    return (pairs + tile - 1) / tile + (tile > 1 ? std::min(n_expert, pairs) : 0);
}

// y[pair - y_pair0][rows] = W[expert of the pair] . x[(pair - x_pair0) / x_div] (+ the expert's bias row),
// for every pair of the tiles; one dispatch per weight chunk (tiles of other chunks' experts return at once).
void rec_expert_matmul(Device & dev, const GpuExperts & W, const Buffer & x, int64_t x_div, int64_t x_pair0,
                       const Buffer & tiles, int64_t n_tiles, bool single, const Buffer & y, int64_t y_pair0,
                       const Buffer * bias) {
    const std::string shader = matmul_shader(W.type, dev.use_subgroup(), dev.use_8bit(), dev.use_16bit(), single, true);
    for (const GpuExperts::Chunk & c : W.chunks) {
        uint32_t gx, gy;
        split_groups(((uint64_t)W.rows + kMatmulRows - 1) / kMatmulRows, &gx, &gy);
        const uint32_t push[10] = {u32(W.rows, "rows"),   u32(W.cols, "k"),        u32((int64_t)W.row_bytes, "row bytes"),
                                   gx,                     u32(c.e0, "expert"),     u32(c.e1, "expert"),
                                   u32(x_div, "x_div"),    u32(x_pair0, "pair"),    u32(y_pair0, "pair"),
                                   bias ? 1u : 0u};
        dev.dispatch(shader.c_str(), {c.buf.get(), &x, &y, &tiles, bias ? bias : &tiles}, push, sizeof push, gx, gy,
                     u32(n_tiles, "tiles"));
    }
}

BufferPtr vec(Device & dev, const float * p, int64_t n, uint64_t * bytes) {
    if (!p) return nullptr;
    BufferPtr b = upload_f32(dev, p, n);
    *bytes += b->size;
    return b;
}

} // namespace

GpuExperts upload_experts(Device & dev, const hearth_experts & x) {
    GpuExperts m;
    const GgmlTypeInfo * ti = ggml_type_info((uint32_t)x.all.type);
    if (!ti || !matmul_supported(x.all.type)) {
        fail(HEARTH_BK_E_UNSUPPORTED, "Vulkan: no matmul kernel for expert weight type %s", ti ? ti->name : "(unknown)");
    }
    if (x.n_expert <= 0 || x.rows <= 0 || x.all.cols <= 0 || x.all.cols % ti->block_elems != 0 ||
        x.all.rows != x.n_expert * x.rows) {
        fail(HEARTH_BK_E_UNSUPPORTED, "Vulkan: %lld experts of %lld x %lld are not whole %s blocks", (long long)x.n_expert,
             (long long)x.rows, (long long)x.all.cols, ti->name);
    }
    if (!x.all.data) fail(HEARTH_BK_E_INTERNAL, "Vulkan: experts without data");
    m.type = x.all.type;
    m.n_expert = x.n_expert;
    m.rows = x.rows;
    m.cols = x.all.cols;
    m.row_bytes = (uint64_t)(x.all.cols / ti->block_elems) * ti->block_bytes;
    const uint64_t expert_bytes = m.row_bytes * (uint64_t)m.rows;
    // Whole experts per buffer, each within one binding's range (and 32-bit offsets in the shader).
    const uint64_t limit = std::min<uint64_t>(dev.phys().max_storage_range, 1ull << 31) & ~3ull;
    if (expert_bytes + 4 > limit) {
        fail(HEARTH_BK_E_UNSUPPORTED, "Vulkan: one expert's matrix (%llu bytes) exceeds maxStorageBufferRange",
             (unsigned long long)expert_bytes);
    }
    int64_t per = (int64_t)((limit - 4) / expert_bytes);
    if (g_test_experts.load() > 0) per = std::min(per, g_test_experts.load());
    for (int64_t e0 = 0; e0 < m.n_expert; e0 += per) {
        GpuExperts::Chunk c;
        c.e0 = e0;
        c.e1 = std::min(m.n_expert, e0 + per);
        const uint64_t bytes = (uint64_t)(c.e1 - c.e0) * expert_bytes;
        const uint8_t * src = (const uint8_t *)x.all.data + (uint64_t)e0 * expert_bytes;
        // Padded to 4 bytes (the shaders read whole words): the bulk straight
        // from the mapping, the odd tail (17-byte MXFP4 blocks) through a copy.
        c.buf = dev.alloc((bytes + 3) & ~3ull, false);
        const uint64_t bulk = bytes & ~3ull;
        if (bulk) dev.upload(*c.buf, 0, src, bulk);
        if (bulk != bytes) {
            uint8_t tail[4] = {0, 0, 0, 0};
            std::memcpy(tail, src + bulk, bytes - bulk);
            dev.upload(*c.buf, bulk, tail, 4);
        }
        m.bytes += c.buf->size;
        m.chunks.push_back(std::move(c));
    }
    return m;
}

MoeRouting moe_routing(const hearth_decoder_desc & d) {
    MoeRouting r;
    r.n_used = d.n_expert_used;
    r.gating = d.moe_gating;
    r.act = d.moe_act;
    r.normalize = d.moe_normalize != 0;
    r.weights_scale = d.moe_weights_scale;
    return r;
}

MoeWeights upload_moe(Device & dev, const hearth_decoder_desc & d, const hearth_layer_desc & L) {
    MoeWeights w;
    const int64_t E = d.n_embd, X = L.ffn_router.rows, K = d.n_expert_used, F = L.ffn_gate_exps.rows;
    if (X <= 0 || X > kMaxExperts || K <= 0 || K > kMaxUsed || K > X) {
        fail(HEARTH_BK_E_UNSUPPORTED, "Vulkan: %lld of %lld experts per token (the shaders hold up to %lld of %lld)",
             (long long)K, (long long)X, (long long)kMaxUsed, (long long)kMaxExperts);
    }
    if (d.moe_gating != HEARTH_MOE_SOFTMAX && d.moe_gating != HEARTH_MOE_SOFTMAX_WEIGHT) {
        fail(HEARTH_BK_E_UNSUPPORTED, "Vulkan: expert gating %d", d.moe_gating);
    }
    if (d.moe_act != HEARTH_MOE_SWIGLU && d.moe_act != HEARTH_MOE_SWIGLU_OAI) {
        fail(HEARTH_BK_E_UNSUPPORTED, "Vulkan: expert activation %d", d.moe_act);
    }
    w.router = upload_matrix(dev, L.ffn_router);
    w.bytes += w.router.bytes;
    w.gate = upload_experts(dev, L.ffn_gate_exps);
    w.up = upload_experts(dev, L.ffn_up_exps);
    w.down = upload_experts(dev, L.ffn_down_exps);
    w.bytes += w.gate.bytes + w.up.bytes + w.down.bytes;
    if (w.router.cols != E || w.gate.n_expert != X || w.up.n_expert != X || w.down.n_expert != X || w.gate.cols != E ||
        w.up.cols != E || w.up.rows != F || w.down.rows != E || w.down.cols != F) {
        fail(HEARTH_BK_E_INTERNAL, "Vulkan: expert weights do not match the router and n_embd");
    }
    w.router_b = vec(dev, L.ffn_router_b, X, &w.bytes);
    w.gate_b = vec(dev, L.ffn_gate_exps_b, X * F, &w.bytes);
    w.up_b = vec(dev, L.ffn_up_exps_b, X * F, &w.bytes);
    w.down_b = vec(dev, L.ffn_down_exps_b, X * E, &w.bytes);
    return w;
}

bool MoeScratch::fits(int64_t n_tok, int64_t E, int64_t X, int64_t K, int64_t F) const {
    return n_tok <= n && E <= n_embd && X <= n_expert && K <= n_used && F <= n_ff;
}

void MoeScratch::ensure(Device & dev, int64_t n_tok, int64_t E, int64_t X, int64_t K, int64_t F) {
    if (fits(n_tok, E, X, K, F)) return;
    n = std::max(n, std::max<int64_t>(n_tok, 8));
    n_embd = std::max(n_embd, E);
    n_expert = std::max(n_expert, X);
    n_used = std::max(n_used, K);
    n_ff = std::max(n_ff, F);
    const uint64_t range = dev.phys().max_storage_range;
    // Tokens per chunk: their pairs' activations fit one binding and their tiles one dispatch's z range.
    const uint64_t token_bytes = (uint64_t)(n_used * std::max(n_ff, n_embd) * 4);
    const int64_t by_tiles = (int64_t)(dev.phys().max_group_count[2] > (uint32_t)n_expert
                                           ? (dev.phys().max_group_count[2] - (uint32_t)n_expert) * kMatmulTokens / n_used
                                           : 1);
    chunk = std::max<int64_t>(1, std::min<int64_t>({n, (int64_t)(range / token_bytes), by_tiles}));
    if (g_test_tokens.load() > 0) chunk = std::min(chunk, g_test_tokens.load());
    if ((uint64_t)(n * n_expert * 4) > range) {
        fail(HEARTH_BK_E_UNSUPPORTED, "Vulkan: router logits of %lld tokens x %lld experts exceed one binding",
             (long long)n, (long long)n_expert);
    }
    auto f32 = [&](int64_t elems) { return dev.alloc((uint64_t)elems * 4, false); };
    logits = f32(n * n_expert);
    ids = f32(n * n_used);  // uint32 each
    weights = f32(n * n_used);
    tiles = f32(max_tiles(chunk * n_used, kMatmulTokens, n_expert) * kTileWords);
    gate = f32(chunk * n_used * n_ff);
    up = f32(chunk * n_used * n_ff);
    y = f32(chunk * n_used * n_embd);
}

void rec_moe_ffn(Device & dev, const MoeRouting & r, const MoeWeights & w, const Buffer & h, int64_t n, MoeScratch & s,
                 const Buffer & out) {
    const int64_t E = w.down.rows, X = w.router.rows, K = r.n_used, F = w.gate.rows;
    if (!s.fits(n, E, X, K, F)) fail(HEARTH_BK_E_INTERNAL, "Vulkan: MoE scratch not sized for %lld tokens", (long long)n);
    // Router: logits[n][X] (+ bias), then each token's experts and weights.
    rec_matmul(dev, w.router, h, n, *s.logits);
    dev.barrier();
    if (w.router_b) {
        rec_eltwise(dev, ELT_ADD, *s.logits, *w.router_b, X, *s.logits, n * X);
        dev.barrier();
    }
    struct { uint32_t n, n_expert, k, gating, normalize; float scale; } topk{
        u32(n, "tokens"), u32(X, "experts"), u32(K, "experts used"), (uint32_t)r.gating, r.normalize ? 1u : 0u,
        r.weights_scale};
    dev.dispatch("moe_topk", {s.logits.get(), s.ids.get(), s.weights.get()}, &topk, sizeof topk, u32((n + 63) / 64, "tokens"));
    dev.barrier();

    // One token: tiles of one pair and the matrix-vector kernels (generation's path).
    const bool single = n == 1;
    const int64_t tile = single ? 1 : kMatmulTokens;
    const EltOp act = r.act == HEARTH_MOE_SWIGLU_OAI ? ELT_SWIGLU_OAI : ELT_SWIGLU;
    for (int64_t t0 = 0; t0 < n; t0 += s.chunk) {
        const int64_t c = std::min(s.chunk, n - t0), pairs = c * K, p0 = t0 * K;
        const int64_t n_tiles = max_tiles(pairs, tile, X);
        const uint32_t tp[5] = {u32(p0, "pair"), u32(pairs, "pairs"), u32(X, "experts"), (uint32_t)tile,
                                u32(n_tiles, "tiles")};
        dev.dispatch("moe_tiles", {s.ids.get(), s.tiles.get()}, tp, sizeof tp, 1);
        dev.barrier();
        // gate/up[pair - p0][F] from h[token of the pair]; down y[pair - p0][E] from the pair's own middle row.
        rec_expert_matmul(dev, w.gate, h, K, 0, *s.tiles, n_tiles, single, *s.gate, p0, w.gate_b.get());
        rec_expert_matmul(dev, w.up, h, K, 0, *s.tiles, n_tiles, single, *s.up, p0, w.up_b.get());
        dev.barrier();
        rec_eltwise(dev, act, *s.gate, *s.up, pairs * F, *s.gate, pairs * F);
        dev.barrier();
        rec_expert_matmul(dev, w.down, *s.gate, 1, p0, *s.tiles, n_tiles, single, *s.y, p0, w.down_b.get());
        dev.barrier();
        uint32_t gx, gy;
        split_groups(((uint64_t)(c * E) + 255) / 256, &gx, &gy);
        const uint32_t cp[5] = {u32(E, "n_embd"), u32(K, "experts used"), u32(t0, "token"), u32(c, "tokens"), gx};
        dev.dispatch("moe_combine", {s.y.get(), s.weights.get(), &out}, cp, sizeof cp, gx, gy);
        // The next chunk rewrites the tiles and activations this one read.
        if (t0 + s.chunk < n) dev.barrier();
    }
}

void set_moe_test_limits(int64_t tokens, int64_t experts) {
    g_test_tokens.store(tokens);
    g_test_experts.store(experts);
}

} // namespace hearth::vk
