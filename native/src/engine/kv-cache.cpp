#include "engine/kv-cache.h"

#include <cstring>

#include "common/status.h"

namespace hearth {

KvCache::KvCache(int64_t n_layer, int64_t n_ctx, int64_t n_head_kv, int64_t head_dim)
    : n_layer_(n_layer), n_ctx_(n_ctx), n_head_kv_(n_head_kv), head_dim_(head_dim) {
    if (n_layer < 0 || n_ctx <= 0 || n_head_kv <= 0 || head_dim <= 0) {
        throw_error(STATUS_E_INVALID_ARGUMENT, "KV cache dimensions must be positive (ctx %lld)", (long long)n_ctx);
    }
    n_elems_ = (size_t)(n_layer * 2) * layer_elems();
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
