// Engine status codes and the one exception type the engine throws.
//
// Engine code throws hearth::EngineError; the N-API layer catches it at the
// boundary and turns it into a JS Error whose .code is the stable string from
// status_code_name(). Codes are append-only: tests and users match on them.
#pragma once

#include <stdexcept>
#include <string>

namespace hearth {

enum StatusCode {
    STATUS_OK = 0,
    // generic
    STATUS_E_INVALID_ARGUMENT,   // E_INVALID_ARGUMENT: a caller passed a bad value
    STATUS_E_INTERNAL,           // E_INTERNAL: a bug; the message says where
    STATUS_E_OUT_OF_MEMORY,      // E_OUT_OF_MEMORY
    STATUS_E_ABORTED,            // E_ABORTED: cancelled by the caller
    // files
    STATUS_E_IO_NOT_FOUND,       // E_IO_NOT_FOUND: no such file
    STATUS_E_IO_OPEN,            // E_IO_OPEN: exists but cannot be opened (permission, directory, ...)
    STATUS_E_IO_READ,            // E_IO_READ: read or map failed
    // GGUF structure
    STATUS_E_GGUF_BAD_MAGIC,         // not "GGUF" (nor a zip holding one)
    STATUS_E_GGUF_BAD_VERSION,       // version other than 1, 2, 3
    STATUS_E_GGUF_TRUNCATED,         // a read ran past the end of the file
    STATUS_E_GGUF_TOO_MANY,          // a count exceeds what the bytes left could hold
    STATUS_E_GGUF_BAD_STRING,        // string length past the end, or not plausible
    STATUS_E_GGUF_BAD_VALUE_TYPE,    // metadata value type id unknown
    STATUS_E_GGUF_DUPLICATE_KEY,     // the same metadata key twice
    STATUS_E_GGUF_BAD_ALIGNMENT,     // general.alignment not a power of two, or wrong type
    STATUS_E_GGUF_NESTING,           // arrays nested deeper than we allow
    STATUS_E_GGUF_DUPLICATE_TENSOR,  // the same tensor name twice
    STATUS_E_GGUF_BAD_DIMS,          // n_dims 0 or > 4, or a zero / overflowing dimension
    STATUS_E_GGUF_UNKNOWN_TYPE,      // tensor type id not one we know
    STATUS_E_GGUF_BAD_SHAPE,         // row length not a multiple of the type's block size
    STATUS_E_GGUF_TENSOR_MISALIGNED, // tensor offset not a multiple of the alignment
    STATUS_E_GGUF_TENSOR_BOUNDS,     // tensor data past the end of the file
    STATUS_E_GGUF_TENSOR_OVERLAP,    // two tensors share bytes
    STATUS_E_GGUF_KEY_TYPE,          // a key exists but holds the wrong type
    STATUS_E_GGUF_KEY_MISSING,       // a required key is absent
    // zip container (llamafile)
    STATUS_E_ZIP_CORRUPT,            // zip directory unreadable
    STATUS_E_ZIP_NO_GGUF,            // no .gguf entry in the archive
    STATUS_E_ZIP_COMPRESSED,         // the .gguf entry is deflated, cannot be mapped
    STATUS_E_ZIP_MISALIGNED,         // the stored entry's data is not aligned for mapping
    // tokenizer / model (later modules)
    STATUS_E_TOKENIZER,              // E_TOKENIZER: vocab metadata unusable
    STATUS_E_MODEL_NO_FIM,           // model has no FIM tokens
    STATUS_E_MODEL_UNSUPPORTED_ARCH, // architecture we cannot run
    STATUS_E_CPU_UNSUPPORTED,        // forced ISA level not available on this CPU
    STATUS_E_MODEL_UNSUPPORTED_TYPE, // a weight's tensor type has no kernel (message names tensor and type)
    STATUS_E_MODEL_BAD_TENSOR,       // a tensor the architecture needs is missing or misshapen
    // compute backends (native/src/backend)
    STATUS_E_BACKEND_UNAVAILABLE,    // the asked backend has no usable device here (message: its reason)
    STATUS_E_BACKEND_OOM,            // device memory exhausted
    STATUS_E_BACKEND_UNSUPPORTED,    // a weight format or op the backend cannot run
    STATUS_E_BACKEND_DEVICE_LOST,    // the device stopped answering
    STATUS_E_BACKEND_INTERNAL,       // a backend bug or unexpected driver error

    STATUS_E_MODEL_BAD_HPARAMS,      // a model setting out of range or disagreeing with the tensors (message names the key)
    STATUS_E_BUSY,                   // the session or model is busy with a generation; try again after it ends
    STATUS_E_MODEL_FILE_CHANGED,     // the model file changed (was truncated) under the mapping; reload it
    STATUS_E_TEMPLATE_LIMIT,         // a chat template ran past its time or output-size limit
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
