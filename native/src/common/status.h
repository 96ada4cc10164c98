// Engine status codes and the one exception type the engine throws.
//
// Engine code throws hearth::EngineError; the N-API layer catches it at the
// boundary and turns it into a JS Error whose .code is the stable string from
// status_code_name(). Codes are append-only: tests and users match on them.
#pragma once

#include <stdexcept>
#include <string>

namespace hearth {

// The codes come from native/lists/error-codes.json (shared with TypeScript)
// through status-codes.inc: STATUS_E_GGUF_TRUNCATED is "E_GGUF_TRUNCATED".
enum StatusCode {
    STATUS_OK = 0,
#define HEARTH_STATUS(name) STATUS_##name,
#include "common/status-codes.inc"
#undef HEARTH_STATUS
    STATUS_COUNT_
};

// Stable string for JS (.code), e.g. "E_GGUF_TRUNCATED".
const char * status_code_name(StatusCode code);

class EngineError : public std::runtime_error {
public:
    EngineError(StatusCode code, const std::string & message)
        : std::runtime_error(message), code_(code) {}
    StatusCode code() const { return code_; }
private:
    StatusCode code_;
};

// Throws EngineError with a printf-style message.
[[noreturn]] void throw_error(StatusCode code, const char * fmt, ...)
#if defined(__MINGW32__)
    // mingw builds use mingw's C99 printf (__USE_MINGW_ANSI_STDIO), not msvcrt's
    __attribute__((format(gnu_printf, 2, 3)))
#elif defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

} // namespace hearth
