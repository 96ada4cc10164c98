// Inside the C boundary: how a C++ exception becomes a hearth_status and a
// message, and the wrapper every hearth_* function runs its body in, so no
// exception leaves the library. C++ only; front ends never include it (the
// test addon does, to map the engine's exceptions its hooks let through the
// same way).
#pragma once

#include "hearth.h"

namespace hearth::capi {

// What the exception being handled means. `prefix` + `what` is the message;
// both point into static text or into the exception, so read them before the
// handler that called this returns. Call only inside a catch block.
struct Caught {
    hearth_status status;
    const char * prefix;
    const char * what;
};
Caught classify_current() noexcept;

// Fills err (if any) and returns the status.
hearth_status fail(hearth_error * err, hearth_status status, const char * prefix, const char * what) noexcept;

// Runs body(); a throw becomes its status and message in err.
template <class Body>
hearth_status guarded(hearth_error * err, Body && body) noexcept {
    try {
        body();
        return HEARTH_OK;
    } catch (...) {
        const Caught c = classify_current();
        return fail(err, c.status, c.prefix, c.what);
    }
}

} // namespace hearth::capi
