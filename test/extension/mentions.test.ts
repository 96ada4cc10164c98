/**
 * The chat's @ mentions (extension/chat/mentions.ts): what is one and what
 * is not (email addresses, code spans, unknown words), arguments and where
 * they end, duplicates, the question left without them, and what the input
 * offers while one is typed.
 */
import { strict as assert } from 'assert';
import { MENTIONS, mentionArgumentAt, mentionCompletions, mentionText, parseMentions } from '../../extension/chat/mentions';

const kinds = (text: string) => parseMentions(text).mentions.map((m) => (m.argument ? `${m.kind} ${m.argument}` : m.kind));
const question = (text: string) => parseMentions(text).question;

describe('chat @ mentions: parsing', () => {
  it('has one list with a unique name, an argument kind and a description for each', () => {
    assert.deepEqual(MENTIONS.map((m) => m.name), ['file', 'selection', 'problems', 'git-diff', 'symbol']);
    assert.equal(new Set(MENTIONS.map((m) => m.name)).size, MENTIONS.length);
    for (const m of MENTIONS) assert.ok(m.description && !m.description.includes('\n'), m.name);
    assert.deepEqual(MENTIONS.map((m) => m.argument), ['path', 'none', 'none', 'none', 'symbol']);
  });

  it('finds each kind with its argument and offsets, and takes them out of the question', () => {
    const text = 'Why does @symbol parseMentions fail on @file src/a.ts with @selection, @problems and @git-diff?';
    const p = parseMentions(text);
    assert.deepEqual(p.mentions.map((m) => [m.kind, m.argument, text.slice(m.start, m.end)]), [
      ['symbol', 'parseMentions', '@symbol parseMentions'],
      ['file', 'src/a.ts', '@file src/a.ts'],
      ['selection', '', '@selection'],
      ['problems', '', '@problems'],
      ['git-diff', '', '@git-diff'],
    ]);
    assert.equal(p.question, 'Why does fail on with, and?');
  });

  it('leaves a text without mentions as it is (but trimmed)', () => {
    assert.deepEqual(parseMentions('  How do I sort a map?  '), { mentions: [], question: 'How do I sort a map?' });
    assert.deepEqual(parseMentions(''), { mentions: [], question: '' });
  });

  it('does not read an email address or any @ inside a word as a mention', () => {
    assert.deepEqual(kinds('mail a@b.com or me@selection.org or x@file y'), []);
    assert.equal(question('mail a@b.com'), 'mail a@b.com');
    assert.deepEqual(kinds('@@selection and foo/@problems'), []);
  });

  it('ignores mentions inside code spans and fences, but not next to them', () => {
    assert.deepEqual(kinds('what does `@selection` do in `x @file a.ts`?'), []);
    assert.deepEqual(kinds('in ``code with ` and @problems`` here'), []);
    assert.deepEqual(kinds('```\n@problems\n@symbol Foo\n```\nand @selection'), ['selection']);
    assert.equal(question('`@problems` is literal, @problems is not'), '`@problems` is literal, is not');
  });

  it('treats an unclosed backtick as a literal backtick (Markdown), not as the start of code', () => {
    assert.deepEqual(kinds('a stray ` then @selection'), ['selection']);
  });

  it('leaves unknown @words in the question', () => {
    const p = parseMentions('use @Override and @types here with @selection');
    assert.deepEqual(p.mentions.map((m) => m.kind), ['selection']);
    assert.equal(p.question, 'use @Override and @types here with');
    assert.deepEqual(kinds('@files @selections @git @git-diffs @file2 @file_x'), []);
  });

  it('accepts a name in any case, followed by punctuation, inside brackets or quotes', () => {
    assert.deepEqual(kinds('@Selection'), ['selection']);
    assert.deepEqual(kinds('(see @problems) and "@git-diff"'), ['problems', 'git-diff']);
    assert.deepEqual(kinds('fix @problems. Then @selection!'), ['problems', 'selection']);
    assert.deepEqual(kinds('@problems.x and @selection/y'), [], 'a name must end where the word ends');
  });

  it('reads a path up to the next space, without the sentence punctuation after it', () => {
    assert.deepEqual(kinds('look at @file src/a.ts, then'), ['file src/a.ts']);
    assert.deepEqual(kinds('look at @file src/a.ts.'), ['file src/a.ts']);
    assert.deepEqual(kinds('(see @file src/a.ts)'), ['file src/a.ts']);
    assert.deepEqual(kinds('@file src/f(1).ts'), ['file src/f(1).ts'], 'a balanced bracket belongs to the path');
    assert.deepEqual(kinds('@file src/**/*.test.ts please'), ['file src/**/*.test.ts']);
    assert.deepEqual(kinds('@file C:\\work\\a.ts'), ['file C:\\work\\a.ts']);
  });

  it('reads a quoted or code-span argument with spaces in it', () => {
    assert.deepEqual(kinds('@file "docs/my notes.md" says what?'), ['file docs/my notes.md']);
    assert.deepEqual(kinds('@file `docs/my notes.md` says what?'), ['file docs/my notes.md']);
    const text = 'explain @symbol `ChatSession.addChip` briefly';
    const m = parseMentions(text).mentions[0];
    assert.equal(text.slice(m.start, m.end), '@symbol `ChatSession.addChip`');
    assert.equal(parseMentions(text).question, 'explain briefly');
  });

  it('gives a mention that lacks its argument an empty one (for the resolver to explain), and never takes the next line or mention', () => {
    assert.deepEqual(kinds('@file'), ['file']);
    assert.deepEqual(kinds('@file\nwhat is this'), ['file']);
    assert.equal(question('@file\nwhat is this'), 'what is this');
    assert.deepEqual(kinds('@file @selection'), ['file', 'selection']);
    assert.deepEqual(kinds('@symbol , and'), ['symbol']);
  });

  it('lets a path start with @ when that is no mention (scoped packages)', () => {
    assert.deepEqual(kinds('@file @types/node/index.d.ts'), ['file @types/node/index.d.ts']);
  });

  it('resolves a duplicate once but takes every occurrence out of the question', () => {
    const p = parseMentions('@selection compare @selection with @file a.ts and @file ./a.ts and @file b.ts');
    assert.deepEqual(p.mentions.map((m) => `${m.kind}:${m.argument}`), ['selection:', 'file:a.ts', 'file:b.ts']);
    assert.equal(p.question, 'compare with and and');
    assert.deepEqual(kinds('@symbol Foo @symbol foo'), ['symbol Foo', 'symbol foo'], 'symbol names are case-sensitive');
  });

  it('tidies the spacing a removed mention leaves', () => {
    assert.equal(question('@selection what is this?'), 'what is this?');
    assert.equal(question('what is wrong in @problems?'), 'what is wrong in?');
    assert.equal(question('explain @selection   please'), 'explain please');
    assert.equal(question('first @selection\nsecond line'), 'first\nsecond line');
    assert.equal(question('a @selection @problems b'), 'a b');
    assert.equal(question('keep  double  spaces @selection elsewhere'), 'keep  double  spaces elsewhere');
  });

  it('writes a mention back as typed, quoting an argument with spaces', () => {
    assert.equal(mentionText({ kind: 'selection', argument: '' }), '@selection');
    assert.equal(mentionText({ kind: 'file', argument: 'src/a.ts' }), '@file src/a.ts');
    assert.equal(mentionText({ kind: 'file', argument: 'my notes.md' }), '@file "my notes.md"');
  });

  it('stays linear on a large hostile input (many backticks and @ signs)', () => {
    const text = '` `` ``` @selection '.repeat(20_000) + '@file x '.repeat(20_000);
    const t0 = Date.now();
    const p = parseMentions(text);
    assert.ok(Date.now() - t0 < 2000, `${Date.now() - t0} ms`);
    assert.ok(p.mentions.length >= 1);
  });
});

describe('chat @ mentions: completions', () => {
  const labels = (before: string) => mentionCompletions(before).map((s) => s.label);

  it('offers every name after a bare @, and those matching what is typed after it', () => {
    assert.deepEqual(labels('@'), ['@file', '@selection', '@problems', '@git-diff', '@symbol']);
    assert.deepEqual(labels('explain @s'), ['@selection', '@symbol']);
    assert.deepEqual(labels('explain @Sy'), ['@symbol']);
    assert.deepEqual(labels('@git-'), ['@git-diff']);
    assert.deepEqual(labels('@x'), []);
  });

  it('replaces from the @ and inserts the name and a space; a name with an argument says what follows', () => {
    const [s] = mentionCompletions('look at @fi');
    assert.deepEqual({ from: s.from, insert: s.insert }, { from: 8, insert: '@file ' });
    assert.match(s.detail, /then a path or glob/);
    const [sel] = mentionCompletions('@sel');
    assert.equal(sel.detail, MENTIONS.find((m) => m.name === 'selection')!.description);
  });

  it('offers nothing in an email address, in code, or once the name is done', () => {
    assert.deepEqual(labels('mail a@'), []);
    assert.deepEqual(labels('a@s'), []);
    assert.deepEqual(labels('what does `@s'), [], 'an open code span');
    assert.deepEqual(labels('`code` then @s'), ['@selection', '@symbol']);
    assert.deepEqual(labels('@file '), []);
    assert.deepEqual(labels('@file src/'), []);
    assert.deepEqual(labels('@selection '), []);
    assert.deepEqual(labels(''), []);
  });

  it('tells when the cursor is in the argument of @file or @symbol, for the extension to offer files or symbols', () => {
    assert.deepEqual(mentionArgumentAt('see @file '), { kind: 'file', typed: '', from: 10 });
    assert.deepEqual(mentionArgumentAt('see @file src/ch'), { kind: 'file', typed: 'src/ch', from: 10 });
    assert.deepEqual(mentionArgumentAt('@file "my no'), { kind: 'file', typed: 'my no', from: 6 });
    assert.deepEqual(mentionArgumentAt('@Symbol Chat'), { kind: 'symbol', typed: 'Chat', from: 8 });
    assert.equal(mentionArgumentAt('@file a.ts '), null, 'the argument is done');
    assert.equal(mentionArgumentAt('@file'), null);
    assert.equal(mentionArgumentAt('@selection x'), null);
    assert.equal(mentionArgumentAt('me@file x'), null);
    assert.equal(mentionArgumentAt('`@file x'), null);
  });
});
