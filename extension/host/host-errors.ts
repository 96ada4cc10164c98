/**
 * Errors the extension side raises about hosting, in addition to the engine's
 * own codes (extension/engine/errors.ts). Every error that reaches the user
 * has a stable `.code` and a message written for people.
 */
import type { ErrorCode } from '../engine/error-codes';

/** The extension's codes and the engine's, all in native/lists/error-codes.json. */
export type HostErrorCode = ErrorCode;

export class HostError extends Error {
  readonly code: string;
  constructor(code: HostErrorCode | string, message: string) {
    super(message);
    this.name = 'HostError';
    this.code = code;
  }
}

export function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'E_INTERNAL';
}

export function isAbort(err: unknown): boolean {
  return errorCode(err) === 'E_ABORTED' || (err as Error | null)?.name === 'AbortError';
}
