/**
 * Defect 12: a rewrite could apply to a stale range. The range was captured
 * before generation and the document version after it (so edits made while
 * the model wrote went unnoticed), and all rewrites shared one pending slot
 * (so Accept on the first of two applied the second). Now version and range
 * are captured together before generation, each proposal has its own id that
 * Accept/Reject name, and a changed document is refused with a message.
 */
import { strict as assert } from 'assert';
import { useFakeVscode } from '../extension/helpers/with-fake-vscode';
import type * as FakeVscode from '../extension/helpers/fake-vscode';

type Doc = ReturnType<typeof FakeVscode.fakeDocument> & { version: number };

describe('rewrite proposals (host)', function () {
  this.timeout(30000);
  let vscode: typeof FakeVscode;
  let commands: typeof import('../../extension/commands/edit-commands');
  let proposals: typeof import('../../extension/commands/proposals');

  before(() => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    vscode = useFakeVscode();
    commands = require('../../extension/commands/edit-commands');
    proposals = require('../../extension/commands/proposals');
    /* eslint-enable @typescript-eslint/no-require-imports */
  });
  after(() => {
    vscode.resetFake();
    vscode.recorded.answer = null;
  });

  /** Hearth's edit commands over one document; `duringGeneration` runs while the model "writes". */
  function setup(text: string, duringGeneration: () => void = () => {}) {
    const doc = vscode.fakeDocument('/ws/a.ts', text) as Doc;
    vscode.recorded.documents.set(doc.uri.toString(), doc);
    vscode.recorded.appliedEdits.length = 0;
    vscode.recorded.messages.length = 0;
    const editor = { document: doc, selection: new vscode.Selection(new vscode.Position(0, 0), new vscode.Position(0, 0)) };
    vscode.window.activeTextEditor = editor;
    const engine = {
      async *chat(messages: { content: string }[]) {
        duringGeneration();
        // Echo the line back upper-cased, as the model's rewrite.
        const code = /```[^\n]*\n([\s\S]*?)\n```/.exec(messages[1].content)?.[1] ?? '';
        yield '```\n' + code.toUpperCase() + '\n```';
      },
    };
    const models = { engineFor: async () => ({ engine, info: {} }) };
    const store = new proposals.ProposalStore();
    const cmds = new commands.EditCommands({} as never, models as never, store, { error: () => {}, info: () => {} } as never);
    const disposables = cmds.register();
    const onLine = (line: number): void => {
      editor.selection = new vscode.Selection(new vscode.Position(line, 0), new vscode.Position(line, 0));
    };
    return { doc, store, onLine, dispose: () => disposables.forEach((d) => d.dispose()) };
  }

  it('Accept on the first of two pending proposals applies the first, and the second is refused once the file changed', async () => {
    // Nobody answers the notifications: both proposals stay pending.
    vscode.recorded.answer = () => new Promise(() => {});
    const s = setup('aaa\nbbb\n');
    try {
      s.onLine(0);
      void vscode.commands.executeCommand('hearth.editSelection', 'upper-case it');
      await new Promise((r) => setTimeout(r, 50));
      s.onLine(1);
      void vscode.commands.executeCommand('hearth.editSelection', 'upper-case it');
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(s.store.ids.length, 2, 'each rewrite gets its own proposal');
      const [first, second] = s.store.ids;
      // The diff's title button passes the diff's URI.
      const firstDiff = vscode.Uri.from({ scheme: proposals.PROPOSAL_SCHEME, path: '/a.ts', query: `id=${first}&side=proposed` });
      assert.equal(s.store.provideTextDocumentContent(firstDiff as never), 'AAA\nbbb\n');
      assert.equal(await vscode.commands.executeCommand('hearth.acceptEdit', firstDiff), true);
      assert.equal(vscode.recorded.appliedEdits.length, 1);
      const applied = vscode.recorded.appliedEdits[0];
      assert.equal(applied.text, 'AAA');
      assert.equal(applied.range.start.line, 0);
      assert.deepEqual(s.store.ids, [second]);
      // Applying the first changed the file: the second's range is stale now.
      s.doc.version++;
      assert.equal(await vscode.commands.executeCommand('hearth.acceptEdit', second), false);
      assert.equal(vscode.recorded.appliedEdits.length, 1);
      assert.ok(vscode.recorded.messages.some((m) => m.level === 'warning' && /file changed/.test(m.text)));
      assert.deepEqual(s.store.ids, []);
    } finally {
      vscode.recorded.answer = null;
      s.dispose();
    }
  });

  it('Reject names its proposal and leaves the other pending', async () => {
    vscode.recorded.answer = () => new Promise(() => {});
    const s = setup('aaa\nbbb\n');
    try {
      s.onLine(0);
      void vscode.commands.executeCommand('hearth.editSelection', 'x');
      await new Promise((r) => setTimeout(r, 50));
      s.onLine(1);
      void vscode.commands.executeCommand('hearth.editSelection', 'x');
      await new Promise((r) => setTimeout(r, 50));
      const [first, second] = s.store.ids;
      await vscode.commands.executeCommand('hearth.rejectEdit', second);
      assert.deepEqual(s.store.ids, [first]);
      assert.equal(await vscode.commands.executeCommand('hearth.acceptEdit'), true, 'with one pending, no name is needed');
      assert.equal(vscode.recorded.appliedEdits[0].text, 'AAA');
    } finally {
      vscode.recorded.answer = null;
      s.dispose();
    }
  });

  it('an edit typed while the model was writing makes the proposal stale: refused with a message, nothing applied', async () => {
    vscode.recorded.answer = async () => 'Accept';
    let doc: Doc | null = null;
    const s = setup('aaa\nbbb\n', () => {
      if (doc) doc.version++; // the user types while the rewrite is generated
    });
    doc = s.doc;
    try {
      s.onLine(1);
      await vscode.commands.executeCommand('hearth.editSelection', 'upper-case it');
      assert.deepEqual(vscode.recorded.appliedEdits, []);
      assert.ok(vscode.recorded.messages.some((m) => m.level === 'warning' && /file changed/.test(m.text)), JSON.stringify(vscode.recorded.messages));
    } finally {
      vscode.recorded.answer = null;
      s.dispose();
    }
  });

  it('with nothing selected, a rewrite takes the function around the cursor (document symbols)', async () => {
    vscode.recorded.answer = async () => 'Accept';
    const s = setup('import x\nfunction f() {\n  return 1;\n}\nconst y = 2;\n');
    const symbols = [
      { name: 'f', kind: 11, range: new vscode.Range(1, 0, 3, 1), children: [] },
      { name: 'y', kind: 13, range: new vscode.Range(4, 0, 4, 11), children: [] },
    ];
    const provider = vscode.commands.registerCommand('vscode.executeDocumentSymbolProvider', () => symbols);
    try {
      s.onLine(2);
      await vscode.commands.executeCommand('hearth.editSelection', 'upper-case it');
      assert.equal(vscode.recorded.appliedEdits.length, 1);
      const applied = vscode.recorded.appliedEdits[0];
      assert.equal(applied.text, 'FUNCTION F() {\n  RETURN 1;\n}');
      assert.deepEqual([applied.range.start.line, applied.range.end.line], [1, 3]);
      // Outside any function: the cursor's line, as before.
      vscode.recorded.appliedEdits.length = 0;
      s.onLine(4);
      await vscode.commands.executeCommand('hearth.editSelection', 'upper-case it');
      assert.equal(vscode.recorded.appliedEdits[0].text, 'CONST Y = 2;');
    } finally {
      provider.dispose();
      vscode.recorded.answer = null;
      s.dispose();
    }
  });

  it('Fix with Hearth is offered for warnings as well as errors', () => {
    const doc = vscode.fakeDocument('/ws/b.ts', 'let a = 1;\n');
    const diag = (severity: number) => ({ severity, message: 'unused', range: new vscode.Range(0, 4, 0, 5) });
    const actions = new commands.HearthCodeActions();
    const offered = (severity: number) =>
      actions.provideCodeActions(doc as never, new vscode.Range(0, 0, 0, 0) as never, { diagnostics: [diag(severity)] } as never).length;
    assert.equal(offered(vscode.DiagnosticSeverity.Warning), 1);
    assert.equal(offered(vscode.DiagnosticSeverity.Error), 1);
    assert.equal(offered(2), 0, 'information and hints are not problems to fix');
  });
});
