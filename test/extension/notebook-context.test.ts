import { strict as assert } from 'assert';
import { CELL_SEPARATOR, notebookContext, type NotebookCellText } from '../../extension/completion/notebook-context';
import { useFakeVscode } from './helpers/with-fake-vscode';
import { recordingProvider, invoke, liveToken } from './helpers/recording-provider';
import type * as FakeVscode from './helpers/fake-vscode';

const py = (text: string): NotebookCellText => ({ text, languageId: 'python', code: true });
const md = (text: string): NotebookCellText => ({ text, languageId: 'markdown', code: false });

describe('notebook context', () => {
  const cells = [py('import numpy as np'), md('# Data'), py('x = np.arange(10)'), py('y = x * 2\nprint(y)'), md('Plot it'), py('plt.plot(x, y)')];

  it('puts the code cells before the cell as prefix and after it as suffix, in order', () => {
    const d = notebookContext(cells, 3, 'y = x * 2'.length, { relPath: 'nb.ipynb' });
    assert.equal(d.relPath, 'nb.ipynb');
    assert.equal(d.text, ['import numpy as np', 'x = np.arange(10)', 'y = x * 2\nprint(y)', 'plt.plot(x, y)'].join(CELL_SEPARATOR));
    assert.equal(d.text.slice(0, d.offset), 'import numpy as np\n\nx = np.arange(10)\n\ny = x * 2');
    assert.equal(d.text.slice(d.offset), '\nprint(y)\n\nplt.plot(x, y)');
  });

  it('the first and last cells, and offsets at the cell edges', () => {
    const first = notebookContext(cells, 0, 0, { relPath: 'nb.ipynb' });
    assert.equal(first.offset, 0);
    assert.ok(first.text.startsWith('import numpy as np\n\nx = '));
    const last = notebookContext(cells, 5, 'plt.plot(x, y)'.length, { relPath: 'nb.ipynb' });
    assert.equal(last.text.slice(last.offset), '');
    assert.ok(last.text.slice(0, last.offset).endsWith('print(y)\n\nplt.plot(x, y)'));
    // An offset past the cell's end is clamped to it.
    const clamped = notebookContext(cells, 2, 999, { relPath: 'nb.ipynb' });
    assert.equal(clamped.text.slice(0, clamped.offset), 'import numpy as np\n\nx = np.arange(10)');
  });

  it('leaves out markdown, other languages and empty cells', () => {
    const mixed = [py('a = 1'), { text: 'SELECT 1', languageId: 'sql', code: true }, py('   '), md('note'), py('b = a')];
    const d = notebookContext(mixed, 4, 5, { relPath: 'nb.ipynb' });
    assert.equal(d.text, 'a = 1\n\nb = a');
    assert.equal(d.offset, d.text.length);
  });

  it('takes whole neighbouring cells, nearest first, within the limit; the cell itself always', () => {
    const many = Array.from({ length: 50 }, (_, i) => py(`v${i} = ${i}`.padEnd(40, ' ')));
    const d = notebookContext(many, 25, 0, { relPath: 'nb.ipynb', limitChars: 400 });
    const parts = d.text.split(CELL_SEPARATOR).map((p) => p.trim());
    const at = parts.indexOf('v25 = 25');
    assert.ok(at > 0, 'some preceding cells');
    assert.ok(parts.length - 1 > at, 'some following cells');
    assert.deepEqual(parts, many.slice(25 - at, 25 - at + parts.length).map((c) => c.text.trim()), 'contiguous, in order');
    assert.ok(d.text.length - many[25].text.length <= 400);
    assert.ok(at > parts.length - 1 - at, 'more before than after');
    const none = notebookContext(many, 25, 3, { relPath: 'nb.ipynb', limitChars: 0 });
    assert.deepEqual(none, { relPath: 'nb.ipynb', text: many[25].text, offset: 3 });
  });

  it('refuses a cell index outside the notebook', () => {
    assert.throws(() => notebookContext(cells, 6, 0, { relPath: 'nb.ipynb' }), RangeError);
  });
});

describe('notebook cells in the completion pipeline (fake vscode)', () => {
  let vscode: typeof FakeVscode;
  let mod: typeof import('../../extension/completion/completion-document');

  before(() => {
    vscode = useFakeVscode();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require('../../extension/completion/completion-document');
  });
  after(() => vscode.workspace.notebookDocuments.splice(0));

  it('sees a cell with its notebook neighbours and a file as itself', () => {
    const nbUri = vscode.Uri.file('/w/analysis.ipynb');
    const cell = (i: number, text: string, kind = vscode.NotebookCellKind.Code) => ({
      kind,
      document: { uri: new vscode.Uri('vscode-notebook-cell', '/w/analysis.ipynb', `cell${i}`), languageId: 'python', getText: () => text },
    });
    const cellsOf = [cell(0, 'import os'), cell(1, '# Title', vscode.NotebookCellKind.Markup), cell(2, 'p = os.getcwd()'), cell(3, 'print(p)')];
    vscode.workspace.notebookDocuments.push({ uri: nbUri, getCells: () => cellsOf });
    const doc = { ...vscode.fakeDocument('/w/analysis.ipynb', 'p = os.getcwd()', 'python'), uri: cellsOf[2].document.uri };
    const d = mod.completionDocumentFor(doc as never, new vscode.Position(0, 4) as never);
    assert.deepEqual(d, { relPath: 'analysis.ipynb', text: 'import os\n\np = os.getcwd()\n\nprint(p)', offset: 'import os\n\np = '.length });
    assert.ok(mod.COMPLETION_SCHEMES.has(doc.uri.scheme), 'the provider gate lets cells through');
    assert.ok(mod.INLINE_SELECTOR.some((f) => f.scheme === 'vscode-notebook-cell'), 'the provider is registered for cells');

    const plain = vscode.fakeDocument('/w/a.py', 'x = 1\ny = ', 'python');
    assert.deepEqual(mod.completionDocumentFor(plain as never, new vscode.Position(1, 4) as never), { relPath: 'a.py', text: 'x = 1\ny = ', offset: 10 });
  });
});

describe('inline provider in a notebook cell (fake vscode, fake engine)', () => {
  let vscode: typeof FakeVscode;
  before(() => {
    vscode = useFakeVscode();
  });
  after(() => vscode.workspace.notebookDocuments.splice(0));

  it('completes in a code cell with the cells above as prefix and below as suffix', async () => {
    const { provider, engine } = await recordingProvider();
    const nbUri = vscode.Uri.file('/w/nb.ipynb');
    const cell = (i: number, text: string) => ({
      kind: vscode.NotebookCellKind.Code,
      document: { uri: new vscode.Uri('vscode-notebook-cell', '/w/nb.ipynb', `c${i}`), languageId: 'python', getText: () => text },
    });
    const cells = [cell(0, 'import math'), cell(1, 'r = 2\narea = '), cell(2, 'print(area)')];
    vscode.workspace.notebookDocuments.push({ uri: nbUri, getCells: () => cells });
    const doc = { ...vscode.fakeDocument('/w/nb.ipynb', 'r = 2\narea = ', 'python'), uri: cells[1].document.uri };
    const items = await provider.provideInlineCompletionItems(doc as never, new vscode.Position(1, 7) as never, invoke as never, liveToken as never);
    assert.equal(items[0]?.insertText, 'area_value + 1;');
    assert.equal(engine.seen[0].prefix, 'import math\n\nr = 2\narea = ');
    assert.equal(engine.seen[0].suffix, '\n\nprint(area)');
    assert.equal(engine.seen[0].path, 'nb.ipynb');
    provider.dispose();
  });
});
