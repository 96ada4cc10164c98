/**
 * `npm run bench:latency`: replays a typing session (typing-session.ts) on a
 * 400-line TypeScript file of this repo through the extension's completion
 * pipeline without vscode: the provider's cache check and adaptive debounce,
 * CompletionEngine (FIM prompt within the 1,024-token window, stop rules,
 * cancellation of the stale request) over NativeEngine (prefix KV reuse) on
 * the generated 0.5B Q8_0 model, in this process.
 *
 * Per keystroke: whether the cache answered, whether a newer key superseded
 * it, keystroke-to-first-token and keystroke-to-suggestion ms, and the prompt
 * tokens the engine evaluated vs reused.
 *
 * The weights are random, so suggestions never end naturally (no newline or
 * end token as a real model's would): --max-tokens (default 16, about one
 * line) stands in for that, and the time to first token is the figure that
 * does not depend on it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { NativeEngine } from '../../extension/host/native-engine';
import type { EnginePort } from '../../extension/host/engine-port';
import type { Session, GenerateOptions, Generation } from '../../extension/engine/engine';
import { CompletionEngine, DEFAULT_COMPLETION_SETTINGS } from '../../extension/completion/completion-engine';
import { ChunkRing } from '../../extension/completion/chunk-ring';
import { AdaptiveDebounce } from '../../extension/completion/debounce';
import { isAbort } from '../../extension/host/host-errors';
import { SHAPES } from '../model/shapes';
import { benchModel } from '../model/write-model';
import { typingSession } from './typing-session';
import { buildFimRequest, type FimBudget } from '../../extension/completion/fim-prompt';

/** The prefix/suffix the completion engine would cut for this document. */
function primeRequest(text: string, offset: number, budget: FimBudget): { prefix: string; suffix: string } {
  const r = buildFimRequest({ path: 'src/engine.ts', text, offset, chunks: [], maxTokens: 1, timeBudgetMs: 0, stop: [] }, budget);
  return { prefix: r.prefix, suffix: r.suffix };
}
import { latencySummary, type KeyRecord } from './latency-report';

const ROOT = path.resolve(__dirname, '..', '..');

function flag(name: string, def: string): string {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : def;
}

function commonPrefix(a: readonly number[], b: readonly number[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const keystrokes = Number(flag('keystrokes', '300'));
  const maxTokens = Number(flag('max-tokens', '16'));
  const windowTokens = Number(flag('window', '1024'));
  const threads = Number(flag('threads', '0'));
  const timeBudgetMs = Number(flag('time-budget', String(DEFAULT_COMPLETION_SETTINGS.timeBudgetMs)));
  const source = flag('file', path.join(ROOT, 'extension', 'engine', 'engine.ts'));
  const jsonOut = flag('json', '');
  const model = await benchModel(path.join(ROOT, '.cache', 'bench', 'models'), SHAPES['0.5b'], 'q8_0', undefined, (m) => console.error(m));

  const native = new NativeEngine();
  await native.load(model, { contextTokens: windowTokens + maxTokens + 64, threads: threads || undefined });
  // Per-request engine figures: NativeEngine keeps its completion session
  // private, so the bench wraps that session's generate to read the timings.
  const session = (native as unknown as { completionSession: Session }).completionSession;
  let current: KeyRecord | null = null;
  const orig = session.generate.bind(session);
  session.generate = (prompt: string | readonly number[], options?: GenerateOptions): Generation => {
    const rec = current;
    const g = orig(prompt, options);
    g.result.then(
      (r) => {
        // A request cancelled during its prompt has no prompt figures.
        if (!rec || r.timings.promptTokens === 0) return;
        rec.promptTokens = r.timings.promptTokens;
        rec.evaluatedTokens = r.timings.promptTokensEvaluated;
        rec.splicedTokens = r.timings.promptTokensSpliced;
        rec.generatedTokens = r.timings.generatedTokens;
      },
      () => undefined,
    );
    return g;
  };
  // First-token time: the port the completion engine sees marks the first piece.
  const port: EnginePort = Object.create(native) as EnginePort;
  port.complete = (request, signal) => {
    const rec = current;
    const cachedBefore = session.cachedTokens;
    const inner = native.complete(request, signal);
    // complete() builds the prompt before it returns: what the cache lacks is known now
    // (a request still finishing may add up to one batch to the cache before this one runs).
    if (rec) rec.newTokens = native.lastCompletionPrompt.length - commonPrefix(cachedBefore, native.lastCompletionPrompt);
    if (process.env.HEARTH_BENCH_DEBUG) console.error(`request: prompt ${native.lastCompletionPrompt.length}, cached ${cachedBefore.length}, common ${commonPrefix(cachedBefore, native.lastCompletionPrompt)}`);
    return (async function* () {
      for await (const piece of inner) {
        if (rec && rec.firstTokenMs === null) rec.firstTokenMs = performance.now() - rec.t0;
        yield piece;
      }
    })();
  };
  const settings = {
    ...DEFAULT_COMPLETION_SETTINGS,
    budget: { ...DEFAULT_COMPLETION_SETTINGS.budget, windowTokens },
    maxTokens,
    timeBudgetMs,
    alternatives: 0,
    otherFiles: false,
  };
  const completions = new CompletionEngine(() => port, new ChunkRing(), () => settings);
  const debounce = new AdaptiveDebounce();

  const text = fs.readFileSync(source, 'utf8');
  const plan = typingSession(text, { keystrokes, seed: 11, perSite: 50 });
  console.error(`latency: ${plan.length} keystrokes over ${path.relative(ROOT, source)} (${text.split('\n').length} lines), window ${windowTokens} tokens, max ${maxTokens} tokens, time budget ${timeBudgetMs} ms, model ${path.basename(model)}`);
  // The file has been open a while before the user types: one untimed
  // request at the first site fills the KV cache (no time budget), as the
  // editor's earlier requests would have.
  if (plan.length > 0 && !process.argv.includes('--no-prime')) {
    const t = performance.now();
    const first = plan[0];
    for await (const _ of native.complete({ path: 'src/engine.ts', chunks: [], ...primeRequest(first.text, first.offset, settings.budget), maxTokens: 1, timeBudgetMs: 600_000, stop: [] }, new AbortController().signal)) break;
    console.error(`primed the cache with ${native.lastCompletionPrompt.length} prompt tokens in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const records: KeyRecord[] = [];
  let live: AbortController | null = null;
  const pending: Promise<void>[] = [];
  for (const [k, key] of plan.entries()) {
    await sleep(key.pauseMs);
    // The editor cancels the provider call of the previous keystroke.
    live?.abort();
    const ac = new AbortController();
    live = ac;
    const rec: KeyRecord = {
      key: k, site: key.site, t0: performance.now(), fromCache: false, suggested: false, superseded: false, aborted: false,
      firstTokenMs: null, doneMs: null, promptTokens: null, evaluatedTokens: null, splicedTokens: null, generatedTokens: null, newTokens: null,
    };
    records.push(rec);
    debounce.keystroke(Date.now());
    const doc = { relPath: 'src/engine.ts', text: key.text, offset: key.offset };
    pending.push(
      (async () => {
        const cached = completions.cache.get({ prefix: doc.text.slice(0, doc.offset), suffix: doc.text.slice(doc.offset) });
        if (cached === undefined) {
          await sleep(debounce.delayMs());
          if (ac.signal.aborted) {
            rec.superseded = true;
            return;
          }
        }
        current = rec;
        try {
          const r = await completions.complete(doc, ac.signal);
          if (ac.signal.aborted) rec.aborted = true;
          else {
            rec.fromCache = r.fromCache;
            rec.suggested = r.suggestion !== null;
            rec.doneMs = performance.now() - rec.t0;
            if (!r.fromCache) debounce.observeLatency(r.ms);
          }
        } catch (err) {
          if (!isAbort(err)) throw err;
          rec.aborted = true;
        }
      })(),
    );
  }
  await Promise.all(pending);
  const summary = latencySummary(records);
  console.log(JSON.stringify(summary, null, 2));
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ summary, records }, null, 2) + '\n');
  await native.dispose();
}

main().catch((err) => {
  console.error((err as Error).stack ?? String(err));
  process.exit(1);
});
