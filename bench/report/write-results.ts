/**
 * Table, chart and JSON of a report into a results folder
 * (latest.{md,svg,json}). Also a command: `tsx bench/report/write-results.ts
 * REPORT.json [DIR]` re-renders a saved report (e.g. after a chart change)
 * without measuring again.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { BenchReport } from './bench-report';
import { resultsChart } from './chart';
import { resultsTable } from './table';

export function resultsHeader(r: BenchReport): string {
  const m = r.machine;
  const s = r.settings;
  return (
    `Machine: ${m.cpu}, ${m.physicalCores} cores, ${(m.memoryBytes / 2 ** 30).toFixed(0)} GiB; ` +
    `kernels ${m.kernelLevel}; ${s.threads} threads; ctx ${s.contextSize}; median of ${s.runs} runs; ${m.date.slice(0, 16).replace('T', ' ')} UTC.\n` +
    `Limits measured in the same run: read ${(r.limits.readBytesPerSec / 1e9).toFixed(1)} GB/s, f32 FMA ${(r.limits.fmaFlopsPerSec / 1e9).toFixed(0)} GFLOP/s.\n` +
    'H = Hearth, L = llama.cpp via node-llama-cpp; (×) = H / L.' +
    (r.cases.some((c) => c.llamaRaw) ? ' R = raw llama.cpp (the same libllama from C++, build/llama-ref); (H/R ×) = H / R.' : '') +
    ' Cold load: file evicted with posix_fadvise DONTNEED (dd iflag=nocache).\n'
  );
}

export function writeResults(report: BenchReport, dir: string | null): { header: string; table: string } {
  const header = resultsHeader(report);
  const table = resultsTable(report.cases);
  if (dir) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'latest.json'), JSON.stringify(report, null, 2) + '\n');
    fs.writeFileSync(path.join(dir, 'latest.md'), `${header}\n${table}`);
    const title = `Hearth vs llama.cpp, ${report.settings.threads} threads, ${report.machine.cpu} (${report.machine.date.slice(0, 10)})`;
    fs.writeFileSync(path.join(dir, 'latest.svg'), resultsChart(report.cases, title));
  }
  return { header, table };
}

if (require.main === module) {
  const [file, dir] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: tsx bench/report/write-results.ts REPORT.json [DIR (default: its folder)]\n');
    process.exit(2);
  }
  const report = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchReport;
  // JSON has no NaN: missing figures come back as null.
  for (const c of report.cases) for (const e of [c.hearth, c.llamaCpp, c.ratio, c.fraction.hearth, c.fraction.llamaCpp, c.llamaRaw ?? {}, c.ratioRaw ?? {}, c.fraction.llamaRaw ?? {}] as unknown as Record<string, number | null>[]) for (const k of Object.keys(e)) if (e[k] === null) e[k] = NaN;
  writeResults(report, dir ?? path.dirname(file));
}
