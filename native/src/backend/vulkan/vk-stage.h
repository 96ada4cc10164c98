// A stage on a Vulkan device: layers [begin, end) of a llama-like decoder
// (and optionally the output norm + head) uploaded once, the scratch
// activations it runs through, and the per-session F16 KV caches.
//
// The contract's opaque hearth_stage / hearth_kv / hearth_buffer are never
// defined here (another backend in the same addon defines its own): the
// vtable casts between them and these classes.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "backend/backend.h"
#include "backend/vulkan/vk-moe.h"
#include "backend/vulkan/vk-ops.h"

namespace hearth::vk {

struct StageLayer {
    BufferPtr attn_norm, ffn_norm;   // [n_embd]
    BufferPtr attn_norm_b, ffn_norm_b;  // [n_embd] or null (LayerNorm)
    GpuMatrix wq, wk, wv, wo;        // [Q][E], [KV][E] x2, [E][Q]
    BufferPtr bq, bk, bv, bo;        // [Q], [KV] x2, [E] or null
    BufferPtr q_norm, k_norm;        // [head_dim] or null (QK-norm)
    BufferPtr attn_post_norm, ffn_post_norm;  // [n_embd] or null
    BufferPtr attn_sinks;            // [n_head] or null (gpt-oss)
    GpuMatrix ffn_gate, ffn_up, ffn_down;  // [F][E] x2, [E][F]; no gate in a GELU MLP
    BufferPtr ffn_gate_b, ffn_up_b, ffn_down_b;  // [F] x2, [E] or null
    std::unique_ptr<MoeWeights> moe;  // instead of the dense FFN above (layers with a router)
    int64_t n_swa = 0;               // sliding window; 0: all positions
    size_t rope = 0;                 // index into Stage::ropes_
};

// The ops past the llama block that Stage runs (backend/layer-ops.h): the
// one list both supports() and the stage's own check read.
bool stage_runs_op(int op);

class Stage {
public:
    Stage(int device, const hearth_decoder_desc & desc, int64_t begin, int64_t end, bool with_output);

    uint64_t device_bytes() const { return bytes_; }
    Device & dev() { return dev_; }
    int64_t n_layers() const { return end_ - begin_; }
    int64_t kv_row() const { return n_head_kv_ * head_dim_; }

    // See hearth_backend::stage_forward.
    void forward(class StageKv & kv, float * x, int64_t n, int64_t pos0, float * logits, int64_t logits_rows);
    // See hearth_backend::kv_shift: positions [src, src+n) -> [dst, dst+n), keys rotated by dst - src.
    void shift(StageKv & kv, int64_t src, int64_t dst, int64_t n);

private:
    void ensure_scratch(int64_t n, int64_t logits_rows);

    Device & dev_;
    int64_t begin_, end_;
    bool with_output_;
    // x += block(norm(x)): a sub-block's output o through its post-norm and
    // the residual multiplier, then into x.
    void add_block_output(const BufferPtr & post_norm, int64_t n);

    int64_t n_embd_, n_ff_, n_head_, n_head_kv_, head_dim_, n_rot_, n_vocab_;
    float norm_eps_;
    bool layer_norm_;                // LayerNorm with biases instead of RMSNorm
    int ffn_type_;                   // hearth_ffn_type
    float attn_scale_, attn_softcap_;
    bool neox_;
    std::vector<float> rope_freqs_;  // [n_rot/2] or empty
    struct RopeSet { float base, scale; bool yarn; };
    std::vector<RopeSet> ropes_;     // the distinct (base, scale, YaRN) of the stage's layers
    RopeYarn yarn_;                  // the decoder's YaRN, for sets with yarn
    float rope_mscale_ = 1.0f;       // cos/sin times this in sets without yarn (LongRoPE's attention factor)
    std::vector<StageLayer> layers_;
    MoeRouting moe_routing_;
    // The widest MoE layer of the stage (0: none): what moe_ is sized for.
    int64_t moe_experts_ = 0, moe_ff_ = 0;
    bool dense_ffn_ = false;         // some layer has the dense FFN (gate_, up_ are sized for it)
    MoeScratch moe_;
    BufferPtr residual_scale_;       // [1] or null
    BufferPtr out_norm_, out_norm_b_;
    BufferPtr logit_scale_, logit_softcap_;  // [1] or null
    GpuMatrix output_;
    uint64_t bytes_ = 0;

    // Scratch for up to cap_ tokens: x, h [n][E]; q, att [n][Q]; k, v [n][KV];
    // o [n][E]; gate, up [n][F] (F = 1 when every layer is a mixture of experts);
    // cs per rope set [n][n_rot/2][2]; logits [rows][V].
    int64_t cap_ = 0, logits_cap_ = 0;
    BufferPtr x_, h_, q_, k_, v_, att_, o_, gate_, up_, logits_;
    std::vector<BufferPtr> cs_;
};

class StageKv {
public:
    StageKv(Stage & stage, int64_t n_ctx);
    Stage & stage;
    int64_t n_ctx;
    std::vector<BufferPtr> k, v;  // per stage layer: F16 [n_ctx][n_head_kv][head_dim]
};

} // namespace hearth::vk
