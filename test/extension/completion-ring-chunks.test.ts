import { strict as assert } from 'assert';
import { ChunkRing, chunkCost, cutAround, jaccard } from '../../extension/completion/chunk-ring';
import { buildFimRequest, estimateTokens } from '../../extension/completion/fim-prompt';
import { completionBudget, clampOtherFilesShare, effectiveOtherFilesShare, otherFilesTokens, OTHER_FILES_SHARE } from '../../extension/completion/other-files-share';

const numbered = (n: number, width = 40): string => Array.from({ length: n }, (_, i) => `line ${i} `.padEnd(width, 'x')).join('\n');

describe('chunk ring: chunks cut to tokens', () => {
  it('keeps the newest chunks up to capacity and drops near-duplicates', () => {
    const r = new ChunkRing({ capacity: 2, similarity: 0.9, chunksPerPrompt: 2 });
    r.add('a.ts', 'a1\na2\na3');
    r.add('a.ts', 'a1\na2\na3\n'); // same lines
    assert.equal(r.length, 1);
    r.add('b.ts', 'b1');
    r.add('c.ts', 'c1');
    assert.deepEqual(r.forPrompt('x').map((c) => c.path), ['b.ts', 'c.ts']);
    assert.deepEqual(r.forPrompt('b.ts').map((c) => c.path), ['c.ts']);
    assert.ok(jaccard('x\ny', 'x\nz') < 0.5);
  });

  it('cuts every chunk to the chunk budget, path and separators included, on line boundaries', () => {
    for (const promptTokens of [60, 128, 256, 512]) {
      const r = new ChunkRing();
      r.setPromptTokens(promptTokens);
      const text = numbered(300);
      r.add('src/long-file-name.ts', text, 150);
      const [c] = r.forPrompt('x');
      assert.ok(c, `a chunk at ${promptTokens} prompt tokens`);
      assert.ok(chunkCost(c, estimateTokens) <= r.chunkTokens, `${chunkCost(c, estimateTokens)} > ${r.chunkTokens}`);
      // Whole lines of the file, and as many as fit: one more line would not.
      const lines = c.text.split('\n');
      const all = text.split('\n');
      const first = all.indexOf(lines[0]);
      assert.deepEqual(all.slice(first, first + lines.length), lines);
      assert.ok(lines.some((l) => l.startsWith('line 150 ')), 'centred on the asked line');
      const grown = all.slice(first, first + lines.length + 1).join('\n');
      assert.ok(chunkCost({ path: c.path, text: grown }, estimateTokens) > r.chunkTokens);
    }
  });

  it('the chunks it offers all reach the prompt, even when the local text fills its share', () => {
    // The old ring cut fixed 64-line chunks (~730 tokens here): larger than the
    // other-files room of a 1024-token window, so the prompt builder dropped them all.
    const r = new ChunkRing();
    for (const f of ['a.ts', 'b.ts', 'c.ts']) r.add(f, numbered(200).replace(/line/g, f), 100);
    const offered = r.forPrompt('main.ts');
    assert.ok(offered.length >= 2, `offered ${offered.length}`);
    const local = numbered(400);
    const req = buildFimRequest({ path: 'main.ts', text: local, offset: local.length / 2, chunks: offered, maxTokens: 64, timeBudgetMs: 500 }, completionBudget(1024, 0.25));
    assert.deepEqual(req.chunks, offered);
  });

  it('offers the newest chunks that fit the other-files tokens, oldest first', () => {
    const r = new ChunkRing({ capacity: 16, similarity: 0.9, chunksPerPrompt: 2 });
    r.setPromptTokens(100);
    for (const f of ['a.ts', 'b.ts', 'c.ts']) r.add(f, numbered(100, 20).replace(/line/g, f), 50);
    const offered = r.forPrompt('x');
    assert.deepEqual(offered.map((c) => c.path), ['b.ts', 'c.ts']);
    assert.ok(offered.reduce((s, c) => s + chunkCost(c, estimateTokens), 0) <= 100);
  });

  it('a newer chunk of the same region replaces the stale one; other regions stay', () => {
    const r = new ChunkRing();
    r.setPromptTokens(120);
    const v1 = numbered(200);
    r.add('a.ts', v1, 100);
    const v2 = v1.replace(/line (9\d|10\d) x/g, 'edited $1 y');
    r.add('a.ts', v2, 101);
    assert.equal(r.length, 1);
    assert.match(r.forPrompt('x')[0].text, /edited/);
    r.add('a.ts', v2, 10);
    assert.equal(r.length, 2);
  });

  it('a region that fits whole is kept whole; one that does not is cut around its focus', () => {
    const lines = numbered(100).split('\n');
    const fits = cutAround(lines, { start: 40, end: 44 }, 200, estimateTokens);
    assert.ok(fits && fits.start <= 40 && fits.end >= 44);
    const big = cutAround(lines, { start: 0, end: 99, focus: 70 }, 50, estimateTokens);
    assert.ok(big && big.start <= 70 && big.end >= 70 && big.end - big.start < 10, JSON.stringify(big));
    assert.equal(cutAround(['x'.repeat(1000)], { start: 0, end: 0 }, 50, estimateTokens), null);
    assert.equal(cutAround(lines, { start: 5, end: 5 }, 0, estimateTokens), null);
  });

  it('with no other-files tokens it offers and keeps nothing', () => {
    const r = new ChunkRing();
    r.add('a.ts', 'export const a = 1;');
    r.setPromptTokens(0);
    assert.deepEqual(r.forPrompt('x'), []);
    r.add('b.ts', 'export const b = 2;');
    assert.equal(r.length, 1);
  });
});

describe('other-files share', () => {
  it('changes the local budget and the ring budget together', () => {
    assert.equal(completionBudget(1024, 0.25).localShare, 0.75);
    assert.equal(completionBudget(1024, 0).localShare, 1);
    assert.equal(completionBudget(2048, 0.5).localShare, 0.5);
    assert.equal(otherFilesTokens(1024, 0.25), 256);
    assert.equal(otherFilesTokens(1024, 0.5), 512);
    const small = new ChunkRing();
    small.setPromptTokens(otherFilesTokens(1024, 0.1));
    const large = new ChunkRing();
    large.setPromptTokens(otherFilesTokens(1024, 0.5));
    small.add('a.ts', numbered(200), 100);
    large.add('a.ts', numbered(200), 100);
    assert.ok(large.forPrompt('x')[0].text.length > 3 * small.forPrompt('x')[0].text.length);
  });

  it('the prompt builder always leaves the other files their tokens', () => {
    for (const window of [128, 1000, 1024, 4097]) {
      for (const share of [0.05, 0.1, 0.25, 0.3, 0.33, 0.5]) {
        const b = completionBudget(window, share);
        assert.ok(window - Math.floor(window * b.localShare) >= otherFilesTokens(window, share), `${window} ${share}`);
      }
    }
  });

  it('clamps the setting to 0–0.5 and otherFiles off means 0', () => {
    assert.equal(clampOtherFilesShare(0.9), OTHER_FILES_SHARE.max);
    assert.equal(clampOtherFilesShare(-1), 0);
    assert.equal(clampOtherFilesShare('x'), OTHER_FILES_SHARE.default);
    assert.equal(clampOtherFilesShare(Number.NaN), OTHER_FILES_SHARE.default);
    assert.equal(effectiveOtherFilesShare(false, 0.4), 0);
    assert.equal(effectiveOtherFilesShare(true, 0.4), 0.4);
  });
});
