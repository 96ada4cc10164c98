/**
 * Cuts the text around the cursor into a FIM request within a token budget.
 *
 * Budget split (llama.cpp /infill habit): about 3:1 prefix to suffix inside
 * the window; chunks from other files only get what prefix and suffix leave.
 * The far end of the prefix moves in steps of `prefixStepLines` lines, not on
 * every keystroke, so the start of the prompt stays byte-identical while the
 * user types and the engine can reuse its KV cache for it.
 */
import type { ContextChunk, FimRequest } from '../host/engine-port';

export type TokenCounter = (text: string) => number;

/** Cheap estimate for budgeting when the real tokenizer is across a process boundary. */
export const estimateTokens: TokenCounter = (text) => Math.ceil(text.length / 3.5);

export interface FimBudget {
  /** Whole prompt window in tokens (setting hearth.completion.contextTokens). */
  windowTokens: number;
  /** Share of the window for prefix+suffix; the rest may go to other files. */
  localShare: number;
  /** prefix:suffix token ratio; 3 means 3:1. */
  prefixToSuffix: number;
  prefixStepLines: number;
}

export const DEFAULT_BUDGET: FimBudget = { windowTokens: 1024, localShare: 0.75, prefixToSuffix: 3, prefixStepLines: 16 };

export interface FimInput {
  path: string;
  /** Whole document text and the cursor's offset in it. */
  text: string;
  offset: number;
  chunks: ContextChunk[];
  maxTokens: number;
  timeBudgetMs: number;
  stop?: string[];
}

/** Keeps the last lines of `text` that fit `budget` tokens, cutting on a multiple of `step` lines. */
export function takeTailLines(text: string, budget: number, count: TokenCounter, step: number): string {
  if (count(text) <= budget) return text;
  const lines = text.split('\n');
  // Find the fewest lines to drop, then round the cut up to a step boundary so
  // it only moves when the prefix grows by whole steps.
  // Binary search (the count only falls as lines are dropped): a linear scan
  // re-joined the rest of the file once per line, quadratic in its length,
  // and this runs twice per request (full and short window) and per cursor move.
  const drop = firstIndex(lines.length, (d) => count(lines.slice(d).join('\n')) <= budget);
  const aligned = Math.min(lines.length - 1, Math.ceil(drop / step) * step);
  let kept = lines.slice(aligned).join('\n');
  // The line with the cursor may itself be longer than the budget.
  while (kept.length > 0 && count(kept) > budget) kept = kept.slice(Math.max(1, kept.length >> 3));
  return kept;
}

/** Keeps the first lines of `text` that fit `budget` tokens. */
export function takeHeadLines(text: string, budget: number, count: TokenCounter): string {
  if (count(text) <= budget) return text;
  const lines = text.split('\n');
  // The most lines that fit: the first count of dropped lines from the end that fits.
  const dropEnd = firstIndex(lines.length, (d) => count(lines.slice(0, lines.length - d).join('\n')) <= budget);
  return lines.slice(0, lines.length - dropEnd).join('\n');
}

/** The smallest i in [0, n] with ok(i), for ok false then true as i grows; n when none below n is. */
function firstIndex(n: number, ok: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ok(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function buildFimRequest(input: FimInput, budget: FimBudget = DEFAULT_BUDGET, count: TokenCounter = estimateTokens): FimRequest {
  const local = Math.floor(budget.windowTokens * budget.localShare);
  const suffixBudget = Math.floor(local / (budget.prefixToSuffix + 1));
  const prefixFull = input.text.slice(0, input.offset);
  const suffixFull = input.text.slice(input.offset);
  const suffix = takeHeadLines(suffixFull, suffixBudget, count);
  // Whatever the suffix did not use goes to the prefix.
  const prefix = takeTailLines(prefixFull, local - count(suffix), count, budget.prefixStepLines);
  let left = budget.windowTokens - count(prefix) - count(suffix);
  const chunks: ContextChunk[] = [];
  for (const c of input.chunks) {
    const cost = count(c.text) + count(c.path) + 2;
    if (cost > left) continue;
    chunks.push(c);
    left -= cost;
  }
  return {
    path: input.path,
    chunks,
    prefix,
    suffix,
    maxTokens: input.maxTokens,
    timeBudgetMs: input.timeBudgetMs,
    stop: input.stop ?? [],
  };
}
