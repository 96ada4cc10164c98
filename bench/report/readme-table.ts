/**
 * The README's compact table: Hearth against raw llama.cpp (R) only, one row
 * per model, format and Hearth kernel level, with the completion pipeline's
 * small prompts beside pp512. Pure; bench/readme-table.ts prints it from
 * saved runs.
 */
import type { CaseSummary } from './summary';
import { fmt } from './table';

export const README_TABLE_HEAD = [
  '| model | format | Hearth level | pp512 tok/s H / R (×) | pp32 H / R (×) | pp128 H / R (×) | tg128 tok/s H / R (×) | tg % of BW bound H / R | peak RSS MiB H / R |',
  '|---|---|---|---|---|---|---|---|---|',
];

const cell = (h: number | undefined, r: number | undefined): string =>
  h === undefined || r === undefined ? '–' : `${fmt(h, 1)} / ${fmt(r, 1)} (${fmt(h / r, 2)})`;
const pct = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '–' : `${(100 * x).toFixed(0)}%`);
const mib = (b: number | undefined): string => (b === undefined || !Number.isFinite(b) ? '–' : (b / 1048576).toFixed(0));

/** Rows for the cases that ran raw llama.cpp (the others have no R to compare with). */
export function readmeRows(cases: readonly CaseSummary[]): string[] {
  const rows: string[] = [];
  for (const c of cases) {
    const r = c.llamaRaw;
    if (!r) continue;
    for (const l of c.levels) {
      rows.push(`| ${c.model} | ${c.format} | ${l.level} | ${cell(l.hearth.ppTokPerSec, r.ppTokPerSec)} | ` +
        `${cell(l.ppBatches['32'], c.llamaRawPpBatches?.['32'])} | ${cell(l.ppBatches['128'], c.llamaRawPpBatches?.['128'])} | ` +
        `${cell(l.hearth.tgTokPerSec, r.tgTokPerSec)} | ${pct(l.fraction.tg)} / ${pct(c.fraction.llamaRaw?.tg)} | ` +
        `${mib(l.hearth.peakRssBytes)} / ${mib(r.peakRssBytes)} |`);
    }
  }
  return rows;
}
