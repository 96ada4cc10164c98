import { strict as assert } from 'assert';
import { buildFimRequest, takeTailLines, estimateTokens, DEFAULT_BUDGET } from '../../extension/completion/fim-prompt';
import { detectFimFormat } from '../../extension/engine/fim';

const lines = (n: number, tag = 'line'): string => Array.from({ length: n }, (_, i) => `${tag} ${i} with some words`).join('\n');

describe('FIM prompt assembly', () => {
  it('keeps everything when it fits the window', () => {
    const text = 'function f() {\n  return 1;\n}\n';
    const r = buildFimRequest({ path: 'a.ts', text, offset: 15, chunks: [], maxTokens: 64, timeBudgetMs: 500 });
    assert.equal(r.prefix + r.suffix, text);
    assert.equal(r.prefix, 'function f() {\n');
  });

  it('splits a long file about 3:1 prefix to suffix within the window', () => {
    const text = lines(400, 'before') + '\n' + lines(400, 'after');
    const offset = lines(400, 'before').length + 1;
    const r = buildFimRequest({ path: 'a.ts', text, offset, chunks: [], maxTokens: 64, timeBudgetMs: 500 });
    const p = estimateTokens(r.prefix);
    const s = estimateTokens(r.suffix);
    assert.ok(p + s <= DEFAULT_BUDGET.windowTokens, `prompt ${p + s} tokens over window`);
    assert.ok(p / s > 2 && p / s < 4.5, `ratio ${p / s}`);
    assert.ok(r.suffix.startsWith('after 0'), 'suffix must start right after the cursor');
    assert.ok(r.prefix.endsWith('before 399 with some words\n'), 'prefix must end at the cursor');
  });

  it('moves the far end of the prefix only in whole steps while typing', () => {
    const base = lines(600);
    const a = takeTailLines(base, 300, estimateTokens, 16);
    const b = takeTailLines(base + 'x', 300, estimateTokens, 16);
    const c = takeTailLines(base + 'xyz(', 300, estimateTokens, 16);
    // The first line of the kept prefix is the same: the KV cache prefix survives keystrokes.
    assert.equal(a.split('\n')[0], b.split('\n')[0]);
    assert.equal(a.split('\n')[0], c.split('\n')[0]);
    assert.ok(estimateTokens(a) <= 300);
  });

  it('adds other files only with the tokens left, oldest first', () => {
    const chunks = [{ path: 'x.ts', text: 'const x = 1;' }, { path: 'big.ts', text: lines(2000) }, { path: 'y.ts', text: 'const y = 2;' }];
    const r = buildFimRequest({ path: 'a.ts', text: 'let a = ', offset: 8, chunks, maxTokens: 64, timeBudgetMs: 500 });
    assert.deepEqual(r.chunks.map((c) => c.path), ['x.ts', 'y.ts']);
  });

  it('detects the FIM family from vocabulary spellings', () => {
    const has = (set: string[]) => (t: string) => set.includes(t);
    assert.equal(detectFimFormat(has(['<|fim_prefix|>', '<|fim_middle|>'])), 'qwen');
    assert.equal(detectFimFormat(has(['<fim_prefix>', '<fim_middle>'])), 'starcoder');
    assert.equal(detectFimFormat(has(['<｜fim▁begin｜>'])), 'deepseek');
    assert.equal(detectFimFormat(has(['<s>'])), null);
  });
});
