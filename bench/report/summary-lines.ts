/**
 * The per-case lines `npm run bench` logs after a model/format: the median
 * ratios of each Hearth kernel level, named, against node-llama-cpp and raw
 * llama.cpp, with the --pp-batches sizes against raw. Pure.
 */
import { hearthLabel } from '../levels';
import type { CaseSummary } from './summary';

function two(x: number): string {
  return Number.isFinite(x) ? x.toFixed(2) : '–';
}

/** One line per level, e.g. "median hearth (avx2) / llama.cpp: pp 1.20, tg 0.95; / raw llama.cpp: pp 1.10, tg 0.90, pp32 1.31". */
export function ratioLines(c: CaseSummary): string[] {
  return c.levels.map((lv) => {
    const name = hearthLabel(lv.level);
    const batches = c.ppBatchSizes.map((n) => String(n));
    let line = `median ${name} / llama.cpp: pp ${two(lv.ratio.ppTokPerSec)}, tg ${two(lv.ratio.tgTokPerSec)}`;
    if (lv.ratioRaw) {
      const q = lv.ppBatchesRatioRaw;
      line += `; / raw llama.cpp: pp ${two(lv.ratioRaw.ppTokPerSec)}, tg ${two(lv.ratioRaw.tgTokPerSec)}`;
      line += batches.map((n) => `, pp${n} ${two(q?.[n] ?? NaN)}`).join('');
    } else if (batches.length > 0) {
      // Nothing to divide by: the speeds themselves.
      line += `; ${batches.map((n) => `pp${n} ${(lv.ppBatches[n] ?? NaN).toFixed(1)}`).join(', ')} tok/s`;
    }
    return line;
  });
}
