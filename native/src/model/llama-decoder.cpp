#include "model/llama-decoder.h"

#include <cmath>
#include <vector>

#include "common/status.h"
#include "engine/kv-cache.h"
#include "gguf/gguf-reader.h"
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
    WeightMatrix wo;                    // [n_embd][n_head * head_dim]
    const float * ffn_norm = nullptr;   // [n_embd]
    WeightMatrix ffn_gate;              // [n_ff][n_embd]
    WeightMatrix ffn_up;                // [n_ff][n_embd]
    WeightMatrix ffn_down;              // [n_embd][n_ff]
};

void add_bias_rows(float * x, const float * b, int64_t rows, int64_t n) {
    if (!b) return;
    for (int64_t r = 0; r < rows; ++r) cpu_add(x + r * n, b, x + r * n, n);
}

class LlamaDecoder : public ModelArch {
public:
    LlamaDecoder(const GgufFile & file, const std::string & arch, const LlamaDecoderOptions & opt) {
        hp_ = hparams_read_common(file, arch);
        hp_.rope_neox = opt.rope_neox;
        WeightBinder bind(file);

        const GgufTensorInfo * embd = file.find_tensor("token_embd.weight");
        if (!embd) throw_error(STATUS_E_MODEL_BAD_TENSOR, "tensor token_embd.weight is missing");
        hp_.n_vocab = (int64_t)embd->ne[1];
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
            L.wo = bind.matrix(name("attn_output.weight"), E, Q);
            L.ffn_norm = bind.vector(name("ffn_norm.weight"), E);
            L.ffn_gate = bind.matrix(name("ffn_gate.weight"), F, E);
            L.ffn_up = bind.matrix(name("ffn_up.weight"), F, E);
            L.ffn_down = bind.matrix(name("ffn_down.weight"), E, F);
        }
        storage_ = bind.take_storage();
    }

    const ModelHparams & hparams() const override { return hp_; }

    void rope_shift_keys(float * k, int64_t delta) const override {
        cpu_rope(k, hp_.n_head_kv, hp_.head_dim, hp_.n_rot, delta, hp_.rope_freq_base, hp_.rope_freq_scale,
                 hp_.rope_neox, rope_freqs_);
    }

    void forward(const CpuContext & ctx, const ForwardBatch & b) const override {
        const int64_t n = b.n_tokens;
        const int64_t E = hp_.n_embd, D = hp_.head_dim, H = hp_.n_head, HKV = hp_.n_head_kv;
        const int64_t Q = H * D, KV = HKV * D, F = hp_.n_ff, V = hp_.n_vocab;
        KvCache & kv = *b.kv;
        if (b.pos0 + n > kv.n_ctx()) {
            throw_error(STATUS_E_INTERNAL, "forward past the KV cache (%lld + %lld > %lld)", (long long)b.pos0,
                        (long long)n, (long long)kv.n_ctx());
        }

        std::vector<float> x((size_t)(n * E));    // residual stream [n][E]
        std::vector<float> h((size_t)(n * E));    // normed input [n][E]
        std::vector<float> q((size_t)(n * Q));    // [n][H][D]
        std::vector<float> k((size_t)(n * KV));   // [n][HKV][D]
        std::vector<float> v((size_t)(n * KV));   // [n][HKV][D]
        std::vector<float> att((size_t)(n * Q));  // [n][H][D]
        std::vector<float> o((size_t)(n * E));    // [n][E]
        std::vector<float> gate((size_t)(n * F)); // [n][F]
        std::vector<float> up((size_t)(n * F));   // [n][F]

        for (int64_t t = 0; t < n; ++t) {
            const TokenId id = b.tokens[t];
            if (id < 0 || id >= V) throw_error(STATUS_E_INVALID_ARGUMENT, "token id %d is outside the vocab (%lld)", id, (long long)V);
            cpu_get_row(tok_embd_.type, tok_embd_.data, E, id, x.data() + t * E);
        }

        for (int64_t il = 0; il < hp_.n_layer; ++il) {
            const LayerWeights & L = layers_[(size_t)il];
            for (int64_t t = 0; t < n; ++t) cpu_rms_norm(ctx, x.data() + t * E, L.attn_norm, E, hp_.rms_eps, h.data() + t * E);

            cpu_matmul(ctx, L.wq.type, L.wq.data, Q, E, h.data(), n, q.data());
            cpu_matmul(ctx, L.wk.type, L.wk.data, KV, E, h.data(), n, k.data());
            cpu_matmul(ctx, L.wv.type, L.wv.data, KV, E, h.data(), n, v.data());
            add_bias_rows(q.data(), L.bq, n, Q);
            add_bias_rows(k.data(), L.bk, n, KV);
            add_bias_rows(v.data(), L.bv, n, KV);

            uint16_t * kc = kv.k(il);
            uint16_t * vc = kv.v(il);
            for (int64_t t = 0; t < n; ++t) {
                const int64_t pos = b.pos0 + t;
                cpu_rope(q.data() + t * Q, H, D, hp_.n_rot, pos, hp_.rope_freq_base, hp_.rope_freq_scale, hp_.rope_neox, rope_freqs_);
                cpu_rope(k.data() + t * KV, HKV, D, hp_.n_rot, pos, hp_.rope_freq_base, hp_.rope_freq_scale, hp_.rope_neox, rope_freqs_);
                cpu_f32_to_f16(k.data() + t * KV, kc + pos * KV, KV);
                cpu_f32_to_f16(v.data() + t * KV, vc + pos * KV, KV);
            }

            AttentionArgs a;
            a.q = q.data();
            a.k = kc;
            a.v = vc;
            a.out = att.data();
            a.n_tokens = n;
            a.n_head = H;
            a.n_head_kv = HKV;
            a.head_dim = D;
            a.n_kv = b.pos0 + n;
            a.pos0 = b.pos0;
            a.scale = 1.0f / std::sqrt((float)D);
            cpu_attention(ctx, a);

            cpu_matmul(ctx, L.wo.type, L.wo.data, E, Q, att.data(), n, o.data());
            cpu_add(x.data(), o.data(), x.data(), n * E);

            for (int64_t t = 0; t < n; ++t) cpu_rms_norm(ctx, x.data() + t * E, L.ffn_norm, E, hp_.rms_eps, h.data() + t * E);
            cpu_matmul(ctx, L.ffn_gate.type, L.ffn_gate.data, F, E, h.data(), n, gate.data());
            cpu_matmul(ctx, L.ffn_up.type, L.ffn_up.data, F, E, h.data(), n, up.data());
            cpu_swiglu(gate.data(), up.data(), gate.data(), n * F);
            cpu_matmul(ctx, L.ffn_down.type, L.ffn_down.data, E, F, gate.data(), n, o.data());
            cpu_add(x.data(), o.data(), x.data(), n * E);
        }

        // Only the rows whose logits are wanted go through the output head.
        const int64_t first = b.all_logits ? 0 : n - 1;
        const int64_t rows = n - first;
        for (int64_t t = 0; t < rows; ++t) {
            cpu_rms_norm(ctx, x.data() + (first + t) * E, output_norm_, E, hp_.rms_eps, h.data() + t * E);
        }
        cpu_matmul(ctx, output_.type, output_.data, V, E, h.data(), rows, b.logits);
    }

private:
    ModelHparams hp_;
    WeightMatrix tok_embd_;              // [n_vocab][n_embd]
    const float * output_norm_ = nullptr;// [n_embd]
    WeightMatrix output_;                // [n_vocab][n_embd] (token_embd when tied)
    const float * rope_freqs_ = nullptr; // [n_rot / 2] or nullptr
    std::vector<LayerWeights> layers_;
    std::vector<std::unique_ptr<std::vector<float>>> storage_;  // converted norms/biases
};

} // namespace

std::unique_ptr<ModelArch> llama_decoder_create(const GgufFile & file, const std::string & arch,
                                                const LlamaDecoderOptions & options) {
    return std::make_unique<LlamaDecoder>(file, arch, options);
}

} // namespace hearth
