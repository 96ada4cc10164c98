/**
 * Just enough of the `vscode` module to activate Hearth in plain Node and
 * drive its completion, chat and command flows. Unknown calls fail loudly
 * (a missing fake is a test bug, not a silent pass).
 */
import * as path from 'path';
import * as fs from 'fs';

type Listener<T> = (e: T) => unknown;

export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  event = (l: Listener<T>): { dispose(): void } => {
    this.listeners.push(l);
    return { dispose: () => (this.listeners = this.listeners.filter((x) => x !== l)) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

export class Position {
  constructor(readonly line: number, readonly character: number) {}
  translate(dl = 0, dc = 0): Position {
    return new Position(this.line + dl, this.character + dc);
  }
}

export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(a: Position | number, b: Position | number, c?: number, d?: number) {
    if (typeof a === 'number') {
      this.start = new Position(a, b as number);
      this.end = new Position(c as number, d as number);
    } else {
      this.start = a;
      this.end = b as Position;
    }
  }
  get isEmpty(): boolean {
    return this.start.line === this.end.line && this.start.character === this.end.character;
  }
}

export class Selection extends Range {
  get active(): Position {
    return this.end;
  }
}

export class Uri {
  constructor(readonly scheme: string, readonly path: string, readonly query = '') {}
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  static joinPath(u: Uri, ...parts: string[]): Uri {
    return new Uri(u.scheme, path.join(u.path, ...parts));
  }
  static from(c: { scheme: string; path: string; query?: string }): Uri {
    return new Uri(c.scheme, c.path, c.query);
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}://${this.path}${this.query ? '?' + this.query : ''}`;
  }
}

export class InlineCompletionItem {
  constructor(readonly insertText: string, readonly range: Range) {}
}

export class CodeAction {
  command: unknown;
  diagnostics: unknown;
  constructor(readonly title: string, readonly kind: unknown) {}
}

export class WorkspaceEdit {
  edits: { uri: Uri; range: Range; text: string }[] = [];
  replace(uri: Uri, range: Range, text: string): void {
    this.edits.push({ uri, range, text });
  }
}

export const CodeActionKind = { QuickFix: 'quickfix', RefactorRewrite: 'refactor.rewrite' };
export enum StatusBarAlignment { Left = 1, Right = 2 }
export enum ProgressLocation { SourceControl = 1, Window = 10, Notification = 15 }
export enum InlineCompletionTriggerKind { Invoke = 0, Automatic = 1 }
export enum DiagnosticSeverity { Error = 0, Warning = 1, Information = 2, Hint = 3 }
export enum FileType { Unknown = 0, File = 1, Directory = 2, SymbolicLink = 64 }
export enum ConfigurationTarget { Global = 1, Workspace = 2, WorkspaceFolder = 3 }
export enum NotebookCellKind { Markup = 1, Code = 2 }

// ---- recorded state, read by tests ----
export const recorded = {
  settings: new Map<string, unknown>(),
  /** Workspace-level values (e.g. .vscode/settings.json of a cloned repo). */
  workspaceSettings: new Map<string, unknown>(),
  /** Workspace-folder values (a folder's .vscode/settings.json in a multi-root workspace). */
  folderSettings: new Map<string, unknown>(),
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  inlineProviders: [] as { provideInlineCompletionItems: (...a: unknown[]) => Promise<InlineCompletionItem[]> }[],
  webviewProviders: new Map<string, { resolveWebviewView(view: unknown): void }>(),
  messages: [] as { level: string; text: string }[],
  /** What workspace.findFiles returns, and which item showQuickPick picks (default: none). */
  files: [] as Uri[],
  pickQuickPick: (items: unknown[]): unknown => items[0],
  /** Answers a notification with buttons (default: dismissed at once). */
  answer: null as ((text: string, items: string[]) => Promise<string | undefined>) | null,
  /** Documents workspace.openTextDocument finds, by uri.toString(). */
  documents: new Map<string, unknown>(),
  appliedEdits: [] as { uri: Uri; range: Range; text: string }[],
  statusTexts: [] as string[],
  /** Extensions extensions.getExtension finds, by id (e.g. a fake vscode.git). */
  extensions: new Map<string, unknown>(),
};

const configChanged = new EventEmitter<{ affectsConfiguration(s: string): boolean }>();
const disposable = { dispose: (): void => {} };
const noEvent = (): typeof disposable => disposable;

export const workspace = {
  getConfiguration(section: string) {
    return {
      get<T>(key: string, def?: T): T {
        const k = `${section}.${key}`;
        if (recorded.folderSettings.has(k)) return recorded.folderSettings.get(k) as T;
        if (recorded.workspaceSettings.has(k)) return recorded.workspaceSettings.get(k) as T;
        return (recorded.settings.has(k) ? recorded.settings.get(k) : def) as T;
      },
      /** User values are recorded.settings; workspace values recorded.workspaceSettings, folder values recorded.folderSettings (the most specific wins, as in VS Code). */
      inspect<T>(key: string) {
        const k = `${section}.${key}`;
        return {
          key: k,
          globalValue: recorded.settings.get(k) as T | undefined,
          workspaceValue: recorded.workspaceSettings.get(k) as T | undefined,
          workspaceFolderValue: recorded.folderSettings.get(k) as T | undefined,
        };
      },
      /** Writes the scope `target` names (default: the user settings); undefined removes the value. */
      async update(key: string, value: unknown, target?: ConfigurationTarget): Promise<void> {
        const map = target === ConfigurationTarget.Workspace ? recorded.workspaceSettings : target === ConfigurationTarget.WorkspaceFolder ? recorded.folderSettings : recorded.settings;
        if (value === undefined) map.delete(`${section}.${key}`);
        else map.set(`${section}.${key}`, value);
        configChanged.fire({ affectsConfiguration: (s: string) => `${section}.${key}`.startsWith(s) });
      },
    };
  },
  onDidChangeConfiguration: configChanged.event,
  isTrusted: true,
  onDidGrantWorkspaceTrust: noEvent,
  onDidChangeTextDocument: noEvent,
  onDidSaveTextDocument: noEvent,
  onDidOpenTextDocument: noEvent,
  onDidCloseTextDocument: noEvent,
  /** Open notebooks: tests push { uri, getCells() } here. */
  notebookDocuments: [] as { uri: Uri; getCells(): { kind: NotebookCellKind; document: { uri: Uri; languageId: string; getText(): string } }[] }[],
  registerTextDocumentContentProvider: () => disposable,
  asRelativePath: (u: Uri | string) => path.basename(typeof u === 'string' ? u : u.path),
  findFiles: async () => [...recorded.files],
  openTextDocument: async (u: Uri) => {
    const doc = recorded.documents.get(u.toString());
    if (!doc) throw new Error(`fake openTextDocument: no document ${u.toString()}`);
    return doc;
  },
  applyEdit: async (edit: WorkspaceEdit) => {
    recorded.appliedEdits.push(...edit.edits);
    return true;
  },
  /** Reads the real file system by path. */
  fs: {
    stat: async (u: Uri) => {
      const st = fs.statSync(u.fsPath);
      return { size: st.size, type: st.isDirectory() ? FileType.Directory : FileType.File };
    },
    readFile: async (u: Uri) => new Uint8Array(fs.readFileSync(u.fsPath)),
  },
  workspaceFolders: [] as unknown[],
  /** Open documents (tests push fakeDocument()s, with isDirty for unsaved ones). */
  textDocuments: [] as unknown[],
  /** Set when a multi-root (.code-workspace) workspace is open. */
  workspaceFile: undefined as Uri | undefined,
};

function message(level: string) {
  return async (text: string, ...items: unknown[]): Promise<string | undefined> => {
    recorded.messages.push({ level, text });
    const buttons = items.filter((i): i is string => typeof i === 'string');
    return buttons.length > 0 && recorded.answer ? recorded.answer(text, buttons) : undefined;
  };
}

export const window = {
  activeTextEditor: undefined as unknown,
  onDidChangeActiveTextEditor: noEvent,
  onDidChangeTextEditorSelection: noEvent,
  createOutputChannel: () => ({ appendLine: () => {}, show: () => {}, dispose: () => {} }),
  createStatusBarItem: () => {
    const item = {
      name: '',
      command: '',
      tooltip: '',
      _text: '',
      get text(): string {
        return this._text;
      },
      set text(t: string) {
        this._text = t;
        recorded.statusTexts.push(t);
      },
      show: () => {},
      dispose: () => {},
    };
    return item;
  },
  registerWebviewViewProvider: (id: string, p: { resolveWebviewView(view: unknown): void }) => {
    recorded.webviewProviders.set(id, p);
    return disposable;
  },
  showInformationMessage: message('info'),
  showWarningMessage: message('warning'),
  showErrorMessage: message('error'),
  // Items may come as a promise (VS Code shows the picker busy until they arrive).
  showQuickPick: async (items: unknown[] | Promise<unknown[]>) => recorded.pickQuickPick(await items),
  showTextDocument: async () => undefined,
  showInputBox: async () => undefined,
  tabGroups: { all: [] as { tabs: unknown[] }[], close: async () => true },
  withProgress: <T>(_o: unknown, fn: (p: { report(): void }, t: unknown) => Promise<T>) =>
    fn({ report: () => {} }, { isCancellationRequested: false, onCancellationRequested: noEvent }),
};

export const languages = {
  registerInlineCompletionItemProvider: (_sel: unknown, p: (typeof recorded.inlineProviders)[number]) => {
    recorded.inlineProviders.push(p);
    return disposable;
  },
  registerCodeActionsProvider: () => disposable,
};

export const extensions = {
  getExtension: (id: string) => recorded.extensions.get(id),
};

export const commands = {
  registerCommand: (id: string, fn: (...a: unknown[]) => unknown) => {
    recorded.commands.set(id, fn);
    return { dispose: () => recorded.commands.delete(id) };
  },
  executeCommand: async (id: string, ...args: unknown[]) => recorded.commands.get(id)?.(...args),
};

export const env = { clipboard: { writeText: async () => {} } };

/** A TextDocument over a string. */
export function fakeDocument(file: string, text: string, languageId = 'typescript') {
  const offsetAt = (p: Position): number => {
    const lines = text.split('\n');
    return lines.slice(0, p.line).reduce((s, l) => s + l.length + 1, 0) + p.character;
  };
  const lineText = (n: number): string => text.split('\n')[n] ?? '';
  return {
    uri: Uri.file(file),
    languageId,
    version: 1,
    getText: (r?: Range) => (r ? text.slice(offsetAt(r.start), offsetAt(r.end)) : text),
    offsetAt,
    lineAt: (n: number) => ({ text: lineText(n), range: new Range(n, 0, n, lineText(n).length) }),
  };
}

/** Clears what a test left in the fake (messages, files, documents, answers, editor, trust), for the next test file in the same process. */
export function resetFake(): void {
  recorded.messages.length = 0;
  recorded.files = [];
  recorded.pickQuickPick = (items) => items[0];
  recorded.answer = null;
  recorded.documents.clear();
  recorded.appliedEdits.length = 0;
  recorded.extensions.clear();
  workspace.textDocuments = [];
  recorded.workspaceSettings.clear();
  recorded.folderSettings.clear();
  workspace.workspaceFile = undefined;
  window.activeTextEditor = undefined;
  workspace.isTrusted = true;
}
