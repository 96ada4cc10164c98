/**
 * Cycling: the completion engine's greedy suggestion first, then sampled
 * alternatives (seeded per slot, distinct after postprocessing, cached), and
 * the otherFiles switch that keeps the prompt to this file alone.
 */
import { strict as assert } from 'assert';
import { CompletionEngine, DEFAULT_COMPLETION_SETTINGS, type CompletionSettings } from '../../extension/completion/completion-engine';
import { ChunkRing } from '../../extension/completion/chunk-ring';
import type { EnginePort, FimRequest } from '../../extension/host/engine-port';

/** Answers by sampling settings: greedy "a + b", seed 1 "a - b", seed 2 "a + b  " (a duplicate once trimmed). */
function stubEngine(seen: FimRequest[]): EnginePort {
  const answer = (r: FimRequest): string => (!r.temperature ? 'a + b' : r.seed === 1 ? 'a - b' : r.seed === 2 ? 'a + b  ' : `a * b${r.seed}`);
  return {
    async load() { throw new Error('unused'); },
    complete(r: FimRequest) {
      seen.push(r);
      return (async function* () { yield answer(r); })();
    },
    chat() { throw new Error('unused'); },
    generate() { throw new Error('unused'); },
    async countTokens(t: string) { return t.length; },
    async tokenize() { return []; },
    async detokenize() { return ""; },
    async status() { throw new Error('unused'); },
    async dispose() {},
  };
}

describe('completion alternatives (cycling)', () => {
  const doc = { relPath: 'a.ts', text: 'return ', offset: 7 };

  it('gives the greedy suggestion first, then distinct seeded samples, computed once', async () => {
    const seen: FimRequest[] = [];
    const settings = (): CompletionSettings => ({ ...DEFAULT_COMPLETION_SETTINGS, alternatives: 3, alternativeTemperature: 0.7 });
    const c = new CompletionEngine(() => stubEngine(seen), new ChunkRing(), settings);
    const first = await c.complete(doc);
    assert.equal(first.suggestion?.text, 'a + b');
    const all = await c.alternatives(doc);
    assert.deepEqual(all.suggestions.map((s) => s.text), ['a + b', 'a - b', 'a * b3']);
    assert.deepEqual(seen.map((r) => [r.temperature ?? 0, r.seed ?? 0]), [[0, 0], [0.7, 1], [0.7, 2], [0.7, 3]]);
    await c.alternatives(doc);
    assert.equal(seen.length, 4, 'cycling again asks the engine nothing');
  });

  it('asks for no samples when alternatives are off', async () => {
    const seen: FimRequest[] = [];
    const c = new CompletionEngine(() => stubEngine(seen), new ChunkRing(), () => ({ ...DEFAULT_COMPLETION_SETTINGS, alternatives: 0 }));
    assert.equal((await c.alternatives(doc)).suggestions.length, 1);
    assert.equal(seen.length, 1);
  });

  it('sends other files only when otherFiles is on', async () => {
    const ring = new ChunkRing();
    ring.add('b.ts', 'export const b = 1;\n', 0);
    for (const otherFiles of [true, false]) {
      const seen: FimRequest[] = [];
      const c = new CompletionEngine(() => stubEngine(seen), ring, () => ({ ...DEFAULT_COMPLETION_SETTINGS, otherFiles }));
      await c.complete(doc);
      assert.equal(seen[0].chunks.length, otherFiles ? 1 : 0);
    }
  });
});
