/**
 * Reads a JSON request body under a byte limit. Over the limit is 413 (the
 * rest of the upload is not read); bad JSON is 400 naming where it broke.
 */
import type { IncomingMessage } from 'http';
import { HttpError } from './http-error';

export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<Record<string, unknown>> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw tooLarge(limitBytes);
    parts.push(chunk);
  }
  const text = Buffer.concat(parts).toString('utf8');
  if (text.trim() === '') throw new HttpError(400, 'E_INVALID_ARGUMENT', 'the request body is empty; expected a JSON object');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, 'E_INVALID_ARGUMENT', `the request body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HttpError(400, 'E_INVALID_ARGUMENT', 'the request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function tooLarge(limitBytes: number): HttpError {
  return new HttpError(413, 'E_PAYLOAD_TOO_LARGE', `the request body is over the server's limit of ${limitBytes} bytes`);
}
