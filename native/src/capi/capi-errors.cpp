// Status names, error filling and the exception mapping of the C boundary.
// The mapping is the one the Node addon has always used, so JS sees the same
// codes and messages whichever side of the boundary an error came from.
#include "capi/capi-errors.h"

#include <cstdio>
#include <cstdlib>
#include <new>
#include <system_error>

#include "common/status.h"

namespace hearth::capi {

// hearth_status and hearth::StatusCode come from the same list; a mismatch
// here means one of them stopped reading status-codes.inc.
static_assert((int)HEARTH_OK == (int)STATUS_OK, "OK differs");
#define HEARTH_STATUS(name) static_assert((int)HEARTH_##name == (int)STATUS_##name, #name " differs");
#include "common/status-codes.inc"
#undef HEARTH_STATUS
static_assert((int)HEARTH_STATUS_COUNT == (int)STATUS_COUNT_, "the code lists differ in length");

Caught classify_current() noexcept {
    try {
        throw;
    } catch (const EngineError & e) {
        return {(hearth_status)e.code(), "", e.what()};
    } catch (const std::bad_alloc &) {
        return {HEARTH_E_OUT_OF_MEMORY, "", "out of memory"};
    } catch (const std::system_error & e) {
        // std::thread's EAGAIN: no more threads or memory for one.
        if (e.code() == std::errc::resource_unavailable_try_again) {
            return {HEARTH_E_OUT_OF_MEMORY, "out of resources: ", e.what()};
        }
        return {HEARTH_E_INTERNAL, "internal error: ", e.what()};
    } catch (const std::exception & e) {
        return {HEARTH_E_INTERNAL, "internal error: ", e.what()};
    } catch (...) {
        return {HEARTH_E_INTERNAL, "", "internal error: unknown exception"};
    }
}

hearth_status fail(hearth_error * err, hearth_status status, const char * prefix, const char * what) noexcept {
    if (err) {
        err->status = status;
        std::snprintf(err->message, sizeof err->message, "%s%s", prefix, what);
    }
    return status;
}

} // namespace hearth::capi

extern "C" {

const char * hearth_status_name(hearth_status status) {
    if ((int)status < 0 || (int)status >= (int)HEARTH_STATUS_COUNT) return "E_INTERNAL";
    return hearth::status_code_name((hearth::StatusCode)status);
}

int hearth_api_version(void) { return HEARTH_API_VERSION; }

void hearth_free(void * p) { std::free(p); }

} // extern "C"
