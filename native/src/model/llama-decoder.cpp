#include "model/llama-decoder.h"

#include <cmath>
#include <vector>

#include "backend/registry.h"
#include "common/checked-size.h"
#include "common/status.h"
#include "engine/kv-cache.h"
#include "gguf/gguf-reader.h"
#include "model/decoder-layer.h"
#include "model/hparams-check.h"
#include "model/weights.h"

namespace hearth {

namespace {

struct LayerWeights {
    const float * attn_norm = nullptr;  // [n_embd]
    WeightMatrix wq;                    // [n_head * head_dim][n_embd]
    WeightMatrix wk;                    // [n_head_kv * head_dim][n_embd]
    WeightMatrix wv;                    // [n_head_kv * head_dim][n_embd]
    const float * bq = nullptr;         // [n_head * head_dim] (qwen2)
    const float * bk = nullptr;         // [n_head_kv * head_dim]
    const float * bv = nullptr;         // [n_head_kv * head_dim]
    const float * q_norm = nullptr;     // [head_dim] (qwen3)
    const float * k_norm = nullptr;     // [head_dim]
    WeightMatrix wo;                    // [n_embd][n_head * head_dim]
    const float * ffn_norm = nullptr;   // [n_embd]
    WeightMatrix ffn_gate;              // [n_ff][n_embd]
    WeightMatrix ffn_up;                // [n_ff][n_embd]
    WeightMatrix ffn_down;              // [n_embd][n_ff]
    MoeFfnWeights moe;                  // instead of the three above (qwen3moe)
};


class LlamaDecoder : public ModelArch {
public:
    LlamaDecoder(const GgufFile & file, const std::string & arch, const LlamaDecoderOptions & opt) {
        // Checked against the tensor table (hparams-check.h) before the layer
        // list or any product below is formed: n_vocab comes from the
        // embedding, the layer count from the blocks present, and the head
        // products equal the Q/K rows, so none of them can overflow.
        // A MoE file has no dense ffn_up: its feed_forward_length is checked by hparams_read_moe's rule.
        HparamsTensorNames names;
        if (opt.moe) names.ffn_up = nullptr;
        hp_ = hparams_read_common(file, arch, &names);
        if (opt.moe) hparams_read_moe(file, hp_);
        hp_.rope_neox = opt.rope_neox;
        moe_ = opt.moe;
        moe_opt_.n_expert_used = hp_.n_expert_used;
        moe_opt_.normalize_weights = opt.moe_normalize_weights;
        moe_opt_.weights_scale = hp_.expert_weights_scale;
        WeightBinder bind(file);

        const int64_t E = hp_.n_embd, D = hp_.head_dim, Q = hp_.n_head * D, KV = hp_.n_head_kv * D, F = hp_.n_ff;

        tok_embd_ = bind.matrix("token_embd.weight", hp_.n_vocab, E);
        output_norm_ = bind.vector("output_norm.weight", E);
        output_ = bind.matrix("output.weight", hp_.n_vocab, E, /*optional=*/true);
        if (!output_) output_ = tok_embd_;  // tied embeddings
        // Llama 3 rope scaling: per-dimension-pair divisors of theta.
        rope_freqs_ = bind.vector("rope_freqs.weight", hp_.n_rot / 2, /*optional=*/true);

        layers_.resize((size_t)hp_.n_layer);
        for (int64_t il = 0; il < hp_.n_layer; ++il) {
            auto name = [il](const char * what) { return "blk." + std::to_string(il) + "." + what; };
            LayerWeights & L = layers_[(size_t)il];
            L.attn_norm = bind.vector(name("attn_norm.weight"), E);
            L.wq = bind.matrix(name("attn_q.weight"), Q, E);
            L.wk = bind.matrix(name("attn_k.weight"), KV, E);
            L.wv = bind.matrix(name("attn_v.weight"), KV, E);
            if (opt.qkv_bias != BIAS_POLICY_NONE) {
                const bool optional = opt.qkv_bias == BIAS_POLICY_OPTIONAL;
                L.bq = bind.vector(name("attn_q.bias"), Q, optional);
                L.bk = bind.vector(name("attn_k.bias"), KV, optional);
                L.bv = bind.vector(name("attn_v.bias"), KV, optional);
            }
            if (opt.qk_norm) {
                L.q_norm = bind.vector(name("attn_q_norm.weight"), D);
                L.k_norm = bind.vector(name("attn_k_norm.weight"), D);
            }
            L.wo = bind.matrix(name("attn_output.weight"), E, Q);
            L.ffn_norm = bind.vector(name("ffn_norm.weight"), E);
            if (opt.moe) {
                const int64_t X = hp_.n_expert, FX = hp_.n_ff_exp;
                L.moe.router = bind.matrix(name("ffn_gate_inp.weight"), X, E);
                L.moe.gate = bind.experts(name("ffn_gate_exps.weight"), X, FX, E);
                L.moe.up = bind.experts(name("ffn_up_exps.weight"), X, FX, E);
                L.moe.down = bind.experts(name("ffn_down_exps.weight"), X, E, FX);
            } else {
                L.ffn_gate = bind.matrix(name("ffn_gate.weight"), F, E);
                L.ffn_up = bind.matrix(name("ffn_up.weight"), F, E);
                L.ffn_down = bind.matrix(name("ffn_down.weight"), E, F);
            }
        }
        storage_ = bind.take_storage();
        fill_desc();
    }

    const ModelHparams & hparams() const override { return hp_; }

    void rope_shift_keys(float * k, int64_t delta) const override { decoder_rope_shift_keys(desc_, k, delta); }

    // The backends run dense layers only: a MoE model stays on the CPU (placement says why).
    const hearth_decoder_desc * backend_desc() const override { return moe_ ? nullptr : &desc_; }

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

        std::vector<float> x(checked_size("residual stream", {n, E}));  // [n][E]
        for (int64_t t = 0; t < n; ++t) {
            const TokenId id = b.tokens[t];
            if (id < 0 || id >= V) throw_error(STATUS_E_INVALID_ARGUMENT, "token id %d is outside the vocab (%lld)", id, (long long)V);
            cpu_get_row(tok_embd_.type, tok_embd_.data, E, id, x.data() + t * E);
        }

        DecoderScratch s;
        for (int64_t il = 0; il < n_cpu; ++il) {
            const hearth_layer_desc & L = layer_desc_[(size_t)il];
            decoder_attention_cpu(ctx, desc_, L, x.data(), n, b.pos0, kv.k(il), kv.v(il), s);
            if (moe_) decoder_moe_ffn_cpu(ctx, desc_, L, layers_[(size_t)il].moe, moe_opt_, x.data(), n, s);
            else decoder_ffn_cpu(ctx, desc_, L, x.data(), n, s);
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
    static hearth_weight weight(const WeightMatrix & w) {
        hearth_weight o;
        o.data = w.data;
        o.type = (int)w.type;
        o.rows = w.rows;
        o.cols = w.cols;
        return o;
    }

    void fill_desc() {
        layer_desc_.resize(layers_.size());
        for (size_t il = 0; il < layers_.size(); ++il) {
            const LayerWeights & L = layers_[il];
            hearth_layer_desc & o = layer_desc_[il];
            o.attn_norm = L.attn_norm;
            o.wq = weight(L.wq);
            o.wk = weight(L.wk);
            o.wv = weight(L.wv);
            o.wo = weight(L.wo);
            o.bq = L.bq;
            o.bk = L.bk;
            o.bv = L.bv;
            o.q_norm = L.q_norm;
            o.k_norm = L.k_norm;
            o.ffn_norm = L.ffn_norm;
            o.ffn_gate = weight(L.ffn_gate);
            o.ffn_up = weight(L.ffn_up);
            o.ffn_down = weight(L.ffn_down);
        }
        desc_.n_embd = hp_.n_embd;
        desc_.n_layer = hp_.n_layer;
        desc_.n_ff = hp_.n_ff;
        desc_.n_head = hp_.n_head;
        desc_.n_head_kv = hp_.n_head_kv;
        desc_.head_dim = hp_.head_dim;
        desc_.n_rot = hp_.n_rot;
        desc_.n_vocab = hp_.n_vocab;
        desc_.rms_eps = hp_.rms_eps;
        desc_.rope_freq_base = hp_.rope_freq_base;
        desc_.rope_freq_scale = hp_.rope_freq_scale;
        desc_.rope_neox = hp_.rope_neox ? 1 : 0;
        desc_.rope_freqs = rope_freqs_;
        desc_.layers = layer_desc_.data();
        desc_.output_norm = output_norm_;
        desc_.output = weight(output_);
    }

    ModelHparams hp_;
    bool moe_ = false;
    MoeFfnOptions moe_opt_;
    WeightMatrix tok_embd_;              // [n_vocab][n_embd]
    const float * output_norm_ = nullptr;// [n_embd]
    WeightMatrix output_;                // [n_vocab][n_embd] (token_embd when tied)
    const float * rope_freqs_ = nullptr; // [n_rot / 2] or nullptr
    std::vector<LayerWeights> layers_;
    std::vector<hearth_layer_desc> layer_desc_;  // layers_ as backend descriptors
    hearth_decoder_desc desc_{};
    std::vector<std::unique_ptr<std::vector<float>>> storage_;  // converted norms/biases
};

} // namespace

std::unique_ptr<ModelArch> llama_decoder_create(const GgufFile & file, const std::string & arch,
                                                const LlamaDecoderOptions & options) {
    return std::make_unique<LlamaDecoder>(file, arch, options);
}

} // namespace hearth
