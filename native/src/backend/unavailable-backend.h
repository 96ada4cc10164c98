// A backend vtable whose probe only says why the backend cannot run here
// ("not built"); every other entry fails with HEARTH_BK_E_UNAVAILABLE. The
// stubs compiled when a backend is absent (vulkan/vk-stub.cpp, cuda-stub.cpp)
// are one line each with it.
#pragma once

#include <cstdio>

#include "backend/backend.h"

namespace hearth {

// The vtable for `name` with the given probe and failing entries elsewhere.
hearth_backend backend_unavailable_vtable(const char * name, int (*probe)(hearth_device_info *, int, char *));

} // namespace hearth

// Defines `const hearth_backend * fn()` for an absent backend.
#define HEARTH_UNAVAILABLE_BACKEND(fn, name, reason)                                                   \
    extern "C" const hearth_backend * fn() {                                                           \
        static const hearth_backend b = hearth::backend_unavailable_vtable(                            \
            name, [](hearth_device_info *, int, char * why) -> int {                                   \
                if (why) std::snprintf(why, HEARTH_BK_ERR_LEN, "%s", reason);                          \
                return -1;                                                                             \
            });                                                                                        \
        return &b;                                                                                     \
    }
