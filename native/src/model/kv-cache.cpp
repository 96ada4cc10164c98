#include "model/kv-cache.h"

#include <cstring>

#include "common/checked-size.h"
#include "common/status.h"

namespace hearth {

void KvCache::check_context_length(int64_t n_ctx) {
    if (n_ctx < KV_MIN_CONTEXT || n_ctx > KV_MAX_CONTEXT) {
        throw_error(STATUS_E_INVALID_ARGUMENT, "context length %lld is outside %lld..%lld tokens", (long long)n_ctx,
                    (long long)KV_MIN_CONTEXT, (long long)KV_MAX_CONTEXT);
    }
}

KvCache::KvCache(int64_t n_layer, int64_t n_ctx, int64_t n_head_kv, int64_t head_dim)
    : n_layer_(n_layer), n_ctx_(n_ctx), n_head_kv_(n_head_kv), head_dim_(head_dim) {
    check_context_length(n_ctx);
    if (n_layer < 0 || n_head_kv <= 0 || head_dim <= 0) {
        throw_error(STATUS_E_INVALID_ARGUMENT, "KV cache dimensions must be positive (%lld layers, %lld x %lld)",
                    (long long)n_layer, (long long)n_head_kv, (long long)head_dim);
    }
    // Unchecked, a context of 2^58 once wrapped this to 0 bytes and the first
    // token wrote past the allocation.
    layer_elems_ = checked_size("KV cache", {n_ctx, n_head_kv, head_dim}, sizeof(uint16_t));
    n_elems_ = checked_size("KV cache", {n_layer, 2, (int64_t)layer_elems_}, sizeof(uint16_t));
    data_.reset(static_cast<uint16_t *>(std::calloc(n_elems_ ? n_elems_ : 1, sizeof(uint16_t))));
    if (!data_) throw_error(STATUS_E_OUT_OF_MEMORY, "KV cache of %llu bytes", (unsigned long long)bytes());
}

void KvCache::move_positions(int64_t src, int64_t dst, int64_t n) {
    const size_t row = (size_t)row_elems();
    for (int64_t l = 0; l < n_layer_; ++l) {
        for (uint16_t * base : {k(l), v(l)}) {
            std::memmove(base + (size_t)dst * row, base + (size_t)src * row, (size_t)n * row * sizeof(uint16_t));
        }
    }
}

} // namespace hearth
