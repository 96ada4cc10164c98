/** The Markdown results table (README and bench/results/latest.md). Pure. */
import { hearthLabel } from '../levels';
import type { CaseSummary } from './summary';

export function fmt(x: number, digits: number): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '–';
}

function mib(bytes: number): string {
  return Number.isFinite(bytes) ? (bytes / 1048576).toFixed(0) : '–';
}

function pct(x: number): string {
  return Number.isFinite(x) ? `${(100 * x).toFixed(0)}%` : '–';
}

/**
 * One row per model/format and Hearth kernel level (the engine column,
 * "hearth (avx2)"; the llama.cpp figures repeat on each level's row, so the
 * ratios are per level): the file size and the weight bytes one generated
 * token reads (about the file for a dense model with tied embeddings; for a
 * MoE only the experts the router picks, a fraction of it; the BW bound is
 * bandwidth over this), then each cell "Hearth / llama.cpp (ratio)", L being
 * llama.cpp through node-llama-cpp. When raw llama.cpp (R: libllama from
 * C++) ran, three more cells: pp and tg "R (Hearth / R)", and its load and RSS.
 */
export function resultsTable(cases: readonly CaseSummary[]): string {
  const withRaw = cases.some((c) => c.llamaRaw);
  const head = [
    '| model | format | engine | file MiB / read per token MiB | pp512 tok/s H / L (×) | tg128 tok/s H / L (×) | load warm ms H / L | load cold ms H / L | peak RSS MiB H / L | tg % of BW bound H / L | pp % of FMA bound H / L |' +
      (withRaw ? ' pp512 raw R (H/R ×) | tg128 raw R (H/R ×) | raw R: load warm ms, peak RSS MiB, tg % BW |' : ''),
    '|---|---|---|---|---|---|---|---|---|---|---|' + (withRaw ? '---|---|---|' : ''),
  ];
  const rows = cases.flatMap((c) => c.levels.map((lv) => {
    const h = lv.hearth;
    const l = c.llamaCpp;
    const row = [
      c.model,
      c.format,
      hearthLabel(lv.level),
      `${mib(c.fileBytes)} / ${mib(c.weightBytesPerToken)}`,
      `${fmt(h.ppTokPerSec, 1)} / ${fmt(l.ppTokPerSec, 1)} (${fmt(lv.ratio.ppTokPerSec, 2)})`,
      `${fmt(h.tgTokPerSec, 1)} / ${fmt(l.tgTokPerSec, 1)} (${fmt(lv.ratio.tgTokPerSec, 2)})`,
      `${fmt(h.loadWarmMs, 0)} / ${fmt(l.loadWarmMs, 0)}`,
      `${fmt(h.loadColdMs, 0)} / ${fmt(l.loadColdMs, 0)}`,
      `${mib(h.peakRssBytes)} / ${mib(l.peakRssBytes)}`,
      `${pct(lv.fraction.tg)} / ${pct(c.fraction.llamaCpp.tg)}`,
      `${pct(lv.fraction.pp)} / ${pct(c.fraction.llamaCpp.pp)}`,
    ];
    if (withRaw) {
      const r = c.llamaRaw, q = lv.ratioRaw;
      row.push(
        r && q ? `${fmt(r.ppTokPerSec, 1)} (${fmt(q.ppTokPerSec, 2)})` : '–',
        r && q ? `${fmt(r.tgTokPerSec, 1)} (${fmt(q.tgTokPerSec, 2)})` : '–',
        r ? `${fmt(r.loadWarmMs, 0)}, ${mib(r.peakRssBytes)}, ${pct(c.fraction.llamaRaw?.tg ?? NaN)}` : '–',
      );
    }
    return row;
  }));
  return [...head, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n') + '\n';
}
