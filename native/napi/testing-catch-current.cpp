// hearth_testing.addon's catch_current: its hooks call the engine's C++
// directly, so besides hearth.h's StatusError it maps the engine's own
// exceptions, through the C boundary's mapping (capi/capi-errors.h) so both
// addons give the same codes and messages.
#include <string>

#include "capi/capi-errors.h"
#include "napi/errors.h"

namespace hearth::napi {

CaughtError catch_current() {
    try {
        throw;
    } catch (const StatusError & e) {
        return {e.code(), e.message()};
    } catch (...) {
        const capi::Caught c = capi::classify_current();
        return {hearth_status_name(c.status), std::string(c.prefix) + c.what};
    }
}

} // namespace hearth::napi
