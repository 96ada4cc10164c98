/**
 * Errors the server answers with: an HTTP status plus the coded JSON body
 * every Hearth error has ({"error":{"code","message"}}), so a client matches
 * on the same codes the CLI and the extension use (engine/error-codes.ts).
 */
import type { ServerResponse } from 'http';
import { asEngineError, type EngineErrorCode } from '../engine/errors';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: EngineErrorCode,
    message: string,
    /** Seconds for a Retry-After header (503s the client should retry). */
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** The HTTP status an engine error stands for. */
export function statusForCode(code: string): number {
  switch (code) {
    case 'E_INVALID_ARGUMENT':
    case 'E_TEMPLATE_LIMIT':
    case 'E_TOKENIZER':
      return 400;
    case 'E_UNAUTHORIZED':
      return 401;
    case 'E_PAYLOAD_TOO_LARGE':
      return 413;
    case 'E_NOT_IMPLEMENTED':
      return 501;
    case 'E_BUSY':
    case 'E_NO_MODEL':
    case 'E_ENGINE_EXITED':
    case 'E_ENGINE_UNAVAILABLE':
    case 'E_MODEL_FILE_CHANGED':
      return 503;
    default:
      return 500;
  }
}

/** Anything thrown by a handler or the engine, as an HttpError. */
export function asHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const e = asEngineError(err);
  const status = statusForCode(e.code);
  // A crashed or restarting engine comes back by itself: tell the client when to retry.
  return new HttpError(status, e.code, e.message, status === 503 ? 2 : undefined);
}

/** The coded JSON body of an error. */
export function errorBody(err: HttpError): { error: { code: string; message: string; type: string } } {
  // `type` is where OpenAI clients look; `code` is Hearth's stable code.
  return { error: { code: err.code, message: err.message, type: err.status >= 500 ? 'server_error' : 'invalid_request_error' } };
}

/** Answers with the error unless the response has already started (then it only ends it). */
export function sendError(res: ServerResponse, err: HttpError, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const extra: Record<string, string> = { ...headers };
  if (err.retryAfterS !== undefined) extra['Retry-After'] = String(err.retryAfterS);
  sendJson(res, err.status, errorBody(err), extra);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}
