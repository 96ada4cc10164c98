#include "backend/vulkan/vk-stage.h"

#include <cmath>
#include <cstring>

#include "backend/layer-ops.h"
#include "tensor/fp16.h"

namespace hearth::vk {

bool stage_runs_op(int op) {
    switch (op) {
    case HEARTH_OP_HEAD_RMS_NORM:
    case HEARTH_OP_LAYER_NORM:
    case HEARTH_OP_POST_NORM:
    case HEARTH_OP_LINEAR_BIAS:
    case HEARTH_OP_GELU:
    case HEARTH_OP_GEGLU:
    case HEARTH_OP_SLIDING_WINDOW:
    case HEARTH_OP_LAYER_ROPE:
    case HEARTH_OP_ATTN_SCALE:
    case HEARTH_OP_ATTN_SOFTCAP:
    case HEARTH_OP_RESIDUAL_SCALE:
    case HEARTH_OP_LOGIT_SCALE:
    case HEARTH_OP_LOGIT_SOFTCAP:
    case HEARTH_OP_ROPE_YARN:
    case HEARTH_OP_ROPE_MSCALE:  // both in the host-built cos/sin tables
    case HEARTH_OP_ATTN_SINKS:
    case HEARTH_OP_MOE: return true;
    default: return false;
    }
}

Stage::Stage(int device, const hearth_decoder_desc & d, int64_t begin, int64_t end, bool with_output)
    : dev_(Device::get(device)), begin_(begin), end_(end), with_output_(with_output) {
    if (begin < 0 || end > d.n_layer || begin > end) {
        fail(HEARTH_BK_E_INTERNAL, "Vulkan: layer range [%lld, %lld) outside 0..%lld", (long long)begin, (long long)end,
             (long long)d.n_layer);
    }
    n_embd_ = d.n_embd;
    n_ff_ = d.n_ff;
    n_head_ = d.n_head;
    n_head_kv_ = d.n_head_kv;
    head_dim_ = d.head_dim;
    n_rot_ = d.n_rot;
    n_vocab_ = d.n_vocab;
    norm_eps_ = d.norm_eps;
    layer_norm_ = d.norm_type == HEARTH_NORM_LAYER;
    ffn_type_ = d.ffn_type;
    attn_scale_ = d.attn_scale;
    attn_softcap_ = d.attn_softcap;
    neox_ = d.rope_neox != 0;
    yarn_.low = d.rope_yarn_low;
    yarn_.high = d.rope_yarn_high;
    yarn_.mscale = d.rope_yarn_mscale;
    if (d.rope_mscale != 0.0f) rope_mscale_ = d.rope_mscale;
    moe_routing_ = moe_routing(d);
    if (d.rope_freqs) rope_freqs_.assign(d.rope_freqs, d.rope_freqs + n_rot_ / 2);
    if (head_dim_ > 256 || head_dim_ % 2 != 0 || n_head_kv_ <= 0 || n_head_ % n_head_kv_ != 0 || n_rot_ > head_dim_ ||
        n_rot_ % 2 != 0) {
        fail(HEARTH_BK_E_UNSUPPORTED, "Vulkan: head_dim %lld / n_rot %lld / %lld:%lld heads not supported",
             (long long)head_dim_, (long long)n_rot_, (long long)n_head_, (long long)n_head_kv_);
    }
    const int64_t Q = n_head_ * head_dim_, KV = n_head_kv_ * head_dim_;
    auto vec = [&](const float * p, int64_t n) -> BufferPtr {
        if (!p) return nullptr;
        BufferPtr b = upload_f32(dev_, p, n);
        bytes_ += b->size;
        return b;
    };
    auto mat = [&](const hearth_weight & w) {
        GpuMatrix m = upload_matrix(dev_, w);
        bytes_ += m.bytes;
        return m;
    };
    for (int64_t il = begin; il < end; ++il) {
        const hearth_layer_desc & L = d.layers[il];
        if (!L.attn_norm || !L.ffn_norm) fail(HEARTH_BK_E_INTERNAL, "Vulkan: layer %lld lacks a norm", (long long)il);
        if (const int op = hearth_missing_op(&d, &L, stage_runs_op); op >= 0) {
            fail(HEARTH_BK_E_UNSUPPORTED, "Vulkan: layer %lld has %s, which this backend does not run", (long long)il,
                 hearth_op_name(op));
        }
        StageLayer s;
        s.attn_norm = vec(L.attn_norm, n_embd_);
        s.ffn_norm = vec(L.ffn_norm, n_embd_);
        s.attn_norm_b = vec(L.attn_norm_b, n_embd_);
        s.ffn_norm_b = vec(L.ffn_norm_b, n_embd_);
        s.bo = vec(L.bo, n_embd_);
        s.attn_post_norm = vec(L.attn_post_norm, n_embd_);
        s.ffn_post_norm = vec(L.ffn_post_norm, n_embd_);
        s.attn_sinks = vec(L.attn_sinks, n_head_);
        s.n_swa = L.n_swa;
        s.rope = ropes_.size();
        const bool yarn = L.rope_yarn != 0;
        for (size_t r = 0; r < ropes_.size(); ++r) {
            if (ropes_[r].base == L.rope_freq_base && ropes_[r].scale == L.rope_freq_scale && ropes_[r].yarn == yarn) s.rope = r;
        }
        if (s.rope == ropes_.size()) ropes_.push_back({L.rope_freq_base, L.rope_freq_scale, yarn});
        s.wq = mat(L.wq);
        s.wk = mat(L.wk);
        s.wv = mat(L.wv);
        s.wo = mat(L.wo);
        s.bq = vec(L.bq, Q);
        s.bk = vec(L.bk, KV);
        s.bv = vec(L.bv, KV);
        s.q_norm = vec(L.q_norm, head_dim_);
        s.k_norm = vec(L.k_norm, head_dim_);
        if (s.wq.rows != Q || s.wk.rows != KV || s.wv.rows != KV || s.wo.rows != n_embd_ || s.wq.cols != n_embd_ ||
            s.wo.cols != Q) {
            fail(HEARTH_BK_E_INTERNAL, "Vulkan: layer %lld attention weights do not match the hyperparameters", (long long)il);
        }
        if (L.ffn_router.data) {
            s.moe = std::make_unique<MoeWeights>(upload_moe(dev_, d, L));
            bytes_ += s.moe->bytes;
            moe_experts_ = std::max(moe_experts_, s.moe->router.rows);
            moe_ff_ = std::max(moe_ff_, s.moe->gate.rows);
        } else {
            dense_ffn_ = true;
            const bool gated = ffn_type_ != HEARTH_FFN_GELU;
            if (gated) s.ffn_gate = mat(L.ffn_gate);
            s.ffn_up = mat(L.ffn_up);
            s.ffn_down = mat(L.ffn_down);
            s.ffn_gate_b = vec(L.ffn_gate_b, n_ff_);
            s.ffn_up_b = vec(L.ffn_up_b, n_ff_);
            s.ffn_down_b = vec(L.ffn_down_b, n_embd_);
            if ((gated && s.ffn_gate.rows != n_ff_) || s.ffn_up.rows != n_ff_ || s.ffn_down.rows != n_embd_ ||
                s.ffn_down.cols != n_ff_) {
                fail(HEARTH_BK_E_INTERNAL, "Vulkan: layer %lld FFN weights do not match the hyperparameters", (long long)il);
            }
        }
        layers_.push_back(std::move(s));
    }
    if (with_output) {
        if (!d.output_norm || !d.output.data) fail(HEARTH_BK_E_INTERNAL, "Vulkan: output head requested without weights");
        if (const int op = hearth_missing_op(&d, nullptr, stage_runs_op); op >= 0) {
            fail(HEARTH_BK_E_UNSUPPORTED, "Vulkan: the head has %s", hearth_op_name(op));
        }
        out_norm_ = vec(d.output_norm, n_embd_);
        out_norm_b_ = vec(d.output_norm_b, n_embd_);
        if (d.logit_scale != 1.0f) logit_scale_ = vec(&d.logit_scale, 1);
        if (d.logit_softcap != 0.0f) logit_softcap_ = vec(&d.logit_softcap, 1);
        output_ = mat(d.output);
        if (output_.rows != n_vocab_ || output_.cols != n_embd_) fail(HEARTH_BK_E_INTERNAL, "Vulkan: output head shape");
    }
    if (d.residual_scale != 1.0f) residual_scale_ = vec(&d.residual_scale, 1);
    ensure_scratch(1, with_output ? 1 : 0);
}

void Stage::ensure_scratch(int64_t n, int64_t logits_rows) {
    if (n > cap_) {
        const int64_t cap = std::max<int64_t>(n, 8);
        const int64_t E = n_embd_, Q = n_head_ * head_dim_, KV = n_head_kv_ * head_dim_, F = dense_ffn_ ? n_ff_ : 1;
        auto f32 = [&](int64_t elems) { return dev_.alloc((uint64_t)(elems * 4), false); };
        x_ = f32(cap * E);
        h_ = f32(cap * E);
        q_ = f32(cap * Q);
        k_ = f32(cap * KV);
        v_ = f32(cap * KV);
        att_ = f32(cap * Q);
        o_ = f32(cap * E);
        gate_ = f32(cap * F);
        up_ = f32(cap * F);
        cs_.clear();
        for (size_t r = 0; r < std::max<size_t>(ropes_.size(), 1); ++r) cs_.push_back(f32(cap * std::max<int64_t>(n_rot_, 2)));
        if (moe_experts_ > 0) moe_.ensure(dev_, cap, n_embd_, moe_experts_, moe_routing_.n_used, moe_ff_);
        cap_ = cap;
    }
    if (logits_rows > logits_cap_) {
        logits_ = dev_.alloc((uint64_t)(logits_rows * n_vocab_ * 4), false);
        logits_cap_ = logits_rows;
    }
}

void Stage::forward(StageKv & kv, float * x, int64_t n, int64_t pos0, float * logits, int64_t logits_rows) {
    if (&kv.stage != this) fail(HEARTH_BK_E_INTERNAL, "Vulkan: KV cache of another stage");
    if (n <= 0) return;
    if (pos0 < 0 || pos0 + n > kv.n_ctx) {
        fail(HEARTH_BK_E_INTERNAL, "Vulkan: forward past the KV cache (%lld + %lld > %lld)", (long long)pos0, (long long)n,
             (long long)kv.n_ctx);
    }
    if (with_output_ && (logits_rows < 0 || logits_rows > n || (logits_rows > 0 && !logits))) {
        fail(HEARTH_BK_E_INTERNAL, "Vulkan: %lld logits rows for %lld tokens", (long long)logits_rows, (long long)n);
    }
    // No rows wanted (a prompt chunk before the last): the head is skipped and x comes back.
    const bool head = with_output_ && logits_rows > 0;
    if (!head) logits_rows = 0;
    std::lock_guard<std::recursive_mutex> lock(dev_.mutex());
    const int64_t E = n_embd_, Q = n_head_ * head_dim_, KV = n_head_kv_ * head_dim_, F = n_ff_, V = n_vocab_;
    // Logit rows go through the head in groups whose buffer fits one binding.
    const int64_t group = head ? std::max<int64_t>(1, std::min<int64_t>(logits_rows,
                                             (int64_t)(dev_.phys().max_storage_range / (uint64_t)(V * 4))))
                                       : 0;
    ensure_scratch(n, group);

    // One cos/sin table per distinct RoPE of the stage's layers (two with sliding layers of their own base).
    const float * freqs = rope_freqs_.empty() ? nullptr : rope_freqs_.data();
    std::vector<std::vector<float>> cs(ropes_.size());
    uint64_t cs_bytes = 0;
    for (size_t r = 0; r < ropes_.size(); ++r) {
        rope_table(cs[r], pos0, n, n_rot_, ropes_[r].base, ropes_[r].scale, freqs, ropes_[r].yarn ? &yarn_ : nullptr,
                   rope_mscale_);
        cs_bytes += cs[r].size() * 4;
    }
    const uint64_t x_bytes = (uint64_t)(n * E * 4);
    const uint64_t out_bytes = head ? (uint64_t)(logits_rows * V * 4) : x_bytes;
    Buffer & st = dev_.staging(std::max(x_bytes + cs_bytes, out_bytes));
    std::memcpy(st.mapped, x, x_bytes);
    uint64_t at = x_bytes;
    for (const std::vector<float> & t : cs) {
        std::memcpy((char *)st.mapped + at, t.data(), t.size() * 4);
        at += t.size() * 4;
    }

    dev_.begin();
    dev_.copy(st, 0, *x_, 0, x_bytes);
    at = x_bytes;
    for (size_t r = 0; r < cs.size(); ++r) {
        dev_.copy(st, at, *cs_[r], 0, cs[r].size() * 4);
        at += cs[r].size() * 4;
    }
    dev_.barrier();
    for (size_t il = 0; il < layers_.size(); ++il) {
        const StageLayer & L = layers_[il];
        rec_norm(dev_, *x_, 0, n, E, L.attn_norm.get(), L.attn_norm_b.get(), layer_norm_, norm_eps_, *h_);
        dev_.barrier();
        rec_matmul(dev_, L.wq, *h_, n, *q_);
        rec_matmul(dev_, L.wk, *h_, n, *k_);
        rec_matmul(dev_, L.wv, *h_, n, *v_);
        dev_.barrier();
        if (L.bq) rec_eltwise(dev_, ELT_ADD, *q_, *L.bq, Q, *q_, n * Q);
        if (L.bk) rec_eltwise(dev_, ELT_ADD, *k_, *L.bk, KV, *k_, n * KV);
        if (L.bv) rec_eltwise(dev_, ELT_ADD, *v_, *L.bv, KV, *v_, n * KV);
        if (L.bq || L.bk || L.bv) dev_.barrier();
        // QK-norm: every head of every token is a row of head_dim (normed in place).
        if (L.q_norm) rec_rms_norm(dev_, *q_, 0, n * n_head_, head_dim_, L.q_norm.get(), norm_eps_, *q_);
        if (L.k_norm) rec_rms_norm(dev_, *k_, 0, n * n_head_kv_, head_dim_, L.k_norm.get(), norm_eps_, *k_);
        if (L.q_norm || L.k_norm) dev_.barrier();
        rec_rope(dev_, *q_, *cs_[L.rope], n, n_head_, head_dim_, n_rot_, neox_);
        rec_rope(dev_, *k_, *cs_[L.rope], n, n_head_kv_, head_dim_, n_rot_, neox_);
        dev_.barrier();
        rec_kv_store(dev_, *k_, *kv.k[il], n, KV, pos0);
        rec_kv_store(dev_, *v_, *kv.v[il], n, KV, pos0);
        dev_.barrier();
        rec_attention(dev_, *q_, *kv.k[il], *kv.v[il], *att_, n, n_head_, n_head_kv_, head_dim_, pos0, attn_scale_, L.n_swa,
                      attn_softcap_, L.attn_sinks.get());
        dev_.barrier();
        rec_matmul(dev_, L.wo, *att_, n, *o_);
        dev_.barrier();
        if (L.bo) {
            rec_eltwise(dev_, ELT_ADD, *o_, *L.bo, E, *o_, n * E);
            dev_.barrier();
        }
        add_block_output(L.attn_post_norm, n);
        rec_norm(dev_, *x_, 0, n, E, L.ffn_norm.get(), L.ffn_norm_b.get(), layer_norm_, norm_eps_, *h_);
        dev_.barrier();
        if (L.moe) {
            rec_moe_ffn(dev_, moe_routing_, *L.moe, *h_, n, moe_, *o_);
            dev_.barrier();
            add_block_output(L.ffn_post_norm, n);
            continue;
        }
        if (ffn_type_ != HEARTH_FFN_GELU) rec_matmul(dev_, L.ffn_gate, *h_, n, *gate_);
        rec_matmul(dev_, L.ffn_up, *h_, n, *up_);
        dev_.barrier();
        if (L.ffn_gate_b) rec_eltwise(dev_, ELT_ADD, *gate_, *L.ffn_gate_b, F, *gate_, n * F);
        if (L.ffn_up_b) rec_eltwise(dev_, ELT_ADD, *up_, *L.ffn_up_b, F, *up_, n * F);
        if (L.ffn_gate_b || L.ffn_up_b) dev_.barrier();
        // The FFN's middle goes to gate_: silu(gate) * up, gelu(gate) * up, or gelu(up).
        const EltOp mid = ffn_type_ == HEARTH_FFN_GELU ? ELT_GELU : ffn_type_ == HEARTH_FFN_GEGLU ? ELT_GEGLU : ELT_SWIGLU;
        if (mid == ELT_GELU) rec_eltwise(dev_, ELT_GELU, *up_, *up_, n * F, *gate_, n * F);
        else rec_eltwise(dev_, mid, *gate_, *up_, n * F, *gate_, n * F);
        dev_.barrier();
        rec_matmul(dev_, L.ffn_down, *gate_, n, *o_);
        dev_.barrier();
        if (L.ffn_down_b) {
            rec_eltwise(dev_, ELT_ADD, *o_, *L.ffn_down_b, E, *o_, n * E);
            dev_.barrier();
        }
        add_block_output(L.ffn_post_norm, n);
    }
    if (head) {
        // The last logits_rows rows of x: output norm, then the head, group by group.
        for (int64_t r0 = 0; r0 < logits_rows; r0 += group) {
            const int64_t rows = std::min(group, logits_rows - r0);
            rec_norm(dev_, *x_, n - logits_rows + r0, rows, E, out_norm_.get(), out_norm_b_.get(), layer_norm_, norm_eps_,
                     *h_);
            dev_.barrier();
            rec_matmul(dev_, output_, *h_, rows, *logits_);
            dev_.barrier();
            if (logit_scale_) {
                rec_eltwise(dev_, ELT_MUL, *logits_, *logit_scale_, 1, *logits_, rows * V);
                dev_.barrier();
            }
            if (logit_softcap_) {
                rec_eltwise(dev_, ELT_SOFTCAP, *logits_, *logit_softcap_, 1, *logits_, rows * V);
                dev_.barrier();
            }
            dev_.copy(*logits_, 0, st, (uint64_t)(r0 * V * 4), (uint64_t)(rows * V * 4));
            dev_.barrier();
        }
    } else {
        dev_.copy(*x_, 0, st, 0, x_bytes);
    }
    dev_.submit_wait();
    if (head) std::memcpy(logits, st.mapped, out_bytes);
    else std::memcpy(x, st.mapped, x_bytes);
}

void Stage::add_block_output(const BufferPtr & post_norm, int64_t n) {
    const int64_t E = n_embd_;
    if (post_norm) {
        rec_norm(dev_, *o_, 0, n, E, post_norm.get(), nullptr, layer_norm_, norm_eps_, *o_);
        dev_.barrier();
    }
    if (residual_scale_) {
        rec_eltwise(dev_, ELT_MUL, *o_, *residual_scale_, 1, *o_, n * E);
        dev_.barrier();
    }
    rec_eltwise(dev_, ELT_ADD, *x_, *o_, n * E, *x_, n * E);
    dev_.barrier();
}

void Stage::shift(StageKv & kv, int64_t src, int64_t dst, int64_t n) {
    if (&kv.stage != this) fail(HEARTH_BK_E_INTERNAL, "Vulkan: KV cache of another stage");
    if (n <= 0 || src == dst) return;
    if (src < 0 || dst < 0 || src + n > kv.n_ctx || dst + n > kv.n_ctx) {
        fail(HEARTH_BK_E_INTERNAL, "Vulkan: kv_shift [%lld, +%lld) -> %lld outside %lld positions", (long long)src,
             (long long)n, (long long)dst, (long long)kv.n_ctx);
    }
    // Rare (context shift): done on the host, with the same double-precision
    // angles as the CPU engine's rope_shift_keys.
    std::lock_guard<std::recursive_mutex> lock(dev_.mutex());
    const int64_t row = kv_row(), half = n_rot_ / 2;
    const uint64_t bytes = (uint64_t)(n * row * 2);
    std::vector<uint16_t> h((size_t)(n * row));
    std::vector<float> cs;
    for (size_t il = 0; il < kv.k.size(); ++il) {
        // Each layer turns by its own RoPE (sliding layers may have another base).
        // A pure rotation by the (YaRN-mixed) angles: the keys carry their magnitude already.
        const RopeSet & r = ropes_[layers_[il].rope];
        RopeYarn turn = yarn_;
        turn.mscale = 1.0f;
        rope_table(cs, dst - src, 1, n_rot_, r.base, r.scale, rope_freqs_.empty() ? nullptr : rope_freqs_.data(),
                   r.yarn ? &turn : nullptr);
        dev_.download(*kv.k[il], (uint64_t)(src * row * 2), h.data(), bytes);
        for (int64_t p = 0; p < n; ++p) {
            for (int64_t hd = 0; hd < n_head_kv_; ++hd) {
                uint16_t * v = h.data() + p * row + hd * head_dim_;
                for (int64_t i = 0; i < half; ++i) {
                    const int64_t a = neox_ ? i : 2 * i, b = neox_ ? i + half : 2 * i + 1;
                    const float c = cs[(size_t)(2 * i)], s = cs[(size_t)(2 * i + 1)];
                    const float x0 = fp16_to_f32(v[a]), x1 = fp16_to_f32(v[b]);
                    v[a] = fp16_from_f32(x0 * c - x1 * s);
                    v[b] = fp16_from_f32(x0 * s + x1 * c);
                }
            }
        }
        dev_.upload(*kv.k[il], (uint64_t)(dst * row * 2), h.data(), bytes);
        dev_.download(*kv.v[il], (uint64_t)(src * row * 2), h.data(), bytes);
        dev_.upload(*kv.v[il], (uint64_t)(dst * row * 2), h.data(), bytes);
    }
}

StageKv::StageKv(Stage & s, int64_t ctx) : stage(s), n_ctx(ctx) {
    if (ctx <= 0) fail(HEARTH_BK_E_INTERNAL, "Vulkan: KV cache of %lld positions", (long long)ctx);
    const uint64_t bytes = (uint64_t)(ctx * s.kv_row() * 2);
    if (bytes > s.dev().phys().max_storage_range) {
        fail(HEARTH_BK_E_UNSUPPORTED, "Vulkan: a layer's KV cache (%llu bytes) exceeds maxStorageBufferRange",
             (unsigned long long)bytes);
    }
    for (int64_t il = 0; il < s.n_layers(); ++il) {
        k.push_back(s.dev().alloc(bytes, false));
        v.push_back(s.dev().alloc(bytes, false));
    }
}

} // namespace hearth::vk
