/**
 * From raw per-run figures to the per-model/format summary: medians per
 * engine, Hearth / llama.cpp ratios, fractions of the physical bounds. Pure.
 */
import type { ChildResult, EngineName } from '../engines/protocol';
import { median, ratio } from './stats';

export const METRICS = ['ppTokPerSec', 'tgTokPerSec', 'loadWarmMs', 'loadColdMs', 'peakRssBytes'] as const;
export type Metric = (typeof METRICS)[number];

/** One A-or-B run: the full child (warm load, pp, tg, RSS) and the cold-load child. */
export interface EngineRun {
  engine: EngineName;
  full: ChildResult;
  cold: ChildResult | null;
}

export type EngineFigures = Record<Metric, number>;

export interface CaseSummary {
  model: string;
  format: string;
  fileBytes: number;
  weightBytesPerToken: number;
  runs: number;
  hearth: EngineFigures;
  llamaCpp: EngineFigures;
  /** hearth / llama.cpp per metric (above 1 is better for speeds, worse for times and RSS). */
  ratio: EngineFigures;
  /** Raw llama.cpp (libllama from C++, no JS per token) and hearth / raw; null when it did not run. */
  llamaRaw: EngineFigures | null;
  ratioRaw: EngineFigures | null;
  bound: { tgTokPerSec: number; ppTokPerSec: number };
  /** Each engine's median as a fraction of the bound. */
  fraction: { hearth: { tg: number; pp: number }; llamaCpp: { tg: number; pp: number }; llamaRaw: { tg: number; pp: number } | null };
}

export function figuresOf(runs: readonly EngineRun[]): EngineFigures {
  return {
    ppTokPerSec: median(runs.map((r) => r.full.ppTokPerSec ?? NaN)),
    tgTokPerSec: median(runs.map((r) => r.full.tgTokPerSec ?? NaN)),
    loadWarmMs: median(runs.map((r) => r.full.loadToFirstTokenMs)),
    loadColdMs: median(runs.map((r) => r.cold?.loadToFirstTokenMs ?? NaN)),
    peakRssBytes: median(runs.map((r) => r.full.peakRssBytes)),
  };
}

export function summarizeCase(
  model: string,
  format: string,
  fileBytes: number,
  weightBytesPerToken: number,
  bound: { tgTokPerSec: number; ppTokPerSec: number },
  runs: readonly EngineRun[],
): CaseSummary {
  const h = figuresOf(runs.filter((r) => r.engine === 'hearth'));
  const l = figuresOf(runs.filter((r) => r.engine === 'llama.cpp'));
  const ratios = (a: EngineFigures, b: EngineFigures) => Object.fromEntries(METRICS.map((m) => [m, ratio(a[m], b[m])])) as EngineFigures;
  const r = ratios(h, l);
  const rawRuns = runs.filter((x) => x.engine === 'llama.cpp-raw');
  const raw = rawRuns.length ? figuresOf(rawRuns) : null;
  return {
    model,
    format,
    fileBytes,
    weightBytesPerToken,
    runs: Math.min(runs.filter((x) => x.engine === 'hearth').length, runs.filter((x) => x.engine === 'llama.cpp').length),
    hearth: h,
    llamaCpp: l,
    ratio: r,
    llamaRaw: raw,
    ratioRaw: raw ? ratios(h, raw) : null,
    bound,
    fraction: {
      hearth: { tg: ratio(h.tgTokPerSec, bound.tgTokPerSec), pp: ratio(h.ppTokPerSec, bound.ppTokPerSec) },
      llamaCpp: { tg: ratio(l.tgTokPerSec, bound.tgTokPerSec), pp: ratio(l.ppTokPerSec, bound.ppTokPerSec) },
      llamaRaw: raw ? { tg: ratio(raw.tgTokPerSec, bound.tgTokPerSec), pp: ratio(raw.ppTokPerSec, bound.ppTokPerSec) } : null,
    },
  };
}
