/**
 * Errors from the engine carry a stable `.code`. Native errors arrive as plain
 * Errors with `.code` set (native/napi/errors.cpp); `asEngineError` gives them
 * this type so callers can switch on the code.
 */
import type { ErrorCode } from './error-codes';

// The codes are listed once, in native/lists/error-codes.json (shared with
// the C++ engine), and typed in the written error-codes.ts.
export type EngineErrorCode = ErrorCode;

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
