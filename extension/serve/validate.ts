/**
 * Field checks for request bodies: each failure is a 400 naming the field and
 * what it must be, so a client author sees at once what to fix.
 */
import { HttpError } from './http-error';

type Body = Record<string, unknown>;

function bad(message: string): HttpError {
  return new HttpError(400, 'E_INVALID_ARGUMENT', message);
}

export function optString(body: Body, name: string, dflt: string): string {
  const v = body[name];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'string') throw bad(`'${name}' must be a string`);
  return v;
}

export function optBool(body: Body, name: string, dflt: boolean): boolean {
  const v = body[name];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'boolean') throw bad(`'${name}' must be true or false`);
  return v;
}

export function optInt(body: Body, name: string, dflt: number, min: number, max: number): number {
  const v = body[name];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw bad(`'${name}' must be an integer from ${min} to ${max}`);
  return v;
}

export function optNumber(body: Body, name: string, dflt: number, min: number, max: number): number {
  const v = body[name];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw bad(`'${name}' must be a number from ${min} to ${max}`);
  return v;
}

/** `stop`: a string or an array of strings (OpenAI and llama-server both allow either). */
export function optStops(body: Body, name: string): string[] {
  const v = body[name];
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return v === '' ? [] : [v];
  if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return (v as string[]).filter((s) => s !== '');
  throw bad(`'${name}' must be a string or an array of strings`);
}

export function invalid(message: string): HttpError {
  return bad(message);
}
