/**
 * What each @ mention attaches (extension/chat/mention-sources.ts), against
 * the fake vscode: files by path or glob (and the refusals: binary, too big,
 * a folder, outside the workspace, ambiguous), the selection, the problems,
 * the git diff through a fake vscode.git, symbols through fake providers,
 * and every chip cut to the token budget it is given.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { useFakeVscode } from './helpers/with-fake-vscode';
import type * as FakeVscode from './helpers/fake-vscode';
import type { Mention, MentionKind } from '../../extension/chat/mentions';
import type { MentionContext, MentionResolution } from '../../extension/chat/mention-sources';

/** One token a character: budgets in the tests read as lengths. */
const count = (t: string): number => t.length;

describe('chat @ mentions: what they attach', () => {
  let vscode: typeof FakeVscode;
  let resolveMention: (m: Mention, ctx: MentionContext) => Promise<MentionResolution>;
  let MAX_PROBLEMS: number;
  let tmp: string;
  let ws: string;
  const saved: { asRelativePath?: unknown; findFiles?: unknown } = {};
  let findFilesCalls: string[];

  before(() => {
    vscode = useFakeVscode();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('../../extension/chat/mention-sources') as typeof import('../../extension/chat/mention-sources');
    resolveMention = mod.resolveMention;
    MAX_PROBLEMS = mod.MAX_PROBLEMS;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-mentions-'));
    ws = path.join(tmp, 'ws');
    fs.mkdirSync(path.join(ws, 'src', 'deep'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'src', 'a.ts'), 'export const a = 1;\nexport const b = 2;\n');
    fs.writeFileSync(path.join(ws, 'src', 'deep', 'only-here.ts'), 'deep\n');
    fs.writeFileSync(path.join(ws, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1]));
    fs.writeFileSync(path.join(ws, 'big.txt'), 'x'.repeat(300 * 1024));
    fs.writeFileSync(path.join(tmp, 'secret.txt'), 'outside the workspace');
    saved.asRelativePath = vscode.workspace.asRelativePath;
    saved.findFiles = vscode.workspace.findFiles;
  });

  beforeEach(() => {
    vscode.resetFake();
    vscode.workspace.workspaceFolders = [{ uri: vscode.Uri.file(ws), name: 'ws', index: 0 }];
    // Relative to the workspace, as VS Code writes it (the fake's default is the base name).
    vscode.workspace.asRelativePath = (u: FakeVscode.Uri | string) => path.relative(ws, typeof u === 'string' ? u : u.fsPath).split(path.sep).join('/');
    findFilesCalls = [];
    vscode.workspace.findFiles = async (...args: unknown[]) => {
      findFilesCalls.push(String(args[0]));
      return [...vscode.recorded.files];
    };
  });

  after(() => {
    vscode.workspace.asRelativePath = saved.asRelativePath as typeof vscode.workspace.asRelativePath;
    vscode.workspace.findFiles = saved.findFiles as typeof vscode.workspace.findFiles;
    vscode.workspace.workspaceFolders = [];
    vscode.resetFake();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const mention = (kind: MentionKind, argument = ''): Mention => ({ kind, argument, start: 0, end: 0 });
  const ctx = (over: Partial<MentionContext> = {}): MentionContext => ({ editor: undefined, budgetTokens: 10_000, count, ...over });
  async function attached(kind: MentionKind, argument = '', over: Partial<MentionContext> = {}) {
    const r = await resolveMention(mention(kind, argument), ctx(over));
    assert.ok(r.ok, r.ok ? '' : r.reason);
    return r.chip;
  }
  async function refused(kind: MentionKind, argument = '', over: Partial<MentionContext> = {}): Promise<string> {
    const r = await resolveMention(mention(kind, argument), ctx(over));
    assert.ok(!r.ok, `attached ${JSON.stringify(r.ok && r.chip)}`);
    return r.reason;
  }

  describe('@file', () => {
    it('attaches a workspace-relative path, with its token count', async () => {
      const chip = await attached('file', 'src/a.ts');
      assert.deepEqual(chip, { kind: 'file', label: 'src/a.ts', text: 'export const a = 1;\nexport const b = 2;\n', tokens: 40 });
      assert.deepEqual(findFilesCalls, [], 'a path that exists needs no search');
      assert.equal((await attached('file', './src\\a.ts')).label, 'src/a.ts');
    });

    it('finds a file by the end of its path, or by a glob with one match', async () => {
      vscode.recorded.files = [vscode.Uri.file(path.join(ws, 'src', 'deep', 'only-here.ts'))];
      assert.equal((await attached('file', 'only-here.ts')).label, 'src/deep/only-here.ts');
      assert.deepEqual(findFilesCalls, ['**/only-here.ts']);
      assert.equal((await attached('file', 'src/**/only-*.ts')).text, 'deep\n');
      assert.equal(findFilesCalls[1], 'src/**/only-*.ts');
    });

    it('refuses a name several files match, listing some, and one nothing matches', async () => {
      vscode.recorded.files = [vscode.Uri.file(path.join(ws, 'src', 'a.ts')), vscode.Uri.file(path.join(ws, 'src', 'deep', 'only-here.ts'))];
      assert.match(await refused('file', '**/*.ts'), /^Hearth did not attach @file \*\*\/\*\.ts: 2 files match it \(src\/a\.ts, src\/deep\/only-here\.ts\); give more of the path\.$/);
      vscode.recorded.files = [];
      assert.match(await refused('file', 'nope.ts'), /no file in the workspace has that path or matches it/);
    });

    it('refuses a binary file and an oversized one with the reason, and a folder', async () => {
      assert.match(await refused('file', 'logo.png'), /binary file/);
      assert.match(await refused('file', 'big.txt'), /300 KB, more than the 256 KB/);
      assert.match(await refused('file', 'src'), /src is a folder/);
    });

    it('never reads outside the workspace (../ or an absolute path elsewhere)', async () => {
      assert.match(await refused('file', '../secret.txt'), /it is outside the workspace folders\.$/);
      assert.match(await refused('file', 'src/../../secret.txt'), /outside the workspace/);
      assert.match(await refused('file', path.join(tmp, 'secret.txt')), /it is outside the workspace folders\.$/);
      assert.match(await refused('file', `${ws}/../secret.txt`), /outside the workspace/);
      assert.deepEqual(findFilesCalls, [], 'none is searched for');
      assert.equal((await attached('file', path.join(ws, 'src', 'a.ts'))).label, 'src/a.ts', 'absolute inside the workspace is fine');
    });

    it('reads the folder name of a multi-root workspace path, and says when no folder is open', async () => {
      vscode.workspace.workspaceFolders = [{ uri: vscode.Uri.file(tmp), name: 'other', index: 0 }, { uri: vscode.Uri.file(ws), name: 'ws', index: 1 }];
      assert.equal((await attached('file', 'ws/src/a.ts')).text.split('\n')[0], 'export const a = 1;');
      vscode.workspace.workspaceFolders = [];
      assert.match(await refused('file', 'src/a.ts'), /no folder is open/);
    });

    it('takes the unsaved text of an open, edited file', async () => {
      const doc = { ...vscode.fakeDocument(path.join(ws, 'src', 'a.ts'), 'unsaved edit'), isDirty: true };
      vscode.workspace.textDocuments = [doc];
      assert.equal((await attached('file', 'src/a.ts')).text, 'unsaved edit');
    });

    it('says what is missing when no path follows', async () => {
      assert.equal(await refused('file'), 'Hearth did not attach @file: it needs a path after it, e.g. @file src/app.ts.');
    });

    it('cuts a long file to whole lines within the budget and says so', async () => {
      const lines = Array.from({ length: 200 }, (_, i) => `line ${i}`);
      fs.writeFileSync(path.join(ws, 'long.txt'), lines.join('\n'));
      const chip = await attached('file', 'long.txt', { budgetTokens: 300 });
      assert.ok(chip.tokens <= 300, `${chip.tokens}`);
      assert.equal(chip.tokens, chip.text.length);
      assert.ok(chip.text.startsWith('line 0\nline 1\n'));
      assert.match(chip.note ?? '', /^cut to its first \d+ of 200 lines/);
      assert.ok(chip.text.endsWith(`[… ${chip.note}]`));
    });

    it('cuts one very long line by characters, and refuses when nothing fits', async () => {
      fs.writeFileSync(path.join(ws, 'min.js'), 'a'.repeat(5000));
      const chip = await attached('file', 'min.js', { budgetTokens: 200 });
      assert.ok(chip.tokens <= 200);
      assert.match(chip.note ?? '', /characters/);
      assert.match(await refused('file', 'min.js', { budgetTokens: 20 }), /does not fit: the chat's context has 20 tokens left/);
      assert.match(await refused('file', 'src/a.ts', { budgetTokens: 0 }), /no room left/);
    });
  });

  describe('@selection', () => {
    const editor = (sel: FakeVscode.Selection) => ({ document: vscode.fakeDocument(path.join(ws, 'src', 'a.ts'), 'one\ntwo\nthree\n'), selection: sel });

    it('attaches the selected text, labelled with its file and lines', async () => {
      const chip = await attached('selection', '', { editor: editor(new vscode.Selection(1, 0, 2, 5)) as never });
      assert.deepEqual(chip, { kind: 'selection', label: 'src/a.ts:2-3', text: 'two\nthree', tokens: 9 });
    });

    it('refuses an empty selection and a missing editor, saying what to do', async () => {
      assert.match(await refused('selection', '', { editor: editor(new vscode.Selection(1, 2, 1, 2)) as never }), /nothing is selected in src\/a\.ts; select the code first/);
      assert.match(await refused('selection'), /no editor is open/);
    });
  });

  describe('@problems', () => {
    // Stubbed here, as chat-slash-apply.test.ts does: the fake has no getDiagnostics of its own.
    type Diag = { range: FakeVscode.Range; message: string; severity: number };
    const languages = () => vscode.languages as unknown as { getDiagnostics?: () => [FakeVscode.Uri, Diag[]][] };
    let diagnostics: [FakeVscode.Uri, Diag[]][] = [];
    beforeEach(() => {
      diagnostics = [];
      languages().getDiagnostics = () => diagnostics;
    });
    afterEach(() => delete languages().getDiagnostics);
    const diag = (line: number, col: number, severity: number, message: string) => ({ range: new vscode.Range(line, col, line, col + 1), severity, message });
    const S = () => vscode.DiagnosticSeverity;

    it('lists errors then warnings as path:line:col severity message, without information or hints', async () => {
      diagnostics = [
        [vscode.Uri.file(path.join(ws, 'b.ts')), [diag(9, 0, S().Warning, 'unused x'), diag(2, 4, S().Error, 'no such\nname'), diag(0, 0, S().Information, 'fyi')]],
        [vscode.Uri.file(path.join(ws, 'a.ts')), [diag(4, 1, S().Hint, 'hint'), diag(0, 0, S().Warning, 'any')]],
      ];
      const chip = await attached('problems');
      assert.equal(chip.kind, 'problems');
      assert.equal(chip.label, 'problems (1 error, 2 warnings)');
      assert.equal(chip.text, 'b.ts:3:5 error no such name\na.ts:1:1 warning any\nb.ts:10:1 warning unused x');
      assert.equal(chip.note, undefined);
    });

    it('refuses when there is nothing to report', async () => {
      diagnostics = [[vscode.Uri.file(path.join(ws, 'a.ts')), [diag(0, 0, S().Information, 'fyi')]]];
      assert.match(await refused('problems'), /the workspace has no errors or warnings/);
    });

    it('caps the list by the budget and by MAX_PROBLEMS, counting what was left out', async () => {
      const many = Array.from({ length: MAX_PROBLEMS + 50 }, (_, i) => diag(i, 0, S().Error, `problem ${i}`));
      diagnostics = [[vscode.Uri.file(path.join(ws, 'a.ts')), many]];
      const all = await attached('problems', '', { budgetTokens: 1_000_000 });
      assert.equal(all.text.split('\n').length, MAX_PROBLEMS + 1);
      assert.ok(all.text.endsWith('[… 50 more not shown]'));
      const few = await attached('problems', '', { budgetTokens: 200 });
      assert.ok(few.tokens <= 200, `${few.tokens}`);
      const shown = few.text.split('\n').length - 1;
      assert.ok(shown > 0 && shown < 20, `${shown}`);
      assert.ok(few.text.endsWith(`[… ${MAX_PROBLEMS + 50 - shown} more not shown]`));
      assert.match(few.note ?? '', new RegExp(`^${MAX_PROBLEMS + 50 - shown} of ${MAX_PROBLEMS + 50} problems left out`));
    });
  });

  describe('@git-diff', () => {
    const fileDiff = (name: string, body: string) => `diff --git a/${name} b/${name}\n--- a/${name}\n+++ b/${name}\n@@ -1 +1 @@\n${body}\n`;

    function fakeGit(repos: { root: string; staged: string; unstaged: string }[], enabled = true) {
      const made = repos.map((r) => ({
        rootUri: vscode.Uri.file(r.root),
        inputBox: { value: '' },
        diff: async (cached?: boolean) => (cached ? r.staged : r.unstaged),
      }));
      const api = {
        state: 'initialized',
        onDidChangeState: () => ({ dispose() {} }),
        repositories: made,
        getRepository: (u: FakeVscode.Uri) => made.find((m) => u.path.startsWith(`${m.rootUri.path}/`)) ?? null,
      };
      vscode.recorded.extensions.set('vscode.git', { isActive: true, exports: { enabled, getAPI: () => api } });
    }

    it('attaches the staged then the unstaged changes, labelled with their file counts', async () => {
      fakeGit([{ root: ws, staged: fileDiff('a.ts', '+staged'), unstaged: fileDiff('b.ts', '+one') + fileDiff('c.ts', '+two') }]);
      const chip = await attached('git-diff');
      assert.equal(chip.kind, 'diff');
      assert.equal(chip.label, 'git diff (1 file staged, 2 files unstaged)');
      assert.ok(chip.text.startsWith('Staged changes:\ndiff --git a/a.ts b/a.ts\n'));
      assert.ok(chip.text.indexOf('Unstaged changes:\ndiff --git a/b.ts') > chip.text.indexOf('+staged'));
      assert.ok(chip.text.endsWith('+two'));
      assert.equal(chip.tokens, chip.text.length);
      assert.equal(chip.note, undefined);
    });

    it('takes only the sections with changes', async () => {
      fakeGit([{ root: ws, staged: '', unstaged: fileDiff('b.ts', '+one') }]);
      const chip = await attached('git-diff');
      assert.equal(chip.label, 'git diff (1 file unstaged)');
      assert.ok(chip.text.startsWith('Unstaged changes:\n'));
    });

    it("reads the repository of the last editor's file when there are several", async () => {
      fakeGit([
        { root: path.join(tmp, 'other'), staged: fileDiff('x.ts', '+other'), unstaged: '' },
        { root: ws, staged: fileDiff('a.ts', '+mine'), unstaged: '' },
      ]);
      const editor = { document: vscode.fakeDocument(path.join(ws, 'src', 'a.ts'), ''), selection: new vscode.Selection(0, 0, 0, 0) };
      assert.match((await attached('git-diff', '', { editor: editor as never })).text, /\+mine/);
      assert.match((await attached('git-diff')).text, /\+other/, 'without an editor: the first repository');
    });

    it('drops whole files from the end to fit the budget, and names them', async () => {
      fakeGit([{ root: ws, staged: fileDiff('a.ts', '+small'), unstaged: fileDiff('b.ts', `+${'y'.repeat(400)}`) + fileDiff('c.ts', '+z') }]);
      const chip = await attached('git-diff', '', { budgetTokens: 300 });
      assert.ok(chip.tokens <= 300, `${chip.tokens}`);
      assert.match(chip.text, /\+small/);
      assert.match(chip.note ?? '', /unstaged changes: /);
      assert.equal(chip.label, 'git diff (1 file staged, 2 files unstaged)');
    });

    it('refuses no changes, no git extension, git disabled and no repository, with the reason', async () => {
      fakeGit([{ root: ws, staged: ' \n', unstaged: '' }]);
      assert.match(await refused('git-diff'), /^Hearth did not attach @git-diff: ws has no staged or unstaged changes/);
      vscode.recorded.extensions.clear();
      assert.match(await refused('git-diff'), /built-in Git extension \(vscode\.git\).*not installed\.$/);
      fakeGit([], false);
      assert.match(await refused('git-diff'), /Git extension is disabled/);
      fakeGit([]);
      assert.match(await refused('git-diff'), /No git repository is open/);
    });
  });

  describe('@symbol', () => {
    const SOURCE = ['// header', 'export class ChatSession {', '  addChip(): void {', '    return;', '  }', '}', 'export const addChipCount = 1;'].join('\n');
    const file = () => path.join(ws, 'src', 'session.ts');
    const loc = (line: number, c0: number, c1: number) => ({ uri: vscode.Uri.file(file()), range: new vscode.Range(line, c0, line, c1) });
    let registered: { dispose(): void }[] = [];

    beforeEach(() => {
      const doc = vscode.fakeDocument(file(), SOURCE);
      vscode.recorded.documents.set(doc.uri.toString(), doc);
      registered = [];
    });
    afterEach(() => registered.forEach((d) => d.dispose()));

    function provide(workspace: unknown[] | Error, document?: unknown[]) {
      registered.push(
        vscode.commands.registerCommand('vscode.executeWorkspaceSymbolProvider', () => {
          if (workspace instanceof Error) throw workspace;
          return workspace;
        }),
      );
      if (document) registered.push(vscode.commands.registerCommand('vscode.executeDocumentSymbolProvider', () => document));
    }

    const docSymbols = () => [
      {
        name: 'ChatSession', kind: 4, range: new vscode.Range(1, 0, 5, 1), selectionRange: new vscode.Range(1, 13, 1, 24),
        children: [{ name: 'addChip', kind: 5, range: new vscode.Range(2, 2, 4, 3), selectionRange: new vscode.Range(2, 2, 2, 9), children: [] }],
      },
      { name: 'addChipCount', kind: 13, range: new vscode.Range(6, 13, 6, 29), selectionRange: new vscode.Range(6, 13, 6, 25), children: [] },
    ];

    it('takes the exact name over prefix and fuzzy matches, and reads the whole symbol from the document symbols', async () => {
      provide(
        [
          { name: 'addChipCount', kind: 13, containerName: '', location: loc(6, 13, 25) },
          { name: 'aDdChIp', kind: 11, containerName: '', location: loc(0, 0, 1) },
          { name: 'addChip', kind: 5, containerName: 'ChatSession', location: loc(2, 2, 9) },
        ],
        docSymbols(),
      );
      const chip = await attached('symbol', 'addChip');
      assert.deepEqual(chip, { kind: 'symbol', label: 'addChip (src/session.ts:3)', text: '  addChip(): void {\n    return;\n  }', tokens: 35 });
    });

    it('narrows by the container in Class.method, and prefers a function or class to a variable among equals', async () => {
      provide(
        [
          { name: 'addChipCount', kind: 13, containerName: '', location: loc(6, 13, 25) },
          { name: 'ChatSession', kind: 4, containerName: '', location: loc(1, 13, 24) },
          { name: 'addChip', kind: 5, containerName: 'ChatSession', location: loc(2, 2, 9) },
        ],
        docSymbols(),
      );
      assert.equal((await attached('symbol', 'ChatSession.addChip')).label, 'addChip (src/session.ts:3)');
      assert.equal((await attached('symbol', 'chatsession')).text.split('\n').length, 5, 'the class, whole');
    });

    it('uses the whole lines of the workspace location when the document has no symbol provider (or flat symbols)', async () => {
      provide([{ name: 'addChipCount', kind: 13, containerName: '', location: loc(6, 13, 25) }]);
      assert.equal((await attached('symbol', 'addChipCount')).text, 'export const addChipCount = 1;');
      registered.forEach((d) => d.dispose());
      provide([{ name: 'ChatSession', kind: 4, containerName: '', location: loc(1, 13, 24) }], [{ name: 'ChatSession', kind: 4, location: { uri: vscode.Uri.file(file()), range: new vscode.Range(1, 0, 5, 1) } }]);
      assert.equal((await attached('symbol', 'ChatSession')).text.split('\n').length, 5);
    });

    it('refuses a name no symbol has (naming the closest), no provider, and no name', async () => {
      provide([{ name: 'somethingElse', kind: 11, containerName: '', location: loc(0, 0, 1) }]);
      assert.match(await refused('symbol', 'parseMentions'), /no symbol of the workspace is named parseMentions \(the closest: somethingElse\)/);
      registered.forEach((d) => d.dispose());
      provide(new Error('no provider'));
      assert.match(await refused('symbol', 'x'), /no symbol of the workspace is named x\.$/);
      assert.match(await refused('symbol'), /needs a name after it/);
    });

    it('cuts a long symbol to the budget', async () => {
      const big = ['export class Big {', ...Array.from({ length: 100 }, (_, i) => `  field${i} = ${i};`), '}'].join('\n');
      const doc = vscode.fakeDocument(path.join(ws, 'src', 'big.ts'), big);
      vscode.recorded.documents.set(doc.uri.toString(), doc);
      provide([{ name: 'Big', kind: 4, containerName: '', location: { uri: doc.uri, range: new vscode.Range(0, 13, 0, 16) } }], [
        { name: 'Big', kind: 4, range: new vscode.Range(0, 0, 101, 1), selectionRange: new vscode.Range(0, 13, 0, 16), children: [] },
      ]);
      const chip = await attached('symbol', 'Big', { budgetTokens: 300 });
      assert.ok(chip.tokens <= 300, `${chip.tokens}`);
      assert.ok(chip.text.startsWith('export class Big {\n  field0 = 0;'));
      assert.match(chip.note ?? '', /^cut to its first \d+ of 102 lines/);
    });
  });

  it('turns an unexpected failure into a refusal instead of throwing', async () => {
    const readFile = vscode.workspace.fs.readFile;
    vscode.workspace.fs.readFile = async () => {
      throw new Error('EACCES: permission denied');
    };
    try {
      assert.match(await refused('file', 'src/a.ts'), /could not be read \(EACCES: permission denied\)\.$/);
    } finally {
      vscode.workspace.fs.readFile = readFile;
    }
  });
});
