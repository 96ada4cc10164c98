/**
 * `npm run bench`: Hearth vs llama.cpp (node-llama-cpp, prebuilt CPU build)
 * on generated models shaped like Qwen2.5-Coder, Qwen3, Qwen3-Coder-30B-A3B,
 * Gemma-3-1B, StarCoder2-3B and gpt-oss-20b.
 * See bench/README.md for what is measured and how; flags in args.ts (USAGE).
 *
 * Order per model/format and run: Hearth at each kernel level (--levels),
 * then llama.cpp (A B A B ...), and per engine a cold child (file evicted,
 * load to first token only) then a full child (warm load, pp512, the
 * --pp-batches prompt sizes, tg128, peak RSS), each a fresh process.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadTestingBinding } from '../test/helpers/testing-binding';
import { parseBenchArgs, USAGE, type BenchArgs } from './args';
import { EVICTION_METHOD, evictFromPageCache, residentBytes } from './engines/page-cache';
import type { ChildRequest, EngineName } from './engines/protocol';
import { ensureLlamaRef } from './engines/raw-llama';
import { runChild } from './engines/spawn-child';
import { hearthLabel, resolveLevels } from './levels';
import { machineInfo, measureLimits } from './machine';
import { EXPERT_FORMATS, isMoe, planModel, shapeById } from './model/shapes';
import { benchModel } from './model/write-model';
import { bounds, weightBytesPerToken } from './report/stats';
import { summarizeCase, type EngineRun } from './report/summary';
import { ratioLines } from './report/summary-lines';
import type { BenchReport } from './report/bench-report';
import { writeResults } from './report/write-results';

const ROOT = path.resolve(__dirname, '..');

/** One engine of a run: llama.cpp's two, or Hearth at one kernel level. */
interface Slot {
  engine: EngineName;
  level?: string;
}

function log(msg: string): void {
  process.stderr.write(msg + '\n');
}

function slotName(s: Slot): string {
  return s.engine === 'hearth' ? hearthLabel(s.level) : s.engine;
}

async function runCase(args: BenchArgs, slots: Slot[], threads: number, file: string, nVocab: number): Promise<EngineRun[]> {
  const runs: EngineRun[] = [];
  for (let i = 0; i < args.runs; i++) {
    for (const { engine, level } of slots) {
      const base: ChildRequest = {
        engine, level, model: file, threads, contextSize: args.contextSize, backend: args.backend,
        mode: 'load', ppTokens: args.ppTokens, tgTokens: args.tgTokens, nVocab, ppBatches: args.ppBatches,
      };
      let cold = null;
      if (args.cold) {
        evictFromPageCache(file);
        const left = residentBytes(file);
        cold = await runChild(base);
        if (left !== null && left > 0.05 * fs.statSync(file).size) log(`    warning: ${(left / 1048576).toFixed(0)} MiB stayed resident after eviction`);
      }
      const full = await runChild({ ...base, mode: 'full' });
      runs.push(level ? { engine, level, full, cold } : { engine, full, cold });
      const batches = Object.entries(full.ppBatchTokPerSec ?? {}).map(([n, v]) => `pp${n} ${v.toFixed(1)}`).join(', ');
      log(
        `    run ${i + 1}/${args.runs} ${slotName({ engine, level }).padEnd(20)} pp ${full.ppTokPerSec?.toFixed(1)} tok/s, ${batches ? `${batches} tok/s, ` : ''}tg ${full.tgTokPerSec?.toFixed(1)} tok/s, ` +
          `load warm ${full.loadToFirstTokenMs.toFixed(0)} ms${cold ? `, cold ${cold.loadToFirstTokenMs.toFixed(0)} ms` : ''}, ` +
          `peak RSS ${(full.peakRssBytes / 1048576).toFixed(0)} MiB`,
      );
    }
  }
  return runs;
}

async function main(): Promise<void> {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(process.argv.slice(2), { resultsDir: path.join(ROOT, 'bench', 'results'), cacheDir: path.join(ROOT, '.cache', 'bench') });
  } catch (err) {
    log(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const cpu = loadTestingBinding().cpuInfo();
  let levels: string[];
  try {
    levels = resolveLevels(args.levels, cpu);
  } catch (err) {
    log((err as Error).message);
    process.exit(2);
  }
  const threads = args.threads || cpu.physicalCores;
  const machine = machineInfo();
  log(
    `hearth bench: ${machine.cpu}, ${machine.physicalCores} physical cores, kernel level ${machine.kernelLevel}${machine.forcedLevel ? ' (HEARTH_CPU)' : ''}, ` +
      `Hearth runs at ${levels.join(', ')}, ${threads} threads, ctx ${args.contextSize}`,
  );
  log('note: figures from a shared machine are noisy (10-25% run to run is common).');
  log('measuring limits (read bandwidth, FMA peak)...');
  const limits = measureLimits(threads);
  log(`  read ${(limits.readBytesPerSec / 1e9).toFixed(1)} GB/s, f32 FMA ${(limits.fmaFlopsPerSec / 1e9).toFixed(0)} GFLOP/s`);

  const slots: Slot[] = [...levels.map((level): Slot => ({ engine: 'hearth', level })), { engine: 'llama.cpp' }];
  if (args.raw) {
    const why = ensureLlamaRef(args.backend);
    if (why) log(`raw llama.cpp skipped: ${why}`);
    else slots.push({ engine: 'llama.cpp-raw' });
  }
  const withRaw = slots.some((s) => s.engine === 'llama.cpp-raw');

  const report: BenchReport = {
    machine,
    settings: {
      models: args.models, formats: args.formats, runs: args.runs, threads, backend: args.backend, contextSize: args.contextSize,
      ppTokens: args.ppTokens, tgTokens: args.tgTokens, cold: args.cold, raw: withRaw, eviction: EVICTION_METHOD,
      levels, ppBatches: args.ppBatches,
    },
    limits,
    cases: [],
    raw: [],
    notes: [
      'llama.cpp is node-llama-cpp (its prebuilt binary), driven from JS the same way as Hearth; llama.cpp-raw is the same libllama driven from C++ (build/llama-ref: one warm-up, then one timed pp and tg per run).',
      'Times start after the engine library is loaded; load = model + context + first token evaluated and sampled.',
      'Peak RSS is VmHWM of the child process and includes Node (~50-150 MiB); baseRssBytes in raw runs is the RSS before the load.',
      `Hearth ran once per kernel level (${levels.join(', ')}): each of its children had HEARTH_CPU=<level> and reported cpuInfo().selected back, checked to be that level.`,
    ],
  };
  if (args.ppBatches.length > 0) {
    report.notes.push(
      `pp${args.ppBatches.join('/pp')}: one evaluation of that many prompt tokens from an empty context, by Hearth and raw llama.cpp; ` +
        'node-llama-cpp (llama.cpp) skips them to keep the run short.',
    );
    log(`note: pp${args.ppBatches.join('/pp')} are timed for Hearth and raw llama.cpp only; node-llama-cpp skips them to keep the run short.`);
  }
  const modelsDir = path.join(args.cacheDir, 'models');
  for (const m of args.models) {
    const shape = shapeById(m);
    if (!shape) throw new Error(`unknown model ${m}`);
    for (const f of args.formats) {
      // mxfp4 only changes experts: a dense model has no such file to time.
      if (EXPERT_FORMATS[f] && !isMoe(shape)) {
        log(`${m} ${f}: skipped (${f} is for mixture-of-experts shapes)`);
        continue;
      }
      log(`${m} ${f}:`);
      const file = await benchModel(modelsDir, shape, f, undefined, log);
      const tensors = planModel(shape, f);
      const fileBytes = fs.statSync(file).size;
      const perToken = weightBytesPerToken(shape, tensors);
      const bound = bounds(shape, tensors, limits, args.ppTokens);
      log(`  file ${(fileBytes / 1048576).toFixed(0)} MiB, weights read per token ${(perToken / 1048576).toFixed(0)} MiB: tg bound ${bound.tgTokPerSec.toFixed(1)} tok/s`);
      const runs = await runCase(args, slots, threads, file, shape.nVocab);
      const summary = summarizeCase(m, f, fileBytes, perToken, bound, runs, args.ppBatches);
      report.cases.push(summary);
      report.raw.push({ model: m, format: f, file: path.basename(file), runs });
      for (const line of ratioLines(summary)) log(`  ${line}`);
    }
  }

  const json = JSON.stringify(report, null, 2) + '\n';
  if (args.json) fs.writeFileSync(args.json, json);
  const { header, table } = writeResults(report, args.resultsDir);
  if (args.resultsDir) log(`wrote ${path.relative(process.cwd(), args.resultsDir) || "."}/latest.{json,md,svg}`);
  process.stdout.write(`\n${header}\n${table}`);
}

main().catch((err) => {
  log((err as Error).stack ?? String(err));
  process.exit(1);
});
