import { strict as assert } from 'assert';
import { StopRules, type StopContext } from '../../extension/completion/stop-rules';
import { postprocessCompletion } from '../../extension/completion/postprocess';

const ctx = (over: Partial<StopContext> = {}): StopContext => ({
  linePrefix: '    ',
  lineSuffix: '',
  nextLines: [],
  maxLines: 10,
  maxChars: 10000,
  deadline: Number.MAX_SAFE_INTEGER,
  singleLine: false,
  stopStrings: [],
  ...over,
});

function run(rules: StopRules, text: string): string {
  for (const ch of text.match(/[\s\S]{1,3}/g) ?? []) if (rules.push(ch)) break;
  return rules.text();
}

describe('completion stop rules', () => {
  it('stops when indentation drops below the cursor block', () => {
    const r = new StopRules(ctx());
    assert.equal(run(r, 'x = 1\n    y = 2\nz = 3\n'), 'x = 1\n    y = 2');
    assert.equal(r.stopReason, 'indent-drop');
  });

  it('stops before an unmatched closing bracket but keeps matched ones', () => {
    const r = new StopRules(ctx({ linePrefix: '  foo(' }));
    assert.equal(run(r, 'a, b(c)) }'), 'a, b(c)) ');
    assert.equal(r.stopReason, 'unmatched-bracket');
    const r2 = new StopRules(ctx({ linePrefix: '  foo(', lineSuffix: ')' }));
    assert.equal(run(r2, 'a, b)'), 'a, b');
  });

  it('stops before repeating the next line of the document', () => {
    const r = new StopRules(ctx({ nextLines: ['', '    return total;', '}'] }));
    assert.equal(run(r, 'total += 1;\n    return total;\n    extra'), 'total += 1;');
    assert.equal(r.stopReason, 'repeats-next-line');
  });

  it('enforces max lines, single-line mode, stop strings and the time budget', () => {
    const r = new StopRules(ctx({ maxLines: 2 }));
    assert.equal(run(r, 'a\n    b\n    c\n    d'), 'a\n    b');
    const s = new StopRules(ctx({ singleLine: true }));
    assert.equal(run(s, 'abc\n    def\n'), 'abc');
    const t = new StopRules(ctx({ stopStrings: ['<|endoftext|>'] }));
    assert.equal(run(t, 'abc<|endoftext|>zzz'), 'abc');
    let now = 0;
    const u = new StopRules(ctx({ deadline: 5 }), () => now);
    u.push('abc');
    now = 10;
    u.push('\n    more\n');
    assert.equal(u.text(), 'abc');
    assert.equal(u.stopReason, 'time-budget');
  });
});

describe('completion postprocessing', () => {
  const base = { linePrefix: 'const x = ', lineSuffix: '', nextLines: [] as string[] };
  it('drops blank completions', () => {
    assert.equal(postprocessCompletion('  \n\n', base), null);
  });
  it('drops a duplicate of the line below', () => {
    assert.equal(postprocessCompletion('1;', { ...base, nextLines: ['const x = 1;'] }), null);
  });
  it('replaces an auto-closed bracket instead of doubling it', () => {
    const s = postprocessCompletion('a, b)', { ...base, linePrefix: 'foo(', lineSuffix: ')' });
    assert.deepEqual(s, { text: 'a, b)', replaceChars: 1 });
  });
  it('drops text that only re-types what is right of the cursor', () => {
    assert.equal(postprocessCompletion('x', { ...base, lineSuffix: 'xyz' }), null);
  });
  it('trims trailing whitespace', () => {
    assert.deepEqual(postprocessCompletion('1;  \n\n', base), { text: '1;', replaceChars: 0 });
  });
});
