/**
 * `npm run bench:latency`: completion latency as a user meets it. Replays a
 * seeded editing trace (bench/latency/trace.ts) in real time through
 * Hearth's completion pipeline (CompletionEngine over NativeEngine, in this
 * process) and, on the same trace, model file, machine and threads, through
 * llama.vscode's client behaviour over llama.cpp's llama-server
 * (bench/peer). Runs alternate between the two; never both at once.
 *
 * Writes bench/results/latency-<model>-<tokens>.json, then rebuilds the
 * Markdown table (latency.md, also printed) and the chart (latency.svg) from
 * every latency-*.json there. See bench/latency/README.md.
 */
import * as fs from 'fs';
import * as path from 'path';
import { NativeEngine } from '../../extension/host/child/native-engine';
import { SHAPES } from '../model/shapes';
import { benchModel } from '../model/write-model';
import { machineInfo } from '../machine';
import { buildTrace, traceKeystrokes } from './trace';
import { loadTraceFiles } from './trace-files';
import { replay, type ReplayResult } from './replay';
import { latencyFigures, medianFigures, type LatencyFigures } from './figures';
import { HearthDriver, benchSettings } from './hearth-driver';
import { LATENCY_MODELS, parseLatencyArgs } from './latency-args';
import { latencyChart, latencyResultFile, latencyTable, type LatencyResult } from './latency-report';
import { LlamaServer, PEER_DIR } from '../peer/llama-server';
import { LlamaVscodeClient, llamaVscodeDefaults } from '../peer/llama-vscode-client';
import type { CompletionDriver } from './driver';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * The model's context, as the extension loads it: the larger of the chat
 * (4,096) and completion (1,024) context settings. The peer gets the same.
 */
const CONTEXT_TOKENS = 4096;
/** How long the replay watches after the last key (that key's pause). */
const TAIL_MS = 2000;

function log(msg: string): void {
  console.error(msg);
}

function runSummary(name: string, r: ReplayResult, f: LatencyFigures): string {
  const pct = (x: number): string => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : '–');
  return (
    `${name}: ${f.keystrokes} keys, ${f.pausesServed}/${f.pauses} pauses served (${pct(f.pausesServedFraction)}), ` +
    `pause p50/p95 ${Math.round(f.pauseLatencyMs.p50)}/${Math.round(f.pauseLatencyMs.p95)} ms, new site ${f.newSiteServed}/${f.newSitePauses} p50 ${Math.round(f.newSiteLatencyMs.p50)} ms, ` +
    `prompt tokens/request p50 ${f.promptTokensPerRequest.p50}, generated p50 ${f.generatedTokensPerRequest.p50}, ${f.requests} requests, ` +
    `wasted CPU ${(f.wastedCpuMs / 1000).toFixed(1)} s (${pct(f.wastedCpuShare)}), accepts ${r.accepts.tab} tab + ${r.accepts.typeThrough} typed of ${r.accepts.offered}` +
    (r.errors.length ? `, ${r.errors.length} errors (first: ${r.errors[0]})` : '')
  );
}

function readResults(dir: string): LatencyResult[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /^latency-.+-\d+\.json$/.test(f))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as LatencyResult)
    .filter((r) => r.hearth && typeof r.tokens === 'number');
}

async function main(): Promise<void> {
  const args = parseLatencyArgs(process.argv.slice(2), path.join(ROOT, 'bench', 'results'));
  const files = loadTraceFiles(args.files, ROOT);
  const trace = buildTrace(files, { seed: args.seed, keystrokes: args.keystrokes, jumpsPerKind: 0 });
  const jumps = trace.ops.filter((o) => o.kind === 'jump').length - 1;
  log(`latency: trace seed ${args.seed}, ${traceKeystrokes(trace)} keystrokes, ${jumps} jumps over ${files.map((f) => `${f.relPath} (${f.text.split('\n').length} lines)`).join(', ')}`);

  const spec = LATENCY_MODELS[args.model];
  const model = await benchModel(path.join(ROOT, '.cache', 'bench', 'models'), SHAPES[spec.shape], spec.format, undefined, log);
  const machine = machineInfo();
  log(`model ${path.basename(model)}, ${args.tokens} tokens per suggestion, ${args.threads} threads, context ${CONTEXT_TOKENS}, ${machine.cpu} (${machine.kernelLevel})`);

  const native = new NativeEngine();
  await native.load(model, { contextTokens: CONTEXT_TOKENS, threads: args.threads });
  // Warm-up, outside the trace: first-call costs (threads, page faults) are not a keystroke's.
  for await (const _ of native.complete({ path: 'warmup.txt', chunks: [], prefix: 'int main(void) {\n  return', suffix: '\n}\n', maxTokens: 2, timeBudgetMs: 60_000, stop: [] }, new AbortController().signal)) void _;
  const drivers: CompletionDriver[] = [new HearthDriver(native, benchSettings(args.tokens))];

  let server: LlamaServer | null = null;
  try {
    if (args.peer) {
      fs.mkdirSync(PEER_DIR, { recursive: true });
      server = new LlamaServer({ model, contextTokens: CONTEXT_TOKENS, threads: args.threads, logFile: path.join(PEER_DIR, 'llama-server.log') });
      await server.start();
      const srv = server;
      log(`llama-server pid ${srv.pid} on ${srv.url}`);
      const warm = await fetch(`${srv.url}/infill`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ input_prefix: 'int main(void) {\n  return', input_suffix: '\n}\n', n_predict: 2 }) });
      if (!warm.ok) throw new Error(`llama-server /infill warm-up failed: ${warm.status} ${(await warm.text()).slice(0, 300)}`);
      drivers.push(new LlamaVscodeClient(srv.url, () => srv.cpuMs(), llamaVscodeDefaults(args.tokens)));
    }

    const runs: Record<string, { result: ReplayResult; figures: LatencyFigures }[]> = {};
    for (let run = 0; run < args.runs; run++) {
      for (const d of drivers) {
        log(`run ${run + 1}/${args.runs}: ${d.name} ...`);
        const result = await replay(trace, d, { tailMs: TAIL_MS });
        const figures = latencyFigures(result);
        (runs[d.name] ??= []).push({ result, figures });
        log(`  ${runSummary(d.name, result, figures)}`);
      }
    }
    const summary = (name: string): LatencyFigures | null => (runs[name] ? medianFigures(runs[name].map((r) => r.figures)) : null);
    const out = {
      machine,
      model: args.model,
      tokens: args.tokens,
      threads: args.threads,
      runs: args.runs,
      contextTokens: CONTEXT_TOKENS,
      trace: { seed: args.seed, keystrokes: traceKeystrokes(trace), jumps, files: files.map((f) => ({ path: f.relPath, lines: f.text.split('\n').length })) },
      hearth: summary(drivers[0].name) as LatencyFigures,
      peer: args.peer ? summary(drivers[1].name) : null,
      records: Object.fromEntries(
        Object.entries(runs).map(([name, rs]) => [
          name,
          rs.map(({ result }) => ({ keys: result.keys, jumps: result.jumps, requests: result.requests, endMs: result.endMs, totalCpuMs: result.totalCpuMs, accepts: result.accepts, errors: result.errors })),
        ]),
      ),
    };
    const json = JSON.stringify(out, null, 1) + '\n';
    if (args.json) fs.writeFileSync(args.json, json);
    if (args.resultsDir) {
      fs.mkdirSync(args.resultsDir, { recursive: true });
      fs.writeFileSync(path.join(args.resultsDir, latencyResultFile(out)), json);
      const all = readResults(args.resultsDir);
      fs.writeFileSync(path.join(args.resultsDir, 'latency.md'), latencyTable(all));
      fs.writeFileSync(path.join(args.resultsDir, 'latency.svg'), latencyChart(all, `Completion latency on a replayed editing trace (${args.threads} threads)`));
      console.log(latencyTable(all));
    } else {
      console.log(latencyTable([out]));
    }
  } finally {
    await server?.stop();
    await native.dispose();
  }
}

main().catch((err) => {
  console.error((err as Error).stack ?? String(err));
  process.exit(1);
});
