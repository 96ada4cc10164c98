/**
 * Endpoints the engine boundary (host/engine-port.ts) cannot answer yet: it
 * has no raw-prompt generation (/v1/completions). They answer 501 with a
 * code rather than an imitation, so a client can tell "not here" from
 * "failed".
 */
import type { Handler } from '../context';
import { HttpError } from '../http-error';

export function notImplemented(what: string): Handler {
  return async () => {
    throw new HttpError(501, 'E_NOT_IMPLEMENTED', `${what} is not implemented by hearth serve yet`);
  };
}
