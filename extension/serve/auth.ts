/**
 * Who may use the server: the bind address check at start (a non-loopback
 * address needs an API key) and the bearer-token check per request.
 */
import { createHash, timingSafeEqual } from 'crypto';
import type { IncomingMessage } from 'http';
import { HttpError } from './http-error';
import { isLoopbackHostname } from '../host/endpoint-url';

/** True for addresses only this machine can reach (the extension's endpoint check uses the same rule). */
export const isLoopbackHost = isLoopbackHostname;

/**
 * Compares the presented token with the key in constant time: both are hashed
 * first, so neither the content nor the length of the key leaks through timing.
 */
export function tokenMatches(presented: string, key: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(key).digest();
  return timingSafeEqual(a, b);
}

/** Throws 401 unless the request carries `Authorization: Bearer <key>`. */
export function checkBearer(req: IncomingMessage, key: string): void {
  const header = req.headers.authorization ?? '';
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!m || !tokenMatches(m[1].trim(), key)) {
    throw new HttpError(401, 'E_UNAUTHORIZED', m ? 'the API key is wrong' : "this server needs an API key: send 'Authorization: Bearer <key>'");
  }
}
