/**
 * The one error class of the TypeScript side. Every error that reaches the
 * user has a stable `.code` and a message written for people: the engine's
 * (native errors arrive as plain Errors with `.code` set by
 * native/napi/errors.cpp; `asEngineError` gives them this type) and the
 * extension's own (hosting, model checks, the engine process), all from one
 * list.
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

/** The `.code` of anything thrown, or E_INTERNAL where it has none. */
export function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'E_INTERNAL';
}

/** A cancelled request: our E_ABORTED or a DOM AbortError. */
export function isAbort(err: unknown): boolean {
  return errorCode(err) === 'E_ABORTED' || (err as Error | null)?.name === 'AbortError';
}
