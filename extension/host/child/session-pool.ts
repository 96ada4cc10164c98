/**
 * Several completion KV caches (one per recent window: file and site, short
 * and full) so that returning to a place, or a short window next to a full
 * one, does not evaluate again what another window already holds. Bounded by
 * KV memory; each request goes to the cache that keeps the most of its prompt
 * for the least loss of what the others hold.
 *
 * Generic over the session type so that the choice is testable without a
 * model; the engine (./native-engine.ts) owns the real sessions.
 */

/** What a pooled cache is known to hold. */
export interface PoolEntry<S> {
  readonly session: S;
  /** Token ids the cache holds (read when no generation runs on it). */
  tokens: readonly number[];
  lastUsed: number;
}

export function commonPrefix(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/**
 * Prompt tokens a cache holding `cached` would not evaluate again for
 * `prompt`: the common prefix, plus the run that ends the prompt (a FIM
 * prompt's suffix and middle marker) when the cache holds it after the
 * prefix, which the engine's splice moves into place instead of evaluating.
 * An estimate: the splice also bounds how far a run may drift.
 */
export function reusableTokens(cached: readonly number[], prompt: readonly number[], spliceDrift = 0): number {
  const lcp = commonPrefix(cached, prompt);
  if (lcp >= prompt.length || spliceDrift <= 0) return lcp;
  const last = prompt[prompt.length - 1];
  let best = 0;
  for (let end = cached.length - 1; end >= lcp; end--) {
    if (cached[end] !== last) continue;
    let run = 0;
    while (run < prompt.length - lcp && end - run >= lcp && cached[end - run] === prompt[prompt.length - 1 - run]) run++;
    const drift = Math.abs(end - (prompt.length - 1));
    if (drift <= spliceDrift && run > best) best = run;
  }
  return lcp + best;
}

/** KV cache bytes per token (F16 keys and values in every layer). */
export function kvBytesPerToken(m: { nLayer: number; nHeadKv: number; nHead: number; nEmbd: number }): number {
  const headDim = m.nEmbd / Math.max(1, m.nHead);
  return 2 * m.nLayer * m.nHeadKv * headDim * 2;
}

/** How many completion caches of `contextTokens` fit `budgetBytes`, within [1, maxSessions]. */
export function poolSize(bytesPerToken: number, contextTokens: number, budgetBytes: number, maxSessions: number): number {
  const per = Math.max(1, bytesPerToken * contextTokens);
  return Math.max(1, Math.min(maxSessions, Math.floor(budgetBytes / per)));
}

export class SessionPool<S> {
  private readonly entries: PoolEntry<S>[] = [];
  private clock = 0;
  /**
   * The cache the latest ghost-text request used: where the user types now.
   * Background work that would overwrite it counts its whole loss, not a
   * quarter: measured on the latency trace, a site's full-window prefetch
   * (no shared prefix with the short window) kept picking the short window's
   * cache, the smallest to lose, so the next key after a pause found nothing
   * cached and missed the pause (4 of the 5 unserved pauses on AVX2).
   */
  private active: PoolEntry<S> | null = null;

  constructor(
    private readonly create: () => S,
    readonly capacity: number,
    private readonly destroy: (s: S) => void = () => {},
  ) {}

  get size(): number {
    return this.entries.length;
  }

  all(): readonly PoolEntry<S>[] {
    return this.entries;
  }

  /**
   * The cache for `prompt`: each candidate scores the tokens it keeps minus a
   * quarter of the cached tokens it would lose (what another window will want
   * back), all of them for the active cache (see `active`); a new empty cache
   * scores 0 while there is room; ties go to the least recently used. Does
   * not mark it used (see touch(), activate()).
   */
  pick(prompt: readonly number[], spliceDrift = 0): { entry: PoolEntry<S>; reuse: number } {
    let best: { entry: PoolEntry<S> | null; reuse: number; score: number; lastUsed: number } = { entry: null, reuse: 0, score: -Infinity, lastUsed: Infinity };
    if (this.entries.length < this.capacity) best = { entry: null, reuse: 0, score: 0, lastUsed: -1 };
    for (const e of this.entries) {
      const reuse = reusableTokens(e.tokens, prompt, spliceDrift);
      const lossWeight = e === this.active ? 1 : 0.25;
      const score = reuse - lossWeight * Math.max(0, e.tokens.length - reuse);
      if (score > best.score || (score === best.score && e.lastUsed < best.lastUsed)) best = { entry: e, reuse, score, lastUsed: e.lastUsed };
    }
    if (best.entry) return { entry: best.entry, reuse: best.reuse };
    const entry: PoolEntry<S> = { session: this.create(), tokens: [], lastUsed: 0 };
    this.entries.push(entry);
    return { entry, reuse: 0 };
  }

  /** Marks the entry most recently used. */
  touch(entry: PoolEntry<S>): void {
    entry.lastUsed = ++this.clock;
  }

  /** Marks the entry a ghost-text request (not background work) runs on: the one to keep. */
  activate(entry: PoolEntry<S>): void {
    this.active = entry;
    this.touch(entry);
  }

  /** Drops every cache (model unloaded). */
  clear(): void {
    this.active = null;
    for (const e of this.entries.splice(0)) this.destroy(e.session);
  }
}
