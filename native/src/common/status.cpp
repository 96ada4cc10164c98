#include "common/status.h"

#include <cstdarg>
#include <cstdio>

namespace hearth {

const char * status_code_name(StatusCode code) {
    switch (code) {
        case STATUS_OK:                       return "OK";
        case STATUS_E_INVALID_ARGUMENT:       return "E_INVALID_ARGUMENT";
        case STATUS_E_INTERNAL:               return "E_INTERNAL";
        case STATUS_E_OUT_OF_MEMORY:          return "E_OUT_OF_MEMORY";
        case STATUS_E_ABORTED:                return "E_ABORTED";
        case STATUS_E_IO_NOT_FOUND:           return "E_IO_NOT_FOUND";
        case STATUS_E_IO_OPEN:                return "E_IO_OPEN";
        case STATUS_E_IO_READ:                return "E_IO_READ";
        case STATUS_E_GGUF_BAD_MAGIC:         return "E_GGUF_BAD_MAGIC";
        case STATUS_E_GGUF_BAD_VERSION:       return "E_GGUF_BAD_VERSION";
        case STATUS_E_GGUF_TRUNCATED:         return "E_GGUF_TRUNCATED";
        case STATUS_E_GGUF_TOO_MANY:          return "E_GGUF_TOO_MANY";
        case STATUS_E_GGUF_BAD_STRING:        return "E_GGUF_BAD_STRING";
        case STATUS_E_GGUF_BAD_VALUE_TYPE:    return "E_GGUF_BAD_VALUE_TYPE";
        case STATUS_E_GGUF_DUPLICATE_KEY:     return "E_GGUF_DUPLICATE_KEY";
        case STATUS_E_GGUF_BAD_ALIGNMENT:     return "E_GGUF_BAD_ALIGNMENT";
        case STATUS_E_GGUF_NESTING:           return "E_GGUF_NESTING";
        case STATUS_E_GGUF_DUPLICATE_TENSOR:  return "E_GGUF_DUPLICATE_TENSOR";
        case STATUS_E_GGUF_BAD_DIMS:          return "E_GGUF_BAD_DIMS";
        case STATUS_E_GGUF_UNKNOWN_TYPE:      return "E_GGUF_UNKNOWN_TYPE";
        case STATUS_E_GGUF_BAD_SHAPE:         return "E_GGUF_BAD_SHAPE";
        case STATUS_E_GGUF_TENSOR_MISALIGNED: return "E_GGUF_TENSOR_MISALIGNED";
        case STATUS_E_GGUF_TENSOR_BOUNDS:     return "E_GGUF_TENSOR_BOUNDS";
        case STATUS_E_GGUF_TENSOR_OVERLAP:    return "E_GGUF_TENSOR_OVERLAP";
        case STATUS_E_GGUF_KEY_TYPE:          return "E_GGUF_KEY_TYPE";
        case STATUS_E_GGUF_KEY_MISSING:       return "E_GGUF_KEY_MISSING";
        case STATUS_E_ZIP_CORRUPT:            return "E_ZIP_CORRUPT";
        case STATUS_E_ZIP_NO_GGUF:            return "E_ZIP_NO_GGUF";
        case STATUS_E_ZIP_COMPRESSED:         return "E_ZIP_COMPRESSED";
        case STATUS_E_ZIP_MISALIGNED:         return "E_ZIP_MISALIGNED";
        case STATUS_E_TOKENIZER:              return "E_TOKENIZER";
        case STATUS_E_MODEL_NO_FIM:           return "E_MODEL_NO_FIM";
        case STATUS_E_MODEL_UNSUPPORTED_ARCH: return "E_MODEL_UNSUPPORTED_ARCH";
        case STATUS_E_CPU_UNSUPPORTED:        return "E_CPU_UNSUPPORTED";
        case STATUS_E_MODEL_UNSUPPORTED_TYPE: return "E_MODEL_UNSUPPORTED_TYPE";
        case STATUS_E_MODEL_BAD_TENSOR:       return "E_MODEL_BAD_TENSOR";
        case STATUS_E_BACKEND_UNAVAILABLE:    return "E_BACKEND_UNAVAILABLE";
        case STATUS_E_BACKEND_OOM:            return "E_BACKEND_OOM";
        case STATUS_E_BACKEND_UNSUPPORTED:    return "E_BACKEND_UNSUPPORTED";
        case STATUS_E_BACKEND_DEVICE_LOST:    return "E_BACKEND_DEVICE_LOST";
        case STATUS_E_BACKEND_INTERNAL:       return "E_BACKEND_INTERNAL";
        case STATUS_E_MODEL_BAD_HPARAMS:      return "E_MODEL_BAD_HPARAMS";
        case STATUS_E_BUSY:                   return "E_BUSY";
        case STATUS_E_MODEL_FILE_CHANGED:     return "E_MODEL_FILE_CHANGED";
        case STATUS_E_TEMPLATE_LIMIT:         return "E_TEMPLATE_LIMIT";
        case STATUS_COUNT_:                   break;
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
