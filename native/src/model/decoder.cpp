#include "model/decoder.h"

#include <cmath>
#include <mutex>
#include <vector>

#include "backend/cpu/decoder-layer.h"
#include "backend/registry.h"
#include "common/checked-size.h"
#include "common/status.h"
#include "gguf/gguf-reader.h"
#include "model/kv-cache.h"
#include "model/longrope.h"
#include "model/weights.h"

namespace hearth {

namespace {

hearth_weight as_desc(const WeightMatrix & w) {
    hearth_weight o;
    o.data = w.data;
    o.type = (int)w.type;
    o.rows = w.rows;
    o.cols = w.cols;
    return o;
}

hearth_experts as_desc(const ExpertMatrices & x) {
    hearth_experts o;
    o.all = as_desc(x.all);
    o.n_expert = x.n_expert;
    o.rows = x.rows;
    return o;
}

class Decoder : public ModelArch {
public:
    Decoder(const GgufFile & file, const ModelHparams & hp, const DecoderOptions & opt) : hp_(hp), opt_(opt) {
        hp_.rope_neox = opt.rope_neox;
        if (!opt.swa_layers.empty() && (int64_t)opt.swa_layers.size() != hp_.n_layer) {
            throw_error(STATUS_E_INTERNAL, "sliding-window pattern has %zu layers, the model %lld", opt.swa_layers.size(),
                        (long long)hp_.n_layer);
        }
        WeightBinder bind(file);

        // hp was checked against the tensor table (hparams-check.h): n_vocab
        // comes from the embedding, the layer count from the blocks present,
        // and the head products equal the Q/K rows, so none of these overflow.
        const int64_t E = hp_.n_embd, D = hp_.head_dim, Q = hp_.n_head * D, KV = hp_.n_head_kv * D, F = hp_.n_ff;
        const bool layer_norm = opt.norm == HEARTH_NORM_LAYER;
        // Fused tensors' row counts: KV <= Q (head_count_kv divides head_count), so these
        // are at most 3Q and 2F, checked here because no tensor pinned them in hparams_check.
        int64_t QKV = 0, F2 = 0;
        if (!checked_mul(KV, 2, &QKV) || !checked_add(QKV, Q, &QKV) || !checked_mul(F, 2, &F2)) {
            throw_error(STATUS_E_MODEL_BAD_HPARAMS, "%s: fused QKV or gate-up rows overflow", hp_.arch.c_str());
        }

        tok_embd_ = bind.matrix("token_embd.weight", hp_.n_vocab, E);
        desc_.output_norm = bind.vector("output_norm.weight", E);
        if (layer_norm) desc_.output_norm_b = bind.vector("output_norm.bias", E);
        WeightMatrix output = bind.matrix("output.weight", hp_.n_vocab, E, /*optional=*/true);
        desc_.output = as_desc(output ? output : tok_embd_);  // tied embeddings
        // Llama 3 rope scaling: per-dimension-pair divisors of theta.
        desc_.rope_freqs = bind.vector("rope_freqs.weight", hp_.n_rot / 2, /*optional=*/true);
        if (hp_.rope_longrope) {
            if (!opt.longrope) {
                throw_error(STATUS_E_MODEL_UNSUPPORTED_ARCH,
                            "%s: LongRoPE scaling (rope.scaling.type longrope, or %s and %s) is supported for phi3 only",
                            hp_.arch.c_str(), LONGROPE_FACTORS_LONG, LONGROPE_FACTORS_SHORT);
            }
            // llama.cpp's phi3 has no rope_freqs tensor: one set of divisors or the other, never both.
            if (desc_.rope_freqs) {
                throw_error(STATUS_E_MODEL_BAD_TENSOR, "tensor rope_freqs.weight beside LongRoPE's %s and %s",
                            LONGROPE_FACTORS_LONG, LONGROPE_FACTORS_SHORT);
            }
            longrope_ = longrope_bind(file, bind, hp_);
        }

        layers_.assign((size_t)hp_.n_layer, hearth_layer_desc{});
        for (int64_t il = 0; il < hp_.n_layer; ++il) {
            auto name = [il](const char * what) { return "blk." + std::to_string(il) + "." + what; };
            auto bias = [&](const char * what, int64_t n, BiasPolicy p) -> const float * {
                return p == BIAS_POLICY_NONE ? nullptr : bind.vector(name(what), n, p == BIAS_POLICY_OPTIONAL);
            };
            hearth_layer_desc & L = layers_[(size_t)il];
            L.attn_norm = bind.vector(name("attn_norm.weight"), E);
            if (layer_norm) L.attn_norm_b = bind.vector(name("attn_norm.bias"), E);
            WeightMatrix qkv = opt.fused_qkv_allowed ? bind.matrix(name("attn_qkv.weight"), QKV, E, /*optional=*/true)
                                                     : WeightMatrix{};
            if (qkv) {
                L.wq = as_desc(qkv.row_slice(0, Q));
                L.wk = as_desc(qkv.row_slice(Q, KV));
                L.wv = as_desc(qkv.row_slice(Q + KV, KV));
                if (const float * b = bias("attn_qkv.bias", QKV, BIAS_POLICY_OPTIONAL)) {
                    L.bq = b;
                    L.bk = b + Q;
                    L.bv = b + Q + KV;
                }
            } else {
                L.wq = as_desc(bind.matrix(name("attn_q.weight"), Q, E));
                L.wk = as_desc(bind.matrix(name("attn_k.weight"), KV, E));
                L.wv = as_desc(bind.matrix(name("attn_v.weight"), KV, E));
                L.bq = bias("attn_q.bias", Q, opt.qkv_bias);
                L.bk = bias("attn_k.bias", KV, opt.qkv_bias);
                L.bv = bias("attn_v.bias", KV, opt.qkv_bias);
            }
            if (opt.qk_norm) {
                L.q_norm = bind.vector(name("attn_q_norm.weight"), D);
                L.k_norm = bind.vector(name("attn_k_norm.weight"), D);
            }
            L.wo = as_desc(bind.matrix(name("attn_output.weight"), E, Q));
            L.bo = bias("attn_output.bias", E, opt.linear_bias);
            if (opt.post_norms) L.attn_post_norm = bind.vector(name("post_attention_norm.weight"), E);
            const std::string ffn_norm = opt.ffn_norm_name;
            L.ffn_norm = bind.vector(name((ffn_norm + ".weight").c_str()), E);
            if (layer_norm) L.ffn_norm_b = bind.vector(name((ffn_norm + ".bias").c_str()), E);
            if (opt.attn_sinks) L.attn_sinks = bind.vector(name("attn_sinks.weight"), hp_.n_head);
            if (opt.moe) {
                const int64_t X = hp_.n_expert, FX = hp_.n_ff_exp;
                L.ffn_router = as_desc(bind.matrix(name("ffn_gate_inp.weight"), X, E));
                L.ffn_gate_exps = as_desc(bind.experts(name("ffn_gate_exps.weight"), X, FX, E));
                L.ffn_up_exps = as_desc(bind.experts(name("ffn_up_exps.weight"), X, FX, E));
                L.ffn_down_exps = as_desc(bind.experts(name("ffn_down_exps.weight"), X, E, FX));
                if (opt.moe_biases) {
                    L.ffn_router_b = bind.vector(name("ffn_gate_inp.bias"), X);
                    L.ffn_gate_exps_b = bind.table(name("ffn_gate_exps.bias"), X, FX);
                    L.ffn_up_exps_b = bind.table(name("ffn_up_exps.bias"), X, FX);
                    L.ffn_down_exps_b = bind.table(name("ffn_down_exps.bias"), X, E);
                }
            } else {
                if (opt.fused_gate_up) {
                    WeightMatrix gate_up = bind.matrix(name("ffn_up.weight"), F2, E);
                    L.ffn_gate = as_desc(gate_up.row_slice(0, F));
                    L.ffn_up = as_desc(gate_up.row_slice(F, F));
                } else {
                    if (opt.ffn != HEARTH_FFN_GELU) L.ffn_gate = as_desc(bind.matrix(name("ffn_gate.weight"), F, E));
                    L.ffn_up = as_desc(bind.matrix(name("ffn_up.weight"), F, E));
                }
                L.ffn_down = as_desc(bind.matrix(name("ffn_down.weight"), E, F));
                if (opt.ffn != HEARTH_FFN_GELU) L.ffn_gate_b = bias("ffn_gate.bias", F, opt.linear_bias == BIAS_POLICY_NONE ? BIAS_POLICY_NONE : BIAS_POLICY_OPTIONAL);
                L.ffn_up_b = bias("ffn_up.bias", F, opt.linear_bias);
                L.ffn_down_b = bias("ffn_down.bias", E, opt.linear_bias);
            }
            if (opt.post_norms) L.ffn_post_norm = bind.vector(name("post_ffw_norm.weight"), E);
            const bool slides = !opt.swa_layers.empty() && opt.swa_layers[(size_t)il];
            L.n_swa = slides ? opt.n_swa : 0;
            L.rope_freq_base = slides ? opt.rope_freq_base_swa : hp_.rope_freq_base;
            L.rope_freq_scale = slides ? opt.rope_freq_scale_swa : hp_.rope_freq_scale;
            L.rope_yarn = hp_.rope_yarn && (!slides || opt.rope_yarn_swa) ? 1 : 0;
        }
        storage_ = bind.take_storage();

        desc_.n_embd = hp_.n_embd;
        desc_.n_layer = hp_.n_layer;
        // A MoE model's feed_forward_length sizes no tensor (its experts are
        // n_ff_exp wide), so it must size no buffer either: a file could set it
        // to anything. The dense FFN's width is 0 when every layer has experts.
        desc_.n_ff = opt.moe ? 0 : hp_.n_ff;
        desc_.n_head = hp_.n_head;
        desc_.n_head_kv = hp_.n_head_kv;
        desc_.head_dim = hp_.head_dim;
        desc_.n_rot = hp_.n_rot;
        desc_.n_vocab = hp_.n_vocab;
        desc_.norm_eps = hp_.norm_eps;
        desc_.rope_freq_base = hp_.rope_freq_base;
        desc_.rope_freq_scale = hp_.rope_freq_scale;
        desc_.rope_neox = hp_.rope_neox ? 1 : 0;
        desc_.norm_type = opt.norm;
        desc_.ffn_type = opt.ffn;
        desc_.attn_scale = opt.attn_scale > 0.0f ? opt.attn_scale : 1.0f / std::sqrt((float)hp_.head_dim);
        desc_.attn_softcap = opt.attn_softcap;
        desc_.residual_scale = opt.residual_scale;
        desc_.logit_scale = opt.logit_scale;
        desc_.logit_softcap = opt.logit_softcap;
        if (hp_.rope_yarn) {
            rope_yarn_corr_dims(hp_.n_rot, hp_.rope_ctx_orig, hp_.rope_freq_base, hp_.rope_yarn_beta_fast,
                                hp_.rope_yarn_beta_slow, &desc_.rope_yarn_low, &desc_.rope_yarn_high);
        }
        desc_.rope_yarn_mscale = hp_.rope_yarn_mscale;
        desc_.rope_mscale = hp_.rope_attn_factor;  // 1 with YaRN (its mscale holds the factor)
        desc_.n_expert_used = hp_.n_expert_used;
        desc_.moe_normalize = opt.moe_normalize_weights ? 1 : 0;
        desc_.moe_weights_scale = hp_.expert_weights_scale;
        desc_.moe_gating = opt.moe_gating;
        desc_.moe_act = opt.moe_act;
        desc_.layers = layers_.data();
        set_context(hparams_default_context(hp_));
    }

    void set_context(int64_t n_ctx) override {
        if (longrope_) desc_.rope_freqs = longrope_.factors_for(n_ctx);
    }

    const ModelHparams & hparams() const override { return hp_; }

    void rope_shift_keys(int64_t layer, float * k, int64_t delta) const override {
        decoder_rope_shift_keys(desc_, layers_.at((size_t)layer), k, delta);
    }

    // Placement keeps each layer with an op a backend lacks (the experts, say) on the CPU and says why.
    const hearth_decoder_desc * backend_desc() const override { return &desc_; }

    void forward(const CpuContext & ctx, const ForwardBatch & b) const override {
        const int64_t n = b.n_tokens;
        const int64_t E = hp_.n_embd, V = hp_.n_vocab;
        const StageRun * st = b.stage;
        const int64_t n_cpu = st ? st->layer_begin : hp_.n_layer;
        KvCache & kv = *b.kv;
        if (b.pos0 + n > kv.n_ctx()) {
            throw_error(STATUS_E_INTERNAL, "forward past the KV cache (%lld + %lld > %lld)", (long long)b.pos0,
                        (long long)n, (long long)kv.n_ctx());
        }
        if (kv.n_layer() < n_cpu) throw_error(STATUS_E_INTERNAL, "KV cache holds %lld layers, %lld run on the CPU",
                                              (long long)kv.n_layer(), (long long)n_cpu);

        // The residual stream and layer scratch outlive the call: their pages
        // stay mapped, so a prompt batch no longer pays tens of MB of zeroing
        // and page faults (~9% of a 0.5B pp512). A second session forwarding
        // at the same moment takes its own.
        std::unique_lock<std::mutex> lock(scratch_mu_, std::try_to_lock);
        ForwardScratch local;
        ForwardScratch & fs = lock.owns_lock() ? scratch_ : local;
        std::vector<float> & x = fs.x;
        x.resize(checked_size("residual stream", {n, E}));  // [n][E], every row written below
        for (int64_t t = 0; t < n; ++t) {
            const TokenId id = b.tokens[t];
            if (id < 0 || id >= V) throw_error(STATUS_E_INVALID_ARGUMENT, "token id %d is outside the vocab (%lld)", id, (long long)V);
            cpu_get_row(tok_embd_.type, tok_embd_.data, E, id, x.data() + t * E);
        }
        if (opt_.embd_scale != 1.0f) {
            for (float & v : x) v *= opt_.embd_scale;
        }

        DecoderScratch & s = fs.layers;
        for (int64_t il = 0; il < n_cpu; ++il) {
            decoder_layer_cpu(ctx, desc_, layers_[(size_t)il], x.data(), n, b.pos0, kv.k(il), kv.v(il), s);
        }

        // Only the rows whose logits are wanted go through the output head.
        const int64_t first = b.all_logits ? 0 : n - 1;
        const int64_t rows = n - first;
        if (st && st->layer_begin < hp_.n_layer) {
            char err[HEARTH_BK_ERR_LEN] = {0};
            int rc = st->backend->stage_forward(st->stage, st->kv, x.data(), n, b.pos0,
                                                st->with_output ? b.logits : nullptr, st->with_output ? rows : 0, err);
            if (rc != HEARTH_BK_OK) throw BackendError(backend_status(rc), std::string(st->backend->name) + ": " + err);
            if (st->with_output) return;
        }
        decoder_head_cpu(ctx, desc_, x.data() + first * E, rows, b.logits, s);
    }

private:
    ModelHparams hp_;
    DecoderOptions opt_;
    WeightMatrix tok_embd_;                   // [n_vocab][n_embd]
    std::vector<hearth_layer_desc> layers_;   // [n_layer]: the one description of each layer's weights
    hearth_decoder_desc desc_{};              // points into layers_ and the mapping
    LongRope longrope_;                       // empty unless the model has LongRoPE
    std::vector<std::unique_ptr<std::vector<float>>> storage_;  // converted norms/biases
    struct ForwardScratch {
        std::vector<float> x;  // [n][n_embd] residual stream
        DecoderScratch layers;
    };
    mutable std::mutex scratch_mu_;  // held by the forward using scratch_
    mutable ForwardScratch scratch_;
};

} // namespace

std::unique_ptr<ModelArch> decoder_create(const GgufFile & file, const ModelHparams & hp, const DecoderOptions & options) {
    return std::make_unique<Decoder>(file, hp, options);
}

} // namespace hearth
