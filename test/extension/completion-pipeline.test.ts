/**
 * The completion engine's side of work before the key and of the latency
 * contract (bench/latency): cursorMoved/accepted send the request a key there
 * would send, as a prefetch; windows anchored so that near sites share the
 * prompt's start; the short window sent along; the debounce inside the
 * pipeline; busy events; maxTokens, not a character guard, ends a suggestion;
 * alternatives computed behind the first suggestion.
 */
import { strict as assert } from 'assert';
import { CompletionEngine, DEFAULT_COMPLETION_SETTINGS, type CompletionSettings } from '../../extension/completion/completion-engine';
import { ChunkRing } from '../../extension/completion/chunk-ring';
import type { EnginePort, FimRequest } from '../../extension/host/engine-port';
import { inProcessEngine } from '../../extension/host/in-process-engine';
import { estimateTokens, takeHeadLines, takeTailLines } from '../../extension/completion/fim-prompt';

interface Fake {
  port: EnginePort;
  completes: FimRequest[];
  prefetches: FimRequest[];
}

function fakeEngine(pieces: (r: FimRequest) => string[] = () => ['x + 1']): Fake {
  const completes: FimRequest[] = [];
  const prefetches: FimRequest[] = [];
  const port: EnginePort = {
    async load() { throw new Error('unused'); },
    complete(r: FimRequest, signal: AbortSignal) {
      completes.push(r);
      return (async function* () {
        for (const p of pieces(r)) {
          if (signal.aborted) throw Object.assign(new Error('aborted'), { code: 'E_ABORTED' });
          yield p;
        }
      })();
    },
    prefetch(r: FimRequest) {
      prefetches.push(r);
    },
    chat() { throw new Error('unused'); },
    generate() { throw new Error('unused'); },
    async countTokens(t: string) { return t.length; },
    async tokenize() { return []; },
    async detokenize() { return ""; },
    async status() { throw new Error('unused'); },
    async dispose() {},
  };
  return { port, completes, prefetches };
}

/** A 400-line file of distinct lines. */
const LINES = Array.from({ length: 400 }, (_, i) => `  const value${i} = compute(${i}, "${'abcdefgh'.repeat(2)}");`);
const FILE = LINES.join('\n');
const offsetOfLine = (line: number): number => LINES.slice(0, line).join('\n').length + 1;

function engineWith(fake: Fake, over: Partial<CompletionSettings> = {}): CompletionEngine {
  return new CompletionEngine(() => fake.port, new ChunkRing(), () => ({ ...DEFAULT_COMPLETION_SETTINGS, alternatives: 0, ...over }));
}

describe('completion pipeline: work before the key', () => {
  it('cursorMoved prefetches exactly the request a key there would send', async () => {
    const fake = fakeEngine();
    const c = engineWith(fake);
    const doc = { relPath: 'a.ts', text: FILE, offset: offsetOfLine(200) };
    c.cursorMoved(doc);
    assert.equal(fake.prefetches.length, 1);
    await c.complete(doc);
    const { maxTokens: _a, ...pre } = fake.prefetches[0];
    const { maxTokens: _b, ...req } = fake.completes[0];
    assert.deepEqual(pre, req);
  });

  it('a prefetch crosses the engine protocol to the engine', async () => {
    const fake = fakeEngine();
    const client = inProcessEngine(fake.port);
    const c = new CompletionEngine(() => client, new ChunkRing(), () => ({ ...DEFAULT_COMPLETION_SETTINGS, alternatives: 0 }));
    c.cursorMoved({ relPath: 'a.ts', text: FILE, offset: offsetOfLine(10) });
    for (let i = 0; i < 10 && fake.prefetches.length === 0; i++) await new Promise((r) => setImmediate(r));
    assert.equal(fake.prefetches.length, 1);
    assert.equal(fake.prefetches[0].path, 'a.ts');
    assert.ok(fake.prefetches[0].shortWindow, 'with its short window');
    await client.dispose();
  });

  it('sends no prefetch when prefetch is off', () => {
    const fake = fakeEngine();
    engineWith(fake, { prefetch: false }).cursorMoved({ relPath: 'a.ts', text: FILE, offset: 10 });
    assert.equal(fake.prefetches.length, 0);
  });

  it('accepted computes and caches the suggestion after the accepted text', async () => {
    const fake = fakeEngine();
    const c = engineWith(fake);
    const at = offsetOfLine(100);
    c.accepted({ relPath: 'a.ts', text: FILE, offset: at }, 'foo(');
    for (let i = 0; i < 10 && fake.completes.length === 0; i++) await new Promise((r) => setImmediate(r));
    const r = fake.completes[0];
    assert.ok(r.prefix.endsWith(FILE.slice(0, at).slice(-50) + 'foo('));
    assert.ok(r.suffix.startsWith(FILE.slice(at, at + 50)));
    await new Promise((res) => setImmediate(res));
    const next = await c.complete({ relPath: 'a.ts', text: FILE.slice(0, at) + 'foo(' + FILE.slice(at), offset: at + 4 });
    assert.equal(next.fromCache, true, 'the pause after the accept is answered from the cache');
    assert.equal(fake.completes.length, 1);
  });

  it('anchors the window: near sites and keys along a line share the prompt start byte for byte', () => {
    const fake = fakeEngine();
    const c = engineWith(fake);
    // Lines 200 and 203 fall in the same step of the prefix's far end.
    for (const line of [200, 203]) for (const col of [2, 9, 20]) c.cursorMoved({ relPath: 'a.ts', text: FILE, offset: offsetOfLine(line) + col });
    const starts = new Set(fake.prefetches.map((r) => r.prefix.slice(0, 200)));
    assert.equal(starts.size, 1, 'one prompt start for all six places');
    for (const line of [0, 3]) {
      const shortStarts = new Set(fake.prefetches.slice(line, line + 3).map((r) => r.shortWindow?.prefix.slice(0, 40)));
      assert.equal(shortStarts.size, 1, 'the short window stays put along a line');
    }
    for (const r of fake.prefetches) {
      assert.ok(r.shortWindow && r.shortWindow.prefix.length < r.prefix.length / 3, 'the short window is much shorter');
      assert.ok(r.prefix.endsWith(r.shortWindow.prefix), 'and ends where the full one does');
    }
  });

  it('sends no short window when it is off or the file is small', () => {
    const fake = fakeEngine();
    engineWith(fake, { shortWindowTokens: 0 }).cursorMoved({ relPath: 'a.ts', text: FILE, offset: 5000 });
    engineWith(fake).cursorMoved({ relPath: 'a.ts', text: 'let x = 1;\n', offset: 4 });
    assert.deepEqual(fake.prefetches.map((r) => r.shortWindow), [undefined, undefined]);
  });
});

describe('completion pipeline: requests', () => {
  const doc = { relPath: 'a.ts', text: 'function f() {\n  return \n}\n', offset: 'function f() {\n  return '.length };

  it('debounces inside the pipeline: a key during the wait asks the engine nothing', async () => {
    const fake = fakeEngine();
    const c = engineWith(fake, { debounceMs: 30 });
    const ac = new AbortController();
    const first = c.complete(doc, ac.signal);
    ac.abort();
    const r = await first;
    assert.equal(r.suggestion, null);
    assert.equal(fake.completes.length, 0);
    assert.equal((await c.complete(doc)).suggestion?.text, 'x + 1');
    assert.equal(fake.completes.length, 1);
  });

  it('reports busy while computing, then idle with the time taken', async () => {
    const fake = fakeEngine();
    const c = engineWith(fake);
    const events: [boolean, number | undefined][] = [];
    c.onBusy = (busy, ms) => events.push([busy, ms]);
    await c.complete(doc);
    assert.equal(events.length, 2);
    assert.deepEqual(events[0], [true, undefined]);
    assert.equal(events[1][0], false);
    assert.equal(typeof events[1][1], 'number');
    await c.complete(doc); // from the cache: the engine is not asked, nothing is busy
    assert.equal(events.length, 2);
  });

  it('ends a suggestion at maxTokens, not at a character guard', async () => {
    // 8 tokens of 12 characters (a random model's tokens are often long).
    const fake = fakeEngine(() => Array.from({ length: 8 }, (_, i) => `tok${i}_abcdefg`));
    const c = engineWith(fake, { maxTokens: 8, maxLines: 1000 });
    const r = await c.complete({ relPath: 'a.ts', text: '', offset: 0 });
    assert.equal(r.suggestion?.text, Array.from({ length: 8 }, (_, i) => `tok${i}_abcdefg`).join(''));
  });

  it('computes alternatives up to a count and goes on from there later', async () => {
    const fake = fakeEngine((r) => [r.temperature ? `alt${r.seed}` : 'x + 1']);
    const c = new CompletionEngine(() => fake.port, new ChunkRing(), () => ({ ...DEFAULT_COMPLETION_SETTINGS, alternatives: 3 }));
    const one = await c.alternatives(doc, undefined, 1);
    assert.deepEqual(one.suggestions.map((s) => s.text), ['x + 1', 'alt1']);
    assert.equal(c.readyAlternatives(doc), null);
    const all = await c.alternatives(doc);
    assert.deepEqual(all.suggestions.map((s) => s.text), ['x + 1', 'alt1', 'alt2', 'alt3']);
    assert.deepEqual(fake.completes.map((r) => r.seed ?? 0), [0, 1, 2, 3], 'no sample computed twice');
  });

  it('computes alternatives behind the first suggestion; cycling then shows them at once', async () => {
    const fake = fakeEngine((r) => [r.temperature ? `alt${r.seed}` : 'x + 1']);
    const c = new CompletionEngine(() => fake.port, new ChunkRing(), () => ({ ...DEFAULT_COMPLETION_SETTINGS, alternatives: 2 }));
    assert.equal(c.readyAlternatives(doc), null);
    await c.complete(doc);
    assert.equal(c.readyAlternatives(doc), null, 'the greedy one alone is not the full set');
    c.alternativesInBackground(doc);
    c.alternativesInBackground(doc); // a second ask while they run starts nothing more
    for (let i = 0; i < 20 && !c.readyAlternatives(doc); i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(c.readyAlternatives(doc)?.map((s) => s.text), ['x + 1', 'alt1', 'alt2']);
    assert.equal(fake.completes.length, 3);
  });
});

describe('completion pipeline: window cuts', () => {
  /** The linear scans the cuts used before (one join per line): the reference. */
  function tailLinear(text: string, budget: number, step: number): string {
    if (estimateTokens(text) <= budget) return text;
    const lines = text.split('\n');
    let drop = 0;
    while (drop < lines.length && estimateTokens(lines.slice(drop).join('\n')) > budget) drop++;
    const aligned = Math.min(lines.length - 1, Math.ceil(drop / step) * step);
    let kept = lines.slice(aligned).join('\n');
    while (kept.length > 0 && estimateTokens(kept) > budget) kept = kept.slice(Math.max(1, kept.length >> 3));
    return kept;
  }
  function headLinear(text: string, budget: number): string {
    if (estimateTokens(text) <= budget) return text;
    const lines = text.split('\n');
    let keep = lines.length;
    while (keep > 0 && estimateTokens(lines.slice(0, keep).join('\n')) > budget) keep--;
    return lines.slice(0, keep).join('\n');
  }

  it('cut the same lines as a line-by-line scan', () => {
    let seed = 5;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let t = 0; t < 40; t++) {
      const lines = Array.from({ length: 1 + Math.floor(rnd() * 300) }, () => 'x'.repeat(Math.floor(rnd() * 120)));
      const text = lines.join('\n');
      for (const budget of [0, 1, 7, 64, 300, 1024, 5000]) {
        assert.equal(takeTailLines(text, budget, estimateTokens, 4), tailLinear(text, budget, 4));
        assert.equal(takeHeadLines(text, budget, estimateTokens), headLinear(text, budget));
      }
    }
  });
});
