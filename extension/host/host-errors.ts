/**
 * Errors the extension side raises about hosting, in addition to the engine's
 * own codes (extension/engine/errors.ts). Every error that reaches the user
 * has a stable `.code` and a message written for people.
 */
export type HostErrorCode =
  | 'E_ENGINE_EXITED' // the engine process died while a request was running
  | 'E_ENGINE_UNAVAILABLE' // the engine process could not be (re)started
  | 'E_ENGINE_RUNTIME_MISSING' // this build has no inference runtime wired in
  | 'E_NO_MODEL' // a request came before any model was loaded
  | 'E_MODEL_TOO_BIG'
  | 'E_MODEL_UNSUPPORTED'
  | 'E_MODEL_CORRUPT'
  | 'E_ABORTED'
  | 'E_INTERNAL';

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
