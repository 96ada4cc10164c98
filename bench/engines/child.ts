/**
 * One benchmark measurement in a fresh process: `tsx bench/engines/child.ts '<ChildRequest json>'`.
 * Prints "RESULT <ChildResult json>" as its last line.
 *
 * A Hearth child runs the kernel level in HEARTH_CPU (set by the parent for
 * req.level), reports the level its dispatch selected, and fails when the
 * two differ.
 *
 * Both engines do the same steps, timed the same way in JS:
 *  load-to-first-token: model load + context of contextSize + evaluate one
 *    token and sample the next (engine library already initialised);
 *  pp: a fresh context evaluates ppTokens ids in batches of 512;
 *  pp batches (Hearth only; raw llama.cpp times them in llama-ref): for each
 *    size N of ppBatches, a fresh context evaluates N ids, one forward pass;
 *  tg: from an empty context, one id then tgTokens greedy tokens; the rate
 *    is (n - 1) / (time of the last token - time of the first), so the
 *    prompt step is not counted.
 */
import * as fs from 'fs';
import type { Token } from 'node-llama-cpp';
import { levelMismatch, promptIdBound, promptIds, procStatusBytes, RESULT_PREFIX, type ChildRequest, type ChildResult } from './protocol';

const FIRST_ID = 1212;
const TG_ID = 3303;

function rss(): { hwm: number; now: number } {
  try {
    const s = fs.readFileSync('/proc/self/status', 'utf8');
    return { hwm: procStatusBytes(s, 'VmHWM'), now: procStatusBytes(s, 'VmRSS') };
  } catch {
    return { hwm: 0, now: 0 };
  }
}

async function runHearth(req: ChildRequest): Promise<ChildResult> {
  const { loadModel } = await import('../../extension/engine/engine');
  // The testing addon reports the level: the same dispatch code and HEARTH_CPU as hearth.node.
  const { loadTestingBinding } = await import('../../test/helpers/testing-binding');
  const cpuLevel = loadTestingBinding().cpuInfo().selected;
  const mismatch = levelMismatch(req.level, cpuLevel);
  if (mismatch) throw new Error(`hearth child: ${mismatch}`);
  const base = rss().now;
  const t0 = performance.now();
  // An explicit GPU backend offloads every layer, as llama.cpp's children do (-ngl 999).
  const gpuLayers = req.backend === 'cpu' || req.backend === 'auto' ? 'auto' : 'all';
  const model = await loadModel(req.model, { threads: req.threads, contextLength: req.contextSize, backend: req.backend, gpuLayers });
  const info = model.info;
  const backendNote = info.backend === 'cpu' ? 'cpu' : `${info.backend} ${info.device ?? ''}, ${info.gpuLayers} layers`;
  const session = model.createSession({ contextLength: req.contextSize, batchSize: 512 });
  const first = session.generate([FIRST_ID], { maxTokens: 1, stopOnEog: false });
  for await (const _ of first) break;
  await first.result;
  const loadMs = performance.now() - t0;
  const out: ChildResult = { engine: 'hearth', loadToFirstTokenMs: loadMs, peakRssBytes: 0, baseRssBytes: base, backendNote, cpuLevel };
  if (req.mode === 'full') {
    const pp = promptIds(req.ppTokens, 42, promptIdBound(req.nVocab), FIRST_ID);
    // One untimed prompt first, as build/llama-ref does for raw llama.cpp:
    // both engines are then timed with their buffers allocated and touched.
    const warm = model.createSession({ contextLength: req.contextSize, batchSize: 512 });
    await warm.evaluate(pp);
    warm.dispose();
    const ppSession = model.createSession({ contextLength: req.contextSize, batchSize: 512 });
    const t1 = performance.now();
    const r = await ppSession.evaluate(pp);
    const ppMs = performance.now() - t1;
    if (r.evaluated !== pp.length) throw new Error(`hearth evaluated ${r.evaluated} of ${pp.length} prompt tokens`);
    out.ppTokPerSec = (pp.length / ppMs) * 1000;
    ppSession.dispose();
    out.ppBatchTokPerSec = {};
    for (const n of req.ppBatches) {
      // A session per size: an empty cache, allocated before the clock starts.
      const ids = promptIds(n, 42, promptIdBound(req.nVocab), FIRST_ID);
      const s = model.createSession({ contextLength: req.contextSize, batchSize: 512 });
      const t = performance.now();
      const e = await s.evaluate(ids);
      const ms = performance.now() - t;
      if (e.evaluated !== n) throw new Error(`hearth evaluated ${e.evaluated} of ${n} prompt tokens`);
      out.ppBatchTokPerSec[String(n)] = (n / ms) * 1000;
      s.dispose();
    }
    const tgSession = model.createSession({ contextLength: req.contextSize, batchSize: 512 });
    const gen = tgSession.generate([TG_ID], { maxTokens: req.tgTokens, stopOnEog: false });
    const times: number[] = [];
    for await (const _ of gen) times.push(performance.now());
    await gen.result;
    out.tgTokens = times.length;
    out.tgTokPerSec = ((times.length - 1) / (times[times.length - 1] - times[0])) * 1000;
  }
  out.peakRssBytes = rss().hwm;
  model.dispose();
  return out;
}

async function runLlamaCpp(req: ChildRequest): Promise<ChildResult> {
  const { getLlama } = await import('node-llama-cpp');
  // node-llama-cpp brands token ids; ours are plain vocab ids of the same file.
  const tok = (ids: number[]): Token[] => ids as unknown as Token[];
  const gpu = req.backend === 'cpu' ? false : req.backend === 'auto' ? 'auto' : req.backend;
  const llama = await getLlama({ gpu: gpu as false, build: 'never', usePrebuiltBinaries: true, logLevel: 'error' as never });
  const backendNote = `gpu=${String(llama.gpu)}`;
  const base = rss().now;
  const t0 = performance.now();
  const model = await llama.loadModel({ modelPath: req.model, useMmap: true });
  const ctx = await model.createContext({ contextSize: req.contextSize, batchSize: 512, threads: req.threads });
  const seq = ctx.getSequence();
  for await (const _ of seq.evaluate(tok([FIRST_ID]), { temperature: 0 })) break;
  const loadMs = performance.now() - t0;
  const out: ChildResult = { engine: 'llama.cpp', loadToFirstTokenMs: loadMs, peakRssBytes: 0, baseRssBytes: base, backendNote };
  if (req.mode === 'full') {
    const pp = promptIds(req.ppTokens, 42, promptIdBound(req.nVocab), FIRST_ID);
    await seq.clearHistory();
    const t1 = performance.now();
    await seq.evaluateWithoutGeneratingNewTokens(tok(pp));
    const ppMs = performance.now() - t1;
    out.ppTokPerSec = (pp.length / ppMs) * 1000;
    await seq.clearHistory();
    const times: number[] = [];
    for await (const _ of seq.evaluate(tok([TG_ID]), { temperature: 0 })) {
      times.push(performance.now());
      if (times.length >= req.tgTokens) break;
    }
    out.tgTokens = times.length;
    out.tgTokPerSec = ((times.length - 1) / (times[times.length - 1] - times[0])) * 1000;
  }
  out.peakRssBytes = rss().hwm;
  await ctx.dispose();
  await model.dispose();
  return out;
}

async function main(): Promise<void> {
  const req = JSON.parse(process.argv[2] ?? '') as ChildRequest;
  const result = req.engine === 'hearth' ? await runHearth(req) : await runLlamaCpp(req);
  process.stdout.write(`\n${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
