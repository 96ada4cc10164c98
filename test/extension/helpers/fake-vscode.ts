/**
 * Just enough of the `vscode` module to activate Hearth in plain Node and
 * drive its completion, chat and command flows. Unknown calls fail loudly
 * (a missing fake is a test bug, not a silent pass).
 */
import * as path from 'path';

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
export enum DiagnosticSeverity { Error = 0, Warning = 1 }
export enum ConfigurationTarget { Global = 1, Workspace = 2 }

// ---- recorded state, read by tests ----
export const recorded = {
  settings: new Map<string, unknown>(),
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  inlineProviders: [] as { provideInlineCompletionItems: (...a: unknown[]) => Promise<InlineCompletionItem[]> }[],
  webviewProviders: new Map<string, { resolveWebviewView(view: unknown): void }>(),
  messages: [] as { level: string; text: string }[],
  statusTexts: [] as string[],
};

const configChanged = new EventEmitter<{ affectsConfiguration(s: string): boolean }>();
const disposable = { dispose: (): void => {} };
const noEvent = (): typeof disposable => disposable;

export const workspace = {
  getConfiguration(section: string) {
    return {
      get<T>(key: string, def?: T): T {
        const k = `${section}.${key}`;
        return (recorded.settings.has(k) ? recorded.settings.get(k) : def) as T;
      },
      async update(key: string, value: unknown): Promise<void> {
        recorded.settings.set(`${section}.${key}`, value);
        configChanged.fire({ affectsConfiguration: (s: string) => `${section}.${key}`.startsWith(s) });
      },
    };
  },
  onDidChangeConfiguration: configChanged.event,
  onDidChangeTextDocument: noEvent,
  onDidSaveTextDocument: noEvent,
  onDidOpenTextDocument: noEvent,
  registerTextDocumentContentProvider: () => disposable,
  asRelativePath: (u: Uri | string) => path.basename(typeof u === 'string' ? u : u.path),
  workspaceFolders: [] as unknown[],
};

function message(level: string) {
  return async (text: string): Promise<undefined> => {
    recorded.messages.push({ level, text });
    return undefined;
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
  return { uri: Uri.file(file), languageId, version: 1, getText: () => text, offsetAt, lineAt: (n: number) => ({ text: text.split('\n')[n] }) };
}
