import { asEngineError } from '../engine/errors';
import type { CliIo } from './command';

/**
 * Reports an engine failure the way every command does: `hearth: CODE: msg`
 * on stderr, and with --json also `{"error":{"code","message"}}` on stdout.
 * Returns the exit code (2).
 */
export function reportEngineError(err: unknown, io: CliIo, json: boolean): number {
  const e = asEngineError(err);
  io.err(`hearth: ${e.code}: ${e.message}\n`);
  if (json) io.out(JSON.stringify({ error: { code: e.code, message: e.message } }) + '\n');
  return 2;
}
