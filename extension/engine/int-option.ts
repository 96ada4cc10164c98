/**
 * "An integer option in range": the one check every numeric option of the
 * CLI and the JS API passes through, so `--n 1e20`, `--seed 1e30`,
 * `--ctx abc` and `threads: 1.5` all fail the same way: E_INVALID_ARGUMENT
 * naming the option and its range. The ranges live here, one list.
 */
import * as os from 'os';
import { EngineError } from './errors';

export interface IntRange {
  min: number;
  max: number;
}

/** Every integer option's range (names as the CLI spells them). 0 means "the default" where noted. */
export const INT_OPTION_RANGES = {
  /** Tokens to generate. */
  n: { min: 0, max: 1 << 20 },
  /** KV window in tokens; 0: the model's default. The engine's own bound (KV_MAX_CONTEXT, native/src/model/kv-cache.h). */
  ctx: { min: 0, max: 1 << 20 },
  /** Compute threads; 0: the physical cores. Above the cores present: clamped with a warning. */
  threads: { min: 0, max: 4096 },
  /** Sampler seed (the engine keeps it as an unsigned 64-bit value; JSON numbers are exact to 2^53). */
  seed: { min: 0, max: Number.MAX_SAFE_INTEGER },
  /** Layers offloaded to a GPU. */
  'gpu-layers': { min: 0, max: 100_000 },
  /** bench: prompt tokens, generated tokens, repetitions. */
  pp: { min: 1, max: 1 << 20 },
  tg: { min: 0, max: 1 << 20 },
  reps: { min: 1, max: 1000 },
  /** complete: 0-based position in the file. */
  line: { min: 0, max: 1 << 30 },
  column: { min: 0, max: 1 << 30 },
} as const satisfies Record<string, IntRange>;

export type IntOptionName = keyof typeof INT_OPTION_RANGES;

function rangeError(label: string, range: IntRange, got: string): EngineError {
  return new EngineError('E_INVALID_ARGUMENT', `${label} must be an integer from ${range.min} to ${range.max}, got ${got}`);
}

/** Checks a number given through the API; returns it unchanged. */
export function checkInt(label: string, value: unknown, range: IntRange): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max) {
    throw rangeError(label, range, typeof value === 'number' ? String(value) : JSON.stringify(value) ?? String(value));
  }
  return value;
}

/**
 * Parses option text: decimal digits only (no exponent, fraction, hex or
 * blank), then the range check. `label` is how the message names it (`--n`).
 */
export function parseInt10(label: string, text: string, range: IntRange): number {
  if (!/^[+-]?[0-9]+$/.test(text.trim())) throw rangeError(label, range, `'${text}'`);
  const n = Number(text.trim());
  if (!Number.isSafeInteger(n)) throw rangeError(label, range, `'${text}'`);
  return checkInt(label, n, range);
}

/** The logical cores present (what a thread count is clamped to). */
export function coresPresent(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : Math.max(1, os.cpus().length);
}

/** A thread count above the cores present, clamped, with the warning to give (null when no clamp). */
export function clampThreads(threads: number): { threads: number; warning: string | null } {
  const cores = coresPresent();
  if (threads <= cores) return { threads, warning: null };
  return { threads: cores, warning: `threads ${threads} is more than the ${cores} cores present; using ${cores}` };
}
