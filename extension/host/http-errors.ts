/**
 * HTTP failures of an endpoint as the coded EngineErrors the rest of Hearth
 * handles: each message names the URL and what went wrong, and never holds
 * the API key (a server may echo request headers back in its error text).
 */
import { ERROR_CODES, type ErrorCode } from '../engine/error-codes';
import { EngineError, isAbort } from '../engine/errors';

/** The longest piece of a server's own error text a message quotes. */
const MAX_QUOTED = 300;

/** `text` with every occurrence of `secret` masked. */
export function redact(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('***') : text;
}

/** The code an HTTP status stands for, where the server gives none of its own. */
export function codeForStatus(status: number): ErrorCode {
  if (status === 400 || status === 422) return 'E_INVALID_ARGUMENT';
  if (status === 401 || status === 403) return 'E_UNAUTHORIZED';
  if (status === 404 || status === 405 || status === 501) return 'E_NOT_IMPLEMENTED';
  if (status === 413) return 'E_PAYLOAD_TOO_LARGE';
  if (status === 429) return 'E_BUSY';
  if (status === 502 || status === 503 || status === 504) return 'E_ENGINE_UNAVAILABLE';
  return 'E_INTERNAL';
}

/** The `{error: {code, message}}` of a body (Hearth's and OpenAI's shape), where it has one. */
function serverError(text: string): { code?: string; message?: string } {
  try {
    const err = (JSON.parse(text) as { error?: unknown }).error;
    if (typeof err === 'string') return { message: err };
    if (err && typeof err === 'object') {
      const { code, message } = err as { code?: unknown; message?: unknown };
      return { code: typeof code === 'string' ? code : undefined, message: typeof message === 'string' ? message : undefined };
    }
  } catch {
    // Not JSON: quote the text itself.
  }
  return { message: text.trim() || undefined };
}

/** The error for a response that is not 2xx. */
export async function errorFromResponse(res: Response, what: string, apiKey?: string): Promise<EngineError> {
  const text = await res.text().catch(() => '');
  const server = serverError(text);
  // hearth serve answers with Hearth's own codes: keep its more precise one.
  const code = server.code && (ERROR_CODES as readonly string[]).includes(server.code) ? (server.code as ErrorCode) : codeForStatus(res.status);
  const quoted = server.message ? `: ${server.message.slice(0, MAX_QUOTED)}` : '';
  const hint = res.status === 401 || res.status === 403 ? ' (check the endpoint API key)' : '';
  return new EngineError(code, redact(`${what} answered ${res.status}${quoted}${hint}`, apiKey));
}

/** The error for a request that got no response: aborted, refused, unreachable. */
export function errorFromFailure(err: unknown, what: string, apiKey?: string): EngineError {
  if (isAbort(err)) return new EngineError('E_ABORTED', 'request cancelled');
  if (err instanceof EngineError) return err;
  // fetch rejects with TypeError('fetch failed') and the socket error as its cause.
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : String((err as Error)?.message ?? err);
  return new EngineError('E_ENGINE_UNAVAILABLE', redact(`cannot reach ${what}: ${detail}`, apiKey));
}
