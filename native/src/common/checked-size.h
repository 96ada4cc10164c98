// Size arithmetic on numbers that come from a model file or a caller's
// options. A product that does not fit is an error, never a wrapped (and so
// too small) allocation that later code writes past: E_INVALID_ARGUMENT for a
// negative factor (a caller's bug), E_OUT_OF_MEMORY for one too large for
// any machine. __builtin_mul_overflow: gcc and clang, the compilers the addon
// is built with (the GGUF reader relies on it too).
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>

#include "common/status.h"

namespace hearth {

// a * b into *out; false when the product does not fit in int64.
inline bool checked_mul(int64_t a, int64_t b, int64_t * out) { return !__builtin_mul_overflow(a, b, out); }
// a + b into *out; false when the sum does not fit in int64.
inline bool checked_add(int64_t a, int64_t b, int64_t * out) { return !__builtin_add_overflow(a, b, out); }

// The element count dims[0] * dims[1] * ..., checked so that the count times
// elem_bytes fits in a signed 64-bit byte count (and so in size_t and
// ptrdiff_t on the 64-bit targets Hearth ships). `what` names the buffer.
inline size_t checked_size(const char * what, std::initializer_list<int64_t> dims, size_t elem_bytes = 1) {
    int64_t n = 1;
    for (int64_t d : dims) {
        if (d < 0) throw_error(STATUS_E_INVALID_ARGUMENT, "%s: negative dimension %lld", what, (long long)d);
        if (!checked_mul(n, d, &n)) {
            throw_error(STATUS_E_OUT_OF_MEMORY, "%s: size overflows (a dimension of %lld)", what, (long long)d);
        }
    }
    int64_t bytes = 0;
    if (!checked_mul(n, (int64_t)elem_bytes, &bytes) || (uint64_t)bytes > (uint64_t)SIZE_MAX) {
        throw_error(STATUS_E_OUT_OF_MEMORY, "%s: %lld elements of %zu bytes overflow", what, (long long)n, elem_bytes);
    }
    return (size_t)n;
}

} // namespace hearth
