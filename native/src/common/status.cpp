#include "common/status.h"

#include <cstdarg>
#include <cstdio>

namespace hearth {

const char * status_code_name(StatusCode code) {
    switch (code) {
        case STATUS_OK: return "OK";
#define HEARTH_STATUS(name) \
        case STATUS_##name: return #name;
#include "common/status-codes.inc"
#undef HEARTH_STATUS
        case STATUS_COUNT_: break;
    }
    return "E_INTERNAL";
}

void throw_error(StatusCode code, const char * fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    throw EngineError(code, buf);
}

} // namespace hearth
