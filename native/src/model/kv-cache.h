// Per-session key/value cache in F16, sized once from the context length the
// session asks for. Layout per layer: [n_ctx][n_head_kv][head_dim]
// (position-major, the layout cpu_attention reads).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

namespace hearth {

// The largest context a session may ask for (tokens). Positions are int32 in
// the kernels and a cache this long is already tens of GB for a 7B model; a
// request past it is a caller's error, not an allocation to attempt.
constexpr int64_t KV_MAX_CONTEXT = int64_t(1) << 20;
// The smallest: a full context must keep its first token and still have one
// to drop when it shifts (a context of 1 or 2 cannot).
constexpr int64_t KV_MIN_CONTEXT = 8;

class KvCache {
public:
    // Throws E_INVALID_ARGUMENT for a context outside KV_MIN_CONTEXT..KV_MAX_CONTEXT or a
    // non-positive dimension, E_OUT_OF_MEMORY when the size overflows or the
    // allocation fails.
    KvCache(int64_t n_layer, int64_t n_ctx, int64_t n_head_kv, int64_t head_dim);

    // The context bound on its own, for callers that size other things from
    // n_ctx first (device caches): E_INVALID_ARGUMENT naming both numbers.
    static void check_context_length(int64_t n_ctx);

    int64_t n_ctx() const { return n_ctx_; }
    int64_t n_layer() const { return n_layer_; }
    int64_t n_head_kv() const { return n_head_kv_; }
    int64_t head_dim() const { return head_dim_; }
    int64_t row_elems() const { return n_head_kv_ * head_dim_; }  // one position of one layer
    uint64_t bytes() const { return (uint64_t)n_elems_ * sizeof(uint16_t); }

    uint16_t * k(int64_t layer) { return data_.get() + (size_t)(layer * 2) * layer_elems(); }
    uint16_t * v(int64_t layer) { return data_.get() + (size_t)(layer * 2 + 1) * layer_elems(); }

    // Copies positions [src, src + n) to [dst, dst + n) in every layer (ranges may overlap).
    void move_positions(int64_t src, int64_t dst, int64_t n);

private:
    size_t layer_elems() const { return layer_elems_; }
    int64_t n_layer_, n_ctx_, n_head_kv_, head_dim_;
    size_t layer_elems_ = 0;  // n_ctx * n_head_kv * head_dim, checked once
    // [n_layer][2 (k, v)][n_ctx][n_head_kv][head_dim]. calloc: the system's
    // zero pages arrive as positions are written, so a session costs no
    // up-front fill of the whole context (tens of ms at 1.5B, 1k tokens).
    struct Free { void operator()(uint16_t * p) const { std::free(p); } };
    std::unique_ptr<uint16_t, Free> data_;
    size_t n_elems_ = 0;
};

} // namespace hearth
