/**
 * Table, chart and JSON of a report into a results folder
 * (latest.{md,svg,json}). Also a command: `tsx bench/report/write-results.ts
 * REPORT.json [DIR]` re-renders a saved report (e.g. after a chart change)
 * without measuring again.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { BenchReport } from './bench-report';
import { ppBatchTable } from './batch-table';
import { resultsChart } from './chart';
import type { CaseSummary, LevelSummary } from './summary';
import { resultsTable } from './table';

export function resultsHeader(r: BenchReport): string {
  const m = r.machine;
  const s = r.settings;
  const selected = `Hearth kernel level ${m.kernelLevel} ${m.forcedLevel ? '(forced by HEARTH_CPU)' : 'selected by dispatch'}`;
  return (
    `Machine: ${m.cpu}, ${m.physicalCores} cores, ${(m.memoryBytes / 2 ** 30).toFixed(0)} GiB; ` +
    `${selected}; ${s.threads} threads; ctx ${s.contextSize}; median of ${s.runs} runs; ${m.date.slice(0, 16).replace('T', ' ')} UTC.\n` +
    `Limits measured in the same run: read ${(r.limits.readBytesPerSec / 1e9).toFixed(1)} GB/s, f32 FMA ${(r.limits.fmaFlopsPerSec / 1e9).toFixed(0)} GFLOP/s.\n` +
    `H = Hearth at the row's kernel level (HEARTH_CPU=<level>: ${s.levels.join(', ')}), L = llama.cpp via node-llama-cpp; (×) = H / L.` +
    (r.cases.some((c) => c.llamaRaw) ? ' R = raw llama.cpp (the same libllama from C++, build/llama-ref); (H/R ×) = H / R.' : '') +
    ' Cold load: file evicted with posix_fadvise DONTNEED (dd iflag=nocache).\n'
  );
}

/** The lines above the prompt-size table: what ppN is, and that node-llama-cpp skips it. */
export const PP_BATCH_NOTE =
  'ppN: tokens/s of one evaluation of N prompt tokens from an empty context (the completion pipeline\'s batch sizes); ' +
  'node-llama-cpp (L) skips these to keep the run short.\n';

export function writeResults(report: BenchReport, dir: string | null): { header: string; table: string } {
  const header = resultsHeader(report);
  const batches = ppBatchTable(report.cases);
  const table = resultsTable(report.cases) + (batches ? `\n${PP_BATCH_NOTE}\n${batches}` : '');
  if (dir) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'latest.json'), JSON.stringify(report, null, 2) + '\n');
    fs.writeFileSync(path.join(dir, 'latest.md'), `${header}\n${table}`);
    const title = `Hearth vs llama.cpp, ${report.settings.threads} threads, ${report.machine.cpu} (${report.machine.date.slice(0, 10)})`;
    fs.writeFileSync(path.join(dir, 'latest.svg'), resultsChart(report.cases, title));
  }
  return { header, table };
}

/** A case as reports before --levels wrote it: one Hearth, at the machine's level. */
interface OneLevelCase extends Omit<CaseSummary, 'levels' | 'ppBatchSizes' | 'llamaRawPpBatches' | 'fraction'> {
  hearth: LevelSummary['hearth'];
  ratio: LevelSummary['ratio'];
  ratioRaw: LevelSummary['ratioRaw'];
  fraction: CaseSummary['fraction'] & { hearth: LevelSummary['fraction'] };
}

/**
 * A saved report, ready to render: one from before --levels gets its single
 * Hearth as a level row (the machine's kernel level, which it ran), and the
 * nulls JSON wrote for NaN are NaN again.
 */
export function readReport(json: string): BenchReport {
  const report = JSON.parse(json) as BenchReport;
  report.settings.levels ??= [report.machine.kernelLevel];
  report.cases = report.cases.map((c) => {
    if (c.levels) return c;
    const old = c as unknown as OneLevelCase;
    const { hearth, ratio, ratioRaw, fraction, ...rest } = old;
    const level: LevelSummary = { level: report.machine.kernelLevel, hearth, ratio, ratioRaw, fraction: fraction.hearth, ppBatches: {}, ppBatchesRatioRaw: null };
    return { ...rest, ppBatchSizes: [], levels: [level], llamaRawPpBatches: null, fraction: { llamaCpp: fraction.llamaCpp, llamaRaw: fraction.llamaRaw } };
  });
  const numbers = (c: CaseSummary) => [
    c.llamaCpp, c.llamaRaw, c.llamaRawPpBatches, c.fraction.llamaCpp, c.fraction.llamaRaw,
    ...c.levels.flatMap((l) => [l.hearth, l.ratio, l.ratioRaw, l.fraction, l.ppBatches, l.ppBatchesRatioRaw]),
  ];
  for (const c of report.cases) {
    for (const e of numbers(c) as (Record<string, number | null> | null)[]) {
      if (e) for (const k of Object.keys(e)) if (e[k] === null) e[k] = NaN;
    }
  }
  return report;
}

if (require.main === module) {
  const [file, dir] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: tsx bench/report/write-results.ts REPORT.json [DIR (default: its folder)]\n');
    process.exit(2);
  }
  writeResults(readReport(fs.readFileSync(file, 'utf8')), dir ?? path.dirname(file));
}
