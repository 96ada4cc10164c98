// hearth.node's catch_current: the binding reaches the engine only through
// hearth.h, whose failures arrive as StatusError; anything else was thrown by
// the binding itself (allocation, std::thread) and maps as the engine maps it.
#include <new>
#include <system_error>

#include "napi/errors.h"

namespace hearth::napi {

CaughtError catch_current() {
    try {
        throw;
    } catch (const StatusError & e) {
        return {e.code(), e.message()};
    } catch (const std::bad_alloc &) {
        return {"E_OUT_OF_MEMORY", "out of memory"};
    } catch (const std::system_error & e) {
        // std::thread's EAGAIN: no more threads or memory for one.
        if (e.code() == std::errc::resource_unavailable_try_again) {
            return {"E_OUT_OF_MEMORY", std::string("out of resources: ") + e.what()};
        }
        return {"E_INTERNAL", std::string("internal error: ") + e.what()};
    } catch (const std::exception & e) {
        return {"E_INTERNAL", std::string("internal error: ") + e.what()};
    } catch (...) {
        return {"E_INTERNAL", "internal error: unknown exception"};
    }
}

} // namespace hearth::napi
