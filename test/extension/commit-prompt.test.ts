/**
 * "Generate Commit Message", the parts without VS Code: the staged diff fitted
 * to the context (whole files dropped from the end, counted), and the reply
 * cleaned into an input box's text.
 */
import { strict as assert } from 'assert';
import { budgetDiff, budgetNote, buildCommitMessages, cleanCommitMessage, diffBudgetTokens, splitDiffByFile } from '../../extension/scm/commit-prompt';

/** One token a character: budgets in the tests read as lengths. */
const chars = (s: string): number => s.length;

const fileDiff = (name: string, body: string): string =>
  `diff --git a/${name} b/${name}\nindex 1111111..2222222 100644\n--- a/${name}\n+++ b/${name}\n@@ -1 +1 @@\n-old\n+${body}\n`;

describe('commit message: diff budget', () => {
  const a = fileDiff('src/a.ts', 'alpha');
  const b = fileDiff('src/b.ts', 'beta');
  const c = fileDiff('docs/c.md', 'gamma');
  const diff = a + b + c;

  it('splits a diff at each file header and names files by their new path', () => {
    const files = splitDiffByFile(diff + 'diff --git a/old.txt b/new.txt\nsimilarity index 100%\nrename from old.txt\nrename to new.txt\n');
    assert.deepEqual(files.map((f) => f.path), ['src/a.ts', 'src/b.ts', 'docs/c.md', 'new.txt']);
    assert.equal(files.slice(0, 3).map((f) => f.text).join(''), diff);
  });

  it('keeps the whole diff when it fits', () => {
    const got = budgetDiff(diff, diff.length, chars);
    assert.equal(got.text, diff);
    assert.deepEqual(got.dropped, []);
    assert.equal(got.truncated, false);
    assert.equal(budgetNote(got), null);
  });

  it('drops whole files from the end and reports how many', () => {
    const got = budgetDiff(diff, a.length + b.length + 5, chars);
    assert.equal(got.text, a + b);
    assert.deepEqual(got.kept, ['src/a.ts', 'src/b.ts']);
    assert.deepEqual(got.dropped, ['docs/c.md']);
    assert.match(budgetNote(got) ?? '', /1 file was left out/);
    const one = budgetDiff(diff, a.length, chars);
    assert.equal(one.text, a);
    assert.deepEqual(one.dropped, ['src/b.ts', 'docs/c.md']);
    assert.match(budgetNote(one) ?? '', /2 files were left out/);
  });

  it('does not skip a big file to fit a smaller later one: files go from the end only', () => {
    const big = fileDiff('big.ts', 'x'.repeat(500));
    const got = budgetDiff(a + big + c, a.length + c.length + 10, chars);
    assert.deepEqual(got.kept, ['src/a.ts']);
    assert.deepEqual(got.dropped, ['big.ts', 'docs/c.md']);
  });

  it('cuts the first file at a line break when even it does not fit', () => {
    const got = budgetDiff(diff, 40, chars);
    assert.equal(got.truncated, true);
    assert.ok(got.text.length <= 40 && got.text.length > 0);
    assert.ok(a.startsWith(got.text) && got.text.endsWith('\n'));
    assert.deepEqual(got.dropped, ['src/b.ts', 'docs/c.md']);
    assert.match(budgetNote(got) ?? '', /only the start of src\/a\.ts/);
  });

  it('tells the model which files it does not see', () => {
    const msgs = buildCommitMessages(budgetDiff(diff, a.length, chars));
    assert.equal(msgs[0].role, 'system');
    assert.match(msgs[1].content, /2 more changed files not shown: src\/b\.ts, docs\/c\.md/);
    assert.ok(msgs[1].content.includes(a));
  });

  it('leaves room for the reply and the instructions', () => {
    assert.ok(diffBudgetTokens(4096, chars) < 4096 - 256);
    assert.equal(diffBudgetTokens(10, chars), 0);
  });
});

describe('commit message: reply cleanup', () => {
  it('keeps a plain message from its first line, trimming trailing space', () => {
    assert.equal(cleanCommitMessage('Add commit messages  \n\nStream them into the box.\n\n\n'), 'Add commit messages\n\nStream them into the box.');
  });

  it('strips reasoning, closed or still open', () => {
    assert.equal(cleanCommitMessage('<think>the diff adds a test</think>\nAdd a test for budgets'), 'Add a test for budgets');
    assert.equal(cleanCommitMessage('<think>still thinking about'), '');
  });

  it('takes the inside of a fenced block, dropping a preamble', () => {
    assert.equal(cleanCommitMessage('Here is the message:\n```text\nFix the parser\n\nIt skipped blank lines.\n```\nHope it helps'), 'Fix the parser\n\nIt skipped blank lines.');
    assert.equal(cleanCommitMessage('```\nFix the parser\n```'), 'Fix the parser');
  });

  it('shows a fenced message while it streams, before the fence closes', () => {
    assert.equal(cleanCommitMessage('```\nFix the par'), 'Fix the par');
    assert.equal(cleanCommitMessage('```\nFix the parser\n``'), 'Fix the parser');
  });

  it('reasoning and a fence together', () => {
    assert.equal(cleanCommitMessage('<think>x</think>```git\nRename the cache\n```'), 'Rename the cache');
  });
});
