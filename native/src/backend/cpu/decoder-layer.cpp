#include "backend/cpu/decoder-layer.h"

#include <algorithm>
#include <cmath>

#include "common/checked-size.h"

namespace hearth {

namespace {

void matmul(const CpuContext & ctx, const hearth_weight & w, const float * x, int64_t n, float * y) {
    cpu_matmul(ctx, (GgmlType)w.type, w.data, w.rows, w.cols, x, n, y);
}

// out[n][n_embd] = the decoder's norm of each row of x with weight w (and
// bias b for LayerNorm). out may be x.
void norm_rows(const CpuContext & ctx, const hearth_decoder_desc & d, const float * x, const float * w, const float * b,
               int64_t n, float * out) {
    const int64_t E = d.n_embd;
    for (int64_t t = 0; t < n; ++t) {
        if (d.norm_type == HEARTH_NORM_LAYER) cpu_layer_norm(x + t * E, w, b, E, d.norm_eps, out + t * E);
        else cpu_rms_norm(ctx, x + t * E, w, E, d.norm_eps, out + t * E);
    }
}

// x[n][n_embd] += o, where o is a sub-block's output: first its post-norm
// (gemma2/3) and the residual multiplier (granite) when the model has them.
void add_block_output(const CpuContext & ctx, const hearth_decoder_desc & d, const float * post_norm, float * o,
                      int64_t n, float * x) {
    const int64_t E = d.n_embd;
    if (post_norm) norm_rows(ctx, d, o, post_norm, nullptr, n, o);
    if (d.residual_scale != 1.0f) {
        for (int64_t i = 0; i < n * E; ++i) o[i] *= d.residual_scale;
    }
    cpu_add(ctx, x, o, x, n * E);
}

// Tokens per pass of the dense FFN. Its gate and up rows are n_ff wide, the
// batch's largest scratch: at 512 tokens of a 1.5B Qwen2.5 (n_ff 8960) they
// were 35 MiB, over half the peak RSS beyond weights and KV. 128 keeps them
// at 9 MiB, and the mat-mats at 128 columns run as fast as at 512.
constexpr int64_t FFN_ROWS = 128;

// v holds at least rows * width floats; the product is checked because the
// batch size comes from a caller and the widths from a model file.
void grow(std::vector<float> & v, const char * what, int64_t rows, int64_t width) {
    const size_t n = checked_size(what, {rows, width}, sizeof(float));
    if (v.size() < n) v.resize(n);
}

} // namespace

void DecoderScratch::reserve(const hearth_decoder_desc & d, int64_t n) {
    int64_t Q = 0, KV = 0;
    if (!checked_mul(d.n_head, d.head_dim, &Q) || !checked_mul(d.n_head_kv, d.head_dim, &KV)) {
        throw_error(STATUS_E_OUT_OF_MEMORY, "decoder scratch: head count times head size overflows");
    }
    int64_t attn_width = 0, ffn_width = 0;  // floats per token in `work`
    if (!checked_add(Q, KV, &attn_width) || !checked_mul(attn_width, 2, &attn_width) ||
        !checked_mul(d.n_ff, 2, &ffn_width)) {
        throw_error(STATUS_E_OUT_OF_MEMORY, "decoder scratch: layer widths overflow");
    }
    grow(h, "decoder scratch", n, d.n_embd);
    grow(o, "decoder scratch", n, d.n_embd);
    grow(work, "decoder scratch", n, attn_width);
    grow(work, "decoder scratch", std::min(n, FFN_ROWS), ffn_width);
}

void decoder_attention_cpu(const CpuContext & ctx, const hearth_decoder_desc & d, const hearth_layer_desc & L,
                           float * x, int64_t n, int64_t pos0, uint16_t * kc, uint16_t * vc, DecoderScratch & s) {
    const int64_t E = d.n_embd, D = d.head_dim, H = d.n_head, HKV = d.n_head_kv;
    const int64_t Q = H * D, KV = HKV * D;
    const bool neox = d.rope_neox != 0;
    s.reserve(d, n);
    float * h = s.h.data(), * o = s.o.data();
    float * q = s.work.data(), * k = q + n * Q, * v = k + n * KV, * att = v + n * KV;

    norm_rows(ctx, d, x, L.attn_norm, L.attn_norm_b, n, h);
    matmul(ctx, L.wq, h, n, q);
    matmul(ctx, L.wk, h, n, k);
    matmul(ctx, L.wv, h, n, v);
    cpu_add_rows(ctx, q, L.bq, n, Q);
    cpu_add_rows(ctx, k, L.bk, n, KV);
    cpu_add_rows(ctx, v, L.bv, n, KV);
    // QK-norm (qwen3, gemma3): each head of each token on its own, in place; always RMS.
    if (L.q_norm) for (int64_t r = 0; r < n * H; ++r) cpu_rms_norm(ctx, q + r * D, L.q_norm, D, d.norm_eps, q + r * D);
    if (L.k_norm) for (int64_t r = 0; r < n * HKV; ++r) cpu_rms_norm(ctx, k + r * D, L.k_norm, D, d.norm_eps, k + r * D);

    RopeYarn yarn;
    yarn.low = d.rope_yarn_low;
    yarn.high = d.rope_yarn_high;
    yarn.mscale = d.rope_yarn_mscale;
    const RopeYarn * y = L.rope_yarn ? &yarn : nullptr;
    const float mscale = d.rope_mscale != 0.0f ? d.rope_mscale : 1.0f;  // LongRoPE's attention factor
    for (int64_t t = 0; t < n; ++t) {
        const int64_t pos = pos0 + t;
        cpu_rope(q + t * Q, H, D, d.n_rot, pos, L.rope_freq_base, L.rope_freq_scale, neox, d.rope_freqs, y, mscale);
        cpu_rope(k + t * KV, HKV, D, d.n_rot, pos, L.rope_freq_base, L.rope_freq_scale, neox, d.rope_freqs, y, mscale);
        cpu_f32_to_f16(k + t * KV, kc + pos * KV, KV);
        cpu_f32_to_f16(v + t * KV, vc + pos * KV, KV);
    }

    AttentionArgs a;
    a.q = q;
    a.k = kc;
    a.v = vc;
    a.out = att;
    a.n_tokens = n;
    a.n_head = H;
    a.n_head_kv = HKV;
    a.head_dim = D;
    a.n_kv = pos0 + n;
    a.pos0 = pos0;
    a.scale = d.attn_scale;
    a.window = L.n_swa;
    a.softcap = d.attn_softcap;
    a.sinks = L.attn_sinks;
    cpu_attention(ctx, a);

    matmul(ctx, L.wo, att, n, o);
    cpu_add_rows(ctx, o, L.bo, n, E);
    add_block_output(ctx, d, L.attn_post_norm, o, n, x);
}

void decoder_ffn_cpu(const CpuContext & ctx, const hearth_decoder_desc & d, const hearth_layer_desc & L, float * x,
                     int64_t n, DecoderScratch & s) {
    const int64_t E = d.n_embd, F = d.n_ff;
    s.reserve(d, n);
    float * h = s.h.data(), * o = s.o.data();
    float * gate = s.work.data(), * up = gate + std::min(n, FFN_ROWS) * F;
    norm_rows(ctx, d, x, L.ffn_norm, L.ffn_norm_b, n, h);
    // FFN_ROWS tokens at a time: the F-wide rows are the batch's largest
    // scratch (see FFN_ROWS).
    for (int64_t r0 = 0; r0 < n; r0 += FFN_ROWS) {
        const int64_t rows = std::min(FFN_ROWS, n - r0);
        const float * hr = h + r0 * E;
        matmul(ctx, L.ffn_up, hr, rows, up);
        cpu_add_rows(ctx, up, L.ffn_up_b, rows, F);
        float * mid = gate;  // [rows][F]: what ffn_down reads
        switch (d.ffn_type) {
        case HEARTH_FFN_GELU:
            cpu_gelu(ctx, up, mid, rows * F);
            break;
        case HEARTH_FFN_GEGLU:
            matmul(ctx, L.ffn_gate, hr, rows, gate);
            cpu_add_rows(ctx, gate, L.ffn_gate_b, rows, F);
            cpu_gelu(ctx, gate, gate, rows * F);
            cpu_mul(ctx, gate, up, mid, rows * F);
            break;
        default:
            matmul(ctx, L.ffn_gate, hr, rows, gate);
            cpu_add_rows(ctx, gate, L.ffn_gate_b, rows, F);
            cpu_swiglu(ctx, gate, up, mid, rows * F);
            break;
        }
        matmul(ctx, L.ffn_down, mid, rows, o + r0 * E);
    }
    cpu_add_rows(ctx, o, L.ffn_down_b, n, E);
    add_block_output(ctx, d, L.ffn_post_norm, o, n, x);
}

void decoder_moe_ffn_cpu(const CpuContext & ctx, const hearth_decoder_desc & d, const hearth_layer_desc & L, float * x,
                         int64_t n, DecoderScratch & s) {
    s.reserve(d, n);
    float * h = s.h.data(), * o = s.o.data();
    norm_rows(ctx, d, x, L.ffn_norm, L.ffn_norm_b, n, h);
    moe_ffn_cpu(ctx, d, L, h, n, o, s.moe);
    add_block_output(ctx, d, L.ffn_post_norm, o, n, x);
}

void decoder_layer_cpu(const CpuContext & ctx, const hearth_decoder_desc & d, const hearth_layer_desc & L,
                       float * x, int64_t n, int64_t pos0, uint16_t * kc, uint16_t * vc, DecoderScratch & s) {
    decoder_attention_cpu(ctx, d, L, x, n, pos0, kc, vc, s);
    if (L.ffn_router.data) decoder_moe_ffn_cpu(ctx, d, L, x, n, s);
    else decoder_ffn_cpu(ctx, d, L, x, n, s);
}

void decoder_head_cpu(const CpuContext & ctx, const hearth_decoder_desc & d, const float * x, int64_t rows,
                      float * logits, DecoderScratch & s) {
    s.reserve(d, rows);
    norm_rows(ctx, d, x, d.output_norm, d.output_norm_b, rows, s.h.data());
    matmul(ctx, d.output, s.h.data(), rows, logits);
    if (d.logit_scale != 1.0f) {
        for (int64_t i = 0; i < rows * d.n_vocab; ++i) logits[i] *= d.logit_scale;
    }
    if (d.logit_softcap != 0.0f) {
        const float c = d.logit_softcap;
        for (int64_t i = 0; i < rows * d.n_vocab; ++i) logits[i] = c * std::tanh(logits[i] / c);
    }
}

void decoder_rope_shift_keys(const hearth_decoder_desc & d, const hearth_layer_desc & L, float * k, int64_t delta) {
    // A pure rotation by the YaRN-mixed angles (and the model's factor set):
    // the keys carry their magnitude (either mscale) already. llama.cpp's
    // shift scales them again; Hearth's keeps what a fresh evaluation gives.
    RopeYarn yarn;
    yarn.low = d.rope_yarn_low;
    yarn.high = d.rope_yarn_high;
    cpu_rope(k, d.n_head_kv, d.head_dim, d.n_rot, delta, L.rope_freq_base, L.rope_freq_scale, d.rope_neox != 0,
             d.rope_freqs, L.rope_yarn ? &yarn : nullptr);
}

} // namespace hearth
