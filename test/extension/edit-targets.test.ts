/**
 * Edits that finish: a rewrite reply cut off inside its code block, the reply
 * budget that grows with the code, and the enclosing symbol a command works
 * on when nothing is selected.
 */
import { strict as assert } from 'assert';
import { CODE_SYMBOL_KINDS, enclosingSymbol, extractCode, rewriteReplyTokens, type SymbolSpan } from '../../extension/commands/edit-commands-pure';

const span = (name: string, kind: number, l0: number, c0: number, l1: number, c1: number, children: SymbolSpan[] = []): SymbolSpan => ({
  name, kind, range: { start: { line: l0, character: c0 }, end: { line: l1, character: c1 } }, children,
});

describe('edit commands: replies and targets', () => {
  it('keeps the code of a reply cut off inside its block, marked incomplete, without the fence line', () => {
    assert.deepEqual(extractCode('```python\ndef f():\n    return 1\n'), { code: 'def f():\n    return 1', complete: false });
    assert.deepEqual(extractCode('Sure:\n```ts\nconst a = 1;'), { code: 'const a = 1;', complete: false });
  });

  it("drops a thinking model's reasoning before reading the block", () => {
    assert.deepEqual(extractCode('<think>use ```js blocks```</think>\n```js\nlet x = 2;\n```'), { code: 'let x = 2;', complete: true });
    assert.deepEqual(extractCode('<think>still thinking about ```'), { code: '', complete: true });
  });

  it('gives a long selection a reply budget that holds all of it, within the context', () => {
    assert.equal(rewriteReplyTokens(300, 1024, 4096), 1024);  // short code: the setting
    const long = rewriteReplyTokens(9000, 1024, 16384);  // ~3000 tokens of code
    assert.ok(long >= 3000 * 1.25, `${long}`);
    assert.ok(rewriteReplyTokens(9000, 1024, 4096) <= 4096 - 3000 - 256);  // bounded by the room left
    assert.equal(rewriteReplyTokens(30000, 1024, 4096), 64);  // no room: a floor, and the cut-off is reported
  });

  it('finds the innermost function, method or class around the cursor', () => {
    const symbols = [
      span('imports', 13, 0, 0, 0, 20),
      span('Shape', 4, 2, 0, 12, 1, [
        span('area', 5, 3, 2, 6, 3, [span('w', 13, 4, 4, 4, 20)]),
        span('name', 6, 7, 2, 7, 20),
      ]),
      span('main', 11, 14, 0, 18, 1),
    ];
    assert.equal(enclosingSymbol(symbols, 4, 10, CODE_SYMBOL_KINDS)?.name, 'area');  // inside a variable of a method
    assert.equal(enclosingSymbol(symbols, 7, 5, CODE_SYMBOL_KINDS)?.name, 'Shape');  // a property: its class
    assert.equal(enclosingSymbol(symbols, 16, 0, CODE_SYMBOL_KINDS)?.name, 'main');
    assert.equal(enclosingSymbol(symbols, 13, 0, CODE_SYMBOL_KINDS), undefined);  // between symbols
    assert.equal(enclosingSymbol(symbols, 0, 5, CODE_SYMBOL_KINDS), undefined);  // only a constant
    assert.equal(enclosingSymbol(symbols, 2, 0, CODE_SYMBOL_KINDS)?.name, 'Shape');  // on the first character
  });
});
