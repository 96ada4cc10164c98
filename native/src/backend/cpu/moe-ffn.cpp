#include "backend/cpu/moe-ffn.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "common/checked-size.h"
#include "tensor/ggml-type.h"

namespace hearth {

namespace {

void grow(std::vector<float> & v, int64_t rows, int64_t width) {
    const size_t n = checked_size("MoE scratch", {rows, width}, sizeof(float));
    if (v.size() < n) v.resize(n);
}

// gpt-oss's SwiGLU: the gate clipped above, the up branch clipped both ways
// and shifted by one, a sigmoid of alpha * gate (constants of the model).
void swiglu_oai(const float * gate, const float * up, float * out, int64_t n) {
    constexpr float ALPHA = 1.702f, LIMIT = 7.0f;
    for (int64_t i = 0; i < n; ++i) {
        const float g = std::min(gate[i], LIMIT);
        const float u = std::min(std::max(up[i], -LIMIT), LIMIT);
        out[i] = g / (1.0f + std::exp(-ALPHA * g)) * (u + 1.0f);
    }
}

// Expert e's matrix: a view into the stacked tensor.
hearth_weight expert(const hearth_experts & x, int64_t e) {
    // The type was checked computable (so known) when the tensor was bound.
    const uint64_t bytes = ggml_row_bytes(*ggml_type_info((uint32_t)x.all.type), (uint64_t)x.all.cols) * (uint64_t)x.rows;
    return {static_cast<const uint8_t *>(x.all.data) + bytes * (uint64_t)e, x.all.type, x.rows, x.all.cols};
}

void matmul(const CpuContext & ctx, const hearth_weight & w, const float * x, int64_t n, float * y) {
    cpu_matmul(ctx, (GgmlType)w.type, w.data, w.rows, w.cols, x, n, y);
}

// Top-k of one token's probabilities p[n_expert], largest first (ties: the
// lower expert index), and their weights.
void pick_experts(const float * p, int64_t n_expert, const hearth_decoder_desc & d, int32_t * picked, float * weight) {
    const int64_t k = d.n_expert_used;
    for (int64_t j = 0; j < k; ++j) picked[j] = -1;
    for (int64_t e = 0; e < n_expert; ++e) {
        // Insertion into the sorted top-k: k is small (8 of 128 for Qwen3-Coder).
        int64_t at = k;
        while (at > 0 && (picked[at - 1] < 0 || p[e] > p[picked[at - 1]])) --at;
        if (at >= k) continue;
        for (int64_t j = k - 1; j > at; --j) picked[j] = picked[j - 1];
        picked[at] = (int32_t)e;
    }
    float sum = 0.0f;
    for (int64_t j = 0; j < k; ++j) {
        weight[j] = p[picked[j]];
        sum += weight[j];
    }
    if (d.moe_gating == HEARTH_MOE_SOFTMAX_WEIGHT) {
        // p held raw logits: the picked ones' softmax is the weight (largest first, so [0] is the max).
        sum = 0.0f;
        for (int64_t j = 0; j < k; ++j) {
            weight[j] = std::exp(weight[j] - p[picked[0]]);
            sum += weight[j];
        }
        for (int64_t j = 0; j < k; ++j) weight[j] /= sum;
    }
    if (d.moe_normalize) {
        // The floor keeps a row of underflowed probabilities finite (llama.cpp clamps at F16's smallest normal).
        sum = std::max(sum, 6.103515625e-5f);
        for (int64_t j = 0; j < k; ++j) weight[j] /= sum;
    }
    if (d.moe_weights_scale != 0.0f && d.moe_weights_scale != 1.0f) {
        for (int64_t j = 0; j < k; ++j) weight[j] *= d.moe_weights_scale;
    }
}

} // namespace

void moe_ffn_cpu(const CpuContext & ctx, const hearth_decoder_desc & d, const hearth_layer_desc & L, const float * h,
                 int64_t n, float * out, MoeScratch & s) {
    const int64_t E = d.n_embd, X = L.ffn_router.rows, K = d.n_expert_used, F = L.ffn_gate_exps.rows;
    grow(s.logits, n, X);
    const size_t nk = checked_size("MoE scratch", {n, K}, sizeof(int32_t));
    if (s.picked.size() < nk) s.picked.resize(nk);
    if (s.weight.size() < nk) s.weight.resize(nk);

    // Router: logits[n][X] (+ bias), softmax per token unless the gating weighs the picked logits, top-K.
    matmul(ctx, L.ffn_router, h, n, s.logits.data());
    cpu_add_rows(ctx, s.logits.data(), L.ffn_router_b, n, X);
    for (int64_t t = 0; t < n; ++t) {
        float * p = s.logits.data() + t * X;
        if (d.moe_gating == HEARTH_MOE_SOFTMAX) cpu_softmax(ctx, p, X);
        pick_experts(p, X, d, s.picked.data() + t * K, s.weight.data() + t * K);
    }

    std::memset(out, 0, sizeof(float) * (size_t)(n * E));
    // Per expert: gather the rows routed to it, one FFN over them, scatter-add weighted.
    for (int64_t e = 0; e < X; ++e) {
        s.rows.clear();
        for (int64_t i = 0; i < n * K; ++i) {
            if (s.picked[(size_t)i] == e) s.rows.push_back((int32_t)i);  // i = token * K + slot
        }
        const int64_t m = (int64_t)s.rows.size();
        if (m == 0) continue;
        grow(s.x, m, E);
        grow(s.gate, m, F);
        grow(s.up, m, F);
        grow(s.y, m, E);
        for (int64_t r = 0; r < m; ++r) std::memcpy(s.x.data() + r * E, h + (s.rows[(size_t)r] / K) * E, sizeof(float) * (size_t)E);
        matmul(ctx, expert(L.ffn_gate_exps, e), s.x.data(), m, s.gate.data());
        matmul(ctx, expert(L.ffn_up_exps, e), s.x.data(), m, s.up.data());
        cpu_add_rows(ctx, s.gate.data(), L.ffn_gate_exps_b ? L.ffn_gate_exps_b + e * F : nullptr, m, F);
        cpu_add_rows(ctx, s.up.data(), L.ffn_up_exps_b ? L.ffn_up_exps_b + e * F : nullptr, m, F);
        if (d.moe_act == HEARTH_MOE_SWIGLU_OAI) swiglu_oai(s.gate.data(), s.up.data(), s.gate.data(), m * F);
        else cpu_swiglu(ctx, s.gate.data(), s.up.data(), s.gate.data(), m * F);
        matmul(ctx, expert(L.ffn_down_exps, e), s.gate.data(), m, s.y.data());
        cpu_add_rows(ctx, s.y.data(), L.ffn_down_exps_b ? L.ffn_down_exps_b + e * E : nullptr, m, E);
        for (int64_t r = 0; r < m; ++r) {
            const int32_t i = s.rows[(size_t)r];
            const float wt = s.weight[(size_t)i];
            float * o = out + (i / K) * E;
            const float * y = s.y.data() + r * E;
            for (int64_t c = 0; c < E; ++c) o[c] += wt * y[c];
        }
    }
}

} // namespace hearth
