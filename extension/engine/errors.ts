/**
 * Errors from the engine carry a stable `.code`. Native errors arrive as plain
 * Errors with `.code` set (native/napi/errors.cpp); `asEngineError` gives them
 * this type so callers can switch on the code.
 */
export type EngineErrorCode =
  | 'E_INVALID_ARGUMENT'
  | 'E_INTERNAL'
  | 'E_OUT_OF_MEMORY'
  | 'E_ABORTED'
  | 'E_ADDON_LOAD'
  | 'E_IO_NOT_FOUND'
  | 'E_IO_OPEN'
  | 'E_IO_READ'
  | 'E_GGUF_BAD_MAGIC'
  | 'E_GGUF_BAD_VERSION'
  | 'E_GGUF_TRUNCATED'
  | 'E_GGUF_TOO_MANY'
  | 'E_GGUF_BAD_STRING'
  | 'E_GGUF_BAD_VALUE_TYPE'
  | 'E_GGUF_DUPLICATE_KEY'
  | 'E_GGUF_BAD_ALIGNMENT'
  | 'E_GGUF_NESTING'
  | 'E_GGUF_DUPLICATE_TENSOR'
  | 'E_GGUF_BAD_DIMS'
  | 'E_GGUF_UNKNOWN_TYPE'
  | 'E_GGUF_BAD_SHAPE'
  | 'E_GGUF_TENSOR_MISALIGNED'
  | 'E_GGUF_TENSOR_BOUNDS'
  | 'E_GGUF_TENSOR_OVERLAP'
  | 'E_GGUF_KEY_TYPE'
  | 'E_GGUF_KEY_MISSING'
  | 'E_ZIP_CORRUPT'
  | 'E_ZIP_NO_GGUF'
  | 'E_ZIP_COMPRESSED'
  | 'E_ZIP_MISALIGNED'
  | 'E_TOKENIZER'
  | 'E_MODEL_NO_FIM'
  | 'E_MODEL_UNSUPPORTED_ARCH'
  | 'E_CPU_UNSUPPORTED'
  | 'E_MODEL_UNSUPPORTED_TYPE'
  | 'E_MODEL_BAD_TENSOR'
  | 'E_BACKEND_UNAVAILABLE'
  | 'E_BACKEND_OOM'
  | 'E_BACKEND_UNSUPPORTED'
  | 'E_BACKEND_DEVICE_LOST'
  | 'E_BACKEND_INTERNAL'
  | 'E_MODEL_BAD_HPARAMS'
  | 'E_BUSY'
  | 'E_MODEL_FILE_CHANGED'
  | 'E_TEMPLATE_LIMIT';

export class EngineError extends Error {
  readonly code: EngineErrorCode;
  constructor(code: EngineErrorCode, message: string) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
  }
}

/** Wraps anything thrown by the addon as an EngineError, keeping its code. */
export function asEngineError(err: unknown): EngineError {
  if (err instanceof EngineError) return err;
  if (err instanceof Error) {
    const code = (err as Error & { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('E_')) {
      const wrapped = new EngineError(code as EngineErrorCode, err.message);
      wrapped.stack = err.stack;
      return wrapped;
    }
    return new EngineError('E_INTERNAL', err.message);
  }
  return new EngineError('E_INTERNAL', String(err));
}
