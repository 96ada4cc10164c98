/**
 * The latency benchmark's figures from a replay's records. Pure.
 *
 * A pause is a gap of at least PAUSE_MS between a key and the user's next
 * action: the next key or a cursor jump, whichever comes first (the last
 * key's gap runs to the end of the replay). A jump hides ghost text and
 * cancels its request like a key does, so time after it is no time the user
 * waited at that key; counting to the next key instead made the last key of
 * every site a "pause" as long as the jump plus the new site's first gap.
 * A pause is served when ghost text for that key showed before that action;
 * its latency is key to ghost text. An unserved pause counts in the
 * percentiles at its full gap: a lower bound on what the user would have waited.
 */
import { median, percentile } from '../report/stats';
import { PAUSE_MS } from './trace';
import type { KeyRecord, ReplayResult } from './replay';
import type { RequestRecord } from './driver';

export interface Quantiles {
  p50: number;
  p95: number;
}

/** One engine's figures for one run (the JSON's `hearth` / `peer`). */
export interface LatencyFigures {
  pauses: number;
  pausesServed: number;
  pausesServedFraction: number;
  /** Pauses whose key got the pipeline's answer before the next key, shown or empty. */
  pausesAnswered: number;
  pausesAnsweredFraction: number;
  pauseLatencyMs: Quantiles;
  /** The first pause after each cursor jump (and at the start). */
  newSitePauses: number;
  newSiteServed: number;
  newSiteServedFraction: number;
  newSiteLatencyMs: Quantiles;
  /** Prompt tokens evaluated (not reused from the KV cache) per finished request for a key. */
  promptTokensPerRequest: Quantiles;
  /** CPU time on work thrown away (cancelled, superseded, prefetched for nobody). */
  wastedCpuMs: number;
  /** wastedCpuMs over all the engine's CPU time in the run. */
  wastedCpuShare: number;
  totalCpuMs: number;
  keystrokes: number;
  requests: number;
  /** Generated tokens per finished request for a key (the harness asks for a fixed count). */
  generatedTokensPerRequest: Quantiles;
}

function q(xs: readonly number[]): Quantiles {
  return { p50: percentile(xs, 50), p95: percentile(xs, 95) };
}

interface PauseSample {
  site: number;
  served: boolean;
  answered: boolean;
  /** Key to ghost text when served, the whole gap when not (a lower bound). */
  ms: number;
}

export function pauseSamples(keys: readonly KeyRecord[], endMs: number, jumpTimes: readonly number[] = []): PauseSample[] {
  const out: PauseSample[] = [];
  keys.forEach((k, i) => {
    const nextKey = i + 1 < keys.length ? keys[i + 1].t : endMs;
    const nextJump = jumpTimes.find((t) => t > k.t) ?? Infinity;
    const gap = Math.min(nextKey, nextJump) - k.t;
    if (gap < PAUSE_MS) return;
    const served = k.shownMs !== null && k.shownMs <= gap;
    const answered = k.answeredMs !== null && k.answeredMs !== undefined && k.answeredMs <= gap;
    out.push({ site: k.site, served, answered, ms: served ? (k.shownMs as number) : gap });
  });
  return out;
}

export function latencyFigures(r: Pick<ReplayResult, 'keys' | 'endMs' | 'requests' | 'totalCpuMs'> & { jumps?: ReplayResult['jumps'] }): LatencyFigures {
  const pauses = pauseSamples(r.keys, r.endMs, (r.jumps ?? []).map((j) => j.t));
  const firstPerSite = new Map<number, PauseSample>();
  for (const p of pauses) if (!firstPerSite.has(p.site)) firstPerSite.set(p.site, p);
  const newSite = [...firstPerSite.values()];
  const served = pauses.filter((p) => p.served).length;
  const newServed = newSite.filter((p) => p.served).length;
  const finished = r.requests.filter((x) => x.kind === 'request' && (x.outcome === 'done' || x.outcome === 'superseded'));
  const wasted = r.requests.filter((x) => x.wasted).reduce((a, x) => a + x.cpuMs, 0);
  return {
    pauses: pauses.length,
    pausesServed: served,
    pausesServedFraction: pauses.length ? served / pauses.length : NaN,
    pausesAnswered: pauses.filter((p) => p.answered).length,
    pausesAnsweredFraction: pauses.length ? pauses.filter((p) => p.answered).length / pauses.length : NaN,
    pauseLatencyMs: q(pauses.map((p) => p.ms)),
    newSitePauses: newSite.length,
    newSiteServed: newServed,
    newSiteServedFraction: newSite.length ? newServed / newSite.length : NaN,
    newSiteLatencyMs: q(newSite.map((p) => p.ms)),
    promptTokensPerRequest: q(finished.filter((x) => x.evaluatedTokens !== null).map((x) => x.evaluatedTokens as number)),
    wastedCpuMs: wasted,
    wastedCpuShare: r.totalCpuMs > 0 ? wasted / r.totalCpuMs : NaN,
    totalCpuMs: r.totalCpuMs,
    keystrokes: r.keys.length,
    requests: r.requests.filter((x) => x.kind === 'request').length,
    generatedTokensPerRequest: q(finished.filter((x) => x.generatedTokens !== null).map((x) => x.generatedTokens as number)),
  };
}

/** Per figure, the median over runs (machines are noisy). */
export function medianFigures(runs: readonly LatencyFigures[]): LatencyFigures {
  if (runs.length === 0) throw new Error('no runs');
  const m = (get: (f: LatencyFigures) => number): number => median(runs.map(get));
  const mq = (get: (f: LatencyFigures) => Quantiles): Quantiles => ({ p50: m((f) => get(f).p50), p95: m((f) => get(f).p95) });
  return {
    pauses: m((f) => f.pauses),
    pausesServed: m((f) => f.pausesServed),
    pausesServedFraction: m((f) => f.pausesServedFraction),
    pausesAnswered: m((f) => f.pausesAnswered),
    pausesAnsweredFraction: m((f) => f.pausesAnsweredFraction),
    pauseLatencyMs: mq((f) => f.pauseLatencyMs),
    newSitePauses: m((f) => f.newSitePauses),
    newSiteServed: m((f) => f.newSiteServed),
    newSiteServedFraction: m((f) => f.newSiteServedFraction),
    newSiteLatencyMs: mq((f) => f.newSiteLatencyMs),
    promptTokensPerRequest: mq((f) => f.promptTokensPerRequest),
    wastedCpuMs: m((f) => f.wastedCpuMs),
    wastedCpuShare: m((f) => f.wastedCpuShare),
    totalCpuMs: m((f) => f.totalCpuMs),
    keystrokes: m((f) => f.keystrokes),
    requests: m((f) => f.requests),
    generatedTokensPerRequest: mq((f) => f.generatedTokensPerRequest),
  };
}

/** A CPU-time sample of the server at a request's start and end. */
export interface CpuSpan {
  startCpuMs: number;
  endCpuMs: number;
}

/**
 * CPU time per request for a server that runs one request at a time (one
 * slot): a request's work begins when it arrives or when the request before
 * it ended, whichever is later, so overlapping HTTP requests are not
 * counted twice. Spans in order of their end.
 */
export function serialCpu(spans: readonly CpuSpan[]): number[] {
  let prevEnd = -Infinity;
  return spans.map((s) => {
    const from = Math.max(s.startCpuMs, prevEnd);
    prevEnd = Math.max(prevEnd, s.endCpuMs);
    return Math.max(0, s.endCpuMs - from);
  });
}

/**
 * A prefetch nobody asked for: no key came after it started and before the
 * next jump (the user left the place it prepared). Used for Hearth's
 * prefetches, whose engine figures carry no site.
 */
export function prefetchUnused(startMs: number, keyTimes: readonly number[], jumpTimes: readonly number[]): boolean {
  const nextJump = jumpTimes.find((t) => t > startMs) ?? Infinity;
  return !keyTimes.some((t) => t > startMs && t < nextJump);
}

export type { RequestRecord };
