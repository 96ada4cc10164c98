/**
 * From raw per-run figures to the per-model/format summary: medians per
 * engine (Hearth per kernel level), Hearth / llama.cpp ratios per level,
 * fractions of the physical bounds. Pure.
 */
import type { ChildResult, EngineName } from '../engines/protocol';
import { median, ratio } from './stats';

export const METRICS = ['ppTokPerSec', 'tgTokPerSec', 'loadWarmMs', 'loadColdMs', 'peakRssBytes'] as const;
export type Metric = (typeof METRICS)[number];

/** One A-or-B run: the full child (warm load, pp, tg, RSS) and the cold-load child. */
export interface EngineRun {
  engine: EngineName;
  /** Hearth: the kernel level its children were run at (HEARTH_CPU). */
  level?: string;
  full: ChildResult;
  cold: ChildResult | null;
}

export type EngineFigures = Record<Metric, number>;

/** Tokens/s (or a ratio of them) per --pp-batches prompt size, keyed by the size ("32"). */
export type BatchFigures = Record<string, number>;

/** Hearth at one kernel level and how it compares. */
export interface LevelSummary {
  level: string;
  hearth: EngineFigures;
  /** hearth / llama.cpp per metric (above 1 is better for speeds, worse for times and RSS). */
  ratio: EngineFigures;
  /** hearth / raw llama.cpp; null when raw did not run. */
  ratioRaw: EngineFigures | null;
  /** The medians as fractions of the bounds. */
  fraction: { tg: number; pp: number };
  ppBatches: BatchFigures;
  /** hearth / raw llama.cpp per prompt size; null when raw did not run. */
  ppBatchesRatioRaw: BatchFigures | null;
}

export interface CaseSummary {
  model: string;
  format: string;
  fileBytes: number;
  weightBytesPerToken: number;
  runs: number;
  /** The --pp-batches sizes, ascending (node-llama-cpp does not time them). */
  ppBatchSizes: number[];
  /** One per kernel level, in the order they ran. */
  levels: LevelSummary[];
  llamaCpp: EngineFigures;
  /** Raw llama.cpp (libllama from C++, no JS per token); null when it did not run. */
  llamaRaw: EngineFigures | null;
  llamaRawPpBatches: BatchFigures | null;
  bound: { tgTokPerSec: number; ppTokPerSec: number };
  /** Each llama.cpp engine's median as a fraction of the bound (Hearth's are per level). */
  fraction: { llamaCpp: { tg: number; pp: number }; llamaRaw: { tg: number; pp: number } | null };
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

/** Median tokens/s per prompt size; NaN where no run has it. */
export function batchFiguresOf(runs: readonly EngineRun[], sizes: readonly number[]): BatchFigures {
  return Object.fromEntries(sizes.map((n) => [String(n), median(runs.map((r) => r.full.ppBatchTokPerSec?.[String(n)] ?? NaN))]));
}

function ratios<T extends Record<string, number>>(a: T, b: T): T {
  return Object.fromEntries(Object.keys(a).map((k) => [k, ratio(a[k], b[k])])) as T;
}

export function summarizeCase(
  model: string,
  format: string,
  fileBytes: number,
  weightBytesPerToken: number,
  bound: { tgTokPerSec: number; ppTokPerSec: number },
  runs: readonly EngineRun[],
  ppBatchSizes: readonly number[] = [],
): CaseSummary {
  const sizes = [...ppBatchSizes];
  const l = figuresOf(runs.filter((r) => r.engine === 'llama.cpp'));
  const rawRuns = runs.filter((x) => x.engine === 'llama.cpp-raw');
  const raw = rawRuns.length ? figuresOf(rawRuns) : null;
  const rawBatches = rawRuns.length ? batchFiguresOf(rawRuns, sizes) : null;
  const hearthRuns = runs.filter((r) => r.engine === 'hearth');
  // Levels in the order they ran; a run without one (a report from before --levels) is its own group.
  const levelNames = [...new Set(hearthRuns.map((r) => r.level ?? ''))];
  const levels = levelNames.map((level): LevelSummary => {
    const mine = hearthRuns.filter((r) => (r.level ?? '') === level);
    const h = figuresOf(mine);
    const batches = batchFiguresOf(mine, sizes);
    return {
      level,
      hearth: h,
      ratio: ratios(h, l),
      ratioRaw: raw ? ratios(h, raw) : null,
      fraction: { tg: ratio(h.tgTokPerSec, bound.tgTokPerSec), pp: ratio(h.ppTokPerSec, bound.ppTokPerSec) },
      ppBatches: batches,
      ppBatchesRatioRaw: rawBatches ? ratios(batches, rawBatches) : null,
    };
  });
  const perLevel = levelNames.map((level) => hearthRuns.filter((r) => (r.level ?? '') === level).length);
  return {
    model,
    format,
    fileBytes,
    weightBytesPerToken,
    runs: Math.min(...perLevel, runs.filter((x) => x.engine === 'llama.cpp').length),
    ppBatchSizes: sizes,
    levels,
    llamaCpp: l,
    llamaRaw: raw,
    llamaRawPpBatches: rawBatches,
    bound,
    fraction: {
      llamaCpp: { tg: ratio(l.tgTokPerSec, bound.tgTokPerSec), pp: ratio(l.ppTokPerSec, bound.ppTokPerSec) },
      llamaRaw: raw ? { tg: ratio(raw.tgTokPerSec, bound.tgTokPerSec), pp: ratio(raw.ppTokPerSec, bound.ppTokPerSec) } : null,
    },
  };
}
