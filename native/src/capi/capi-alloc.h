// Copies engine results into malloc'd buffers the caller frees with
// hearth_free: the engine's containers cannot cross the C boundary.
#pragma once

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

namespace hearth::capi {

// A copy of n elements (at least one byte allocated, so a NULL result always
// means failure); throws std::bad_alloc, which guarded() maps.
template <class T>
T * copy_out(const T * data, size_t n) {
    void * p = std::malloc(n ? n * sizeof(T) : 1);
    if (!p) throw std::bad_alloc();
    if (n) std::memcpy(p, data, n * sizeof(T));
    return static_cast<T *>(p);
}

template <class T>
T * copy_out(const std::vector<T> & v) { return copy_out(v.data(), v.size()); }

// NUL-terminated, with embedded NULs kept (the length says where it ends).
inline char * copy_out(const std::string & s) {
    char * p = static_cast<char *>(std::malloc(s.size() + 1));
    if (!p) throw std::bad_alloc();
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    return p;
}

} // namespace hearth::capi
