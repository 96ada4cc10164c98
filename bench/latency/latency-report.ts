/** Percentiles and shares of a latency replay. Pure. */
import { percentile } from '../report/stats';

export interface KeyRecord {
  key: number;
  site: number;
  /** performance.now() at the keystroke. */
  t0: number;
  fromCache: boolean;
  /** The pipeline returned a suggestion to show (not null). */
  suggested: boolean;
  /** A newer keystroke came during the debounce: no request was made. */
  superseded: boolean;
  /** The request started but a newer keystroke cancelled it. */
  aborted: boolean;
  firstTokenMs: number | null;
  doneMs: number | null;
  promptTokens: number | null;
  evaluatedTokens: number | null;
  /** Of the cached prompt tokens, those the splice moved past the typed ones (not evaluated). */
  splicedTokens: number | null;
  generatedTokens: number | null;
  /** Prompt tokens not in the KV cache when the request was made (all engine requests, finished or not). */
  newTokens: number | null;
}

export interface LatencySummary {
  keystrokes: number;
  served: number;
  /** Served with a suggestion to show (the rest came back empty, e.g. cut by the time budget). */
  suggested: number;
  fromCache: number;
  superseded: number;
  aborted: number;
  /** Engine requests whose prompt reused a cached prefix (evaluated < prompt). */
  reusedPrefix: number;
  engineRequests: number;
  /** Keystroke to first generated token, engine requests only. */
  firstTokenMs: { p50: number; p95: number };
  /** Keystroke to the suggestion (cache answers included). */
  suggestionMs: { p50: number; p95: number };
  evaluatedTokens: { p50: number; p95: number; max: number };
  /** Prompt tokens moved past the typed ones instead of evaluated (splice). */
  splicedTokens: { p50: number; p95: number };
  promptTokens: { p50: number; p95: number };
  /** Prompt tokens missing from the cache per engine request, finished or cancelled. */
  newTokens: { p50: number; p95: number; max: number };
}

function pq(xs: number[]): { p50: number; p95: number } {
  return { p50: percentile(xs, 50), p95: percentile(xs, 95) };
}

export function latencySummary(records: readonly KeyRecord[]): LatencySummary {
  const served = records.filter((r) => r.doneMs !== null);
  // Engine requests whose prompt was evaluated (a request cancelled before has no figures).
  const engine = records.filter((r) => r.evaluatedTokens !== null && !r.superseded);
  const fresh = records.filter((r) => r.newTokens !== null).map((r) => r.newTokens as number);
  const evaluated = engine.map((r) => r.evaluatedTokens as number);
  return {
    keystrokes: records.length,
    served: served.length,
    suggested: served.filter((r) => r.suggested).length,
    fromCache: served.filter((r) => r.fromCache).length,
    superseded: records.filter((r) => r.superseded).length,
    aborted: records.filter((r) => r.aborted).length,
    reusedPrefix: engine.filter((r) => (r.evaluatedTokens as number) < (r.promptTokens as number)).length,
    engineRequests: engine.length,
    firstTokenMs: pq(served.filter((r) => r.firstTokenMs !== null).map((r) => r.firstTokenMs as number)),
    suggestionMs: pq(served.map((r) => r.doneMs as number)),
    evaluatedTokens: { ...pq(evaluated), max: evaluated.length ? Math.max(...evaluated) : NaN },
    splicedTokens: pq(engine.map((r) => r.splicedTokens ?? 0)),
    promptTokens: pq(engine.map((r) => r.promptTokens as number)),
    newTokens: { ...pq(fresh), max: fresh.length ? Math.max(...fresh) : NaN },
  };
}
