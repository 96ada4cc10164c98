/**
 * The sidebar chat (WebviewView): strict CSP with a nonce, local bundle only,
 * messages checked against the shared protocol, history per workspace.
 */
import * as vscode from 'vscode';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { ChatSession, type ChatEvents } from './chat-session';
import { displayTitle, threadToMarkdown } from './chat-threads';
import { isFromWebview, type ContextChip, type FromWebview, type InputSuggestion, type ToWebview } from '../protocol/webview-protocol';
import { readConfig, readEndpointConfig } from '../config';
import { attachmentSizeProblem, checkAttachment } from './attachment';
import { parseSlash, slashSuggestions, type SlashCommand } from './slash-commands';
import { mentionArgumentAt, mentionCompletions, parseMentions, type Mention } from './mentions';
import { resolveMention, type MentionChip } from './mention-sources';
import type { ModelManager } from '../models/model-manager';
import type { ProposalStore } from '../commands/proposals';
import type { Log } from '../log';

interface HistoryItem extends vscode.QuickPickItem {
  id: string;
}

/** Where the file pickers and @file suggestions do not look. */
const FILE_EXCLUDE = '**/{node_modules,.git,dist,out}/**';
/** Most @ mentions one question may hold: each one reads a file, the diagnostics or git. */
export const MAX_MENTIONS = 10;
/** Suggestions shown for an @file or @symbol argument. */
const MAX_ARGUMENT_SUGGESTIONS = 20;

/** An @file / @symbol argument as the mention parser reads it back: quoted when it holds a space. */
function mentionArgument(text: string): string {
  return /\s/.test(text) ? `"${text}"` : text;
}

/** The history list's row buttons (made when first shown: ThemeIcon is a runtime class). */
function historyButtons(): Record<'rename' | 'export' | 'delete', vscode.QuickInputButton> {
  return {
    rename: { iconPath: new vscode.ThemeIcon('edit'), tooltip: 'Rename' },
    export: { iconPath: new vscode.ThemeIcon('markdown'), tooltip: 'Export as Markdown' },
    delete: { iconPath: new vscode.ThemeIcon('trash'), tooltip: 'Delete' },
  };
}

/** "14:02" today, else "Dec 5". */
function historyTime(ms: number): string {
  const d = new Date(ms);
  return d.toDateString() === new Date().toDateString()
    ? d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = 'hearth.chatView';
  private view: vscode.WebviewView | null = null;
  private ready = false;
  private queue: (() => void)[] = [];
  private draft = '';
  readonly session: ChatSession;
  private lastEditor: vscode.TextEditor | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly models: ModelManager,
    private readonly log: Log,
    private readonly proposals: ProposalStore,
  ) {
    this.session = new ChatSession(context.workspaceState, () => {
      const c = readConfig();
      return { contextTokens: c.chatContextTokens, replyTokens: c.chatReplyTokens, temperature: c.chatTemperature, systemPrompt: c.chatSystemPrompt };
    });
    this.lastEditor = vscode.window.activeTextEditor;
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (e) this.lastEditor = e;
      }),
    );
  }

  dispose(): void {
    this.session.stop();
    for (const d of this.disposables) d.dispose();
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    const dist = vscode.Uri.joinPath(this.context.extensionUri, 'dist');
    view.webview.options = { enableScripts: true, localResourceRoots: [dist] };
    view.webview.html = this.html(view.webview, dist);
    view.webview.onDidReceiveMessage((m: unknown) => {
      if (!isFromWebview(m)) {
        this.log.error(`chat view: ignored a malformed message`);
        return;
      }
      void this.onMessage(m).catch((err) => this.log.error('chat view', err));
    });
    view.onDidDispose(() => {
      this.view = null;
      this.ready = false;
    });
  }

  /** Opens the view and asks a question with context (Explain, Generate tests). */
  async ask(question: string, chips: Omit<ContextChip, 'id'>[]): Promise<void> {
    await vscode.commands.executeCommand(`${ChatViewProvider.viewType}.focus`);
    await new Promise<void>((resolve) => {
      const run = (): void => {
        for (const c of chips) this.session.addChip(c);
        void this.send(question);
        resolve();
      };
      if (this.ready) run();
      else this.queue.push(run);
    });
  }

  /** A new empty thread; the one open before stays in the history. */
  async newChat(): Promise<void> {
    await this.session.newThread();
    this.postState();
    await vscode.commands.executeCommand(`${ChatViewProvider.viewType}.focus`);
  }

  /**
   * "Chat History": the workspace's threads, newest first; picking one opens
   * it, and each row's buttons rename it, export it as Markdown or delete it
   * (after asking).
   */
  async showHistory(): Promise<void> {
    const threads = this.session.threads;
    const HISTORY_BUTTONS = historyButtons();
    const qp = vscode.window.createQuickPick<HistoryItem>();
    qp.placeholder = 'Open a chat thread';
    qp.matchOnDescription = true;
    const refresh = (): void => {
      qp.items = threads.list().map((t) => ({
        label: `${t.active ? '$(comment-discussion)' : '$(comment)'} ${t.title}`,
        description: `${t.turns / 2 | 0} question${(t.turns / 2 | 0) === 1 ? '' : 's'} · ${historyTime(t.updated)}`,
        id: t.id,
        buttons: [HISTORY_BUTTONS.rename, HISTORY_BUTTONS.export, HISTORY_BUTTONS.delete],
      }));
    };
    refresh();
    const done = new Promise<void>((resolve) => qp.onDidHide(() => resolve()));
    qp.onDidAccept(async () => {
      const pick = qp.selectedItems[0];
      qp.hide();
      if (pick && (await this.session.openThread(pick.id))) {
        this.postState();
        await vscode.commands.executeCommand(`${ChatViewProvider.viewType}.focus`);
      }
    });
    qp.onDidTriggerItemButton(async (e) => {
      const t = threads.get(e.item.id);
      if (!t) return;
      if (e.button === HISTORY_BUTTONS.export) {
        qp.hide();
        await this.exportThread(t.id);
      } else if (e.button === HISTORY_BUTTONS.rename) {
        qp.hide();
        const title = await vscode.window.showInputBox({ prompt: 'Name this chat (empty: its first question)', value: displayTitle(t) });
        if (title !== undefined) {
          await this.session.renameThread(t.id, title);
          void this.showHistory();
        }
      } else if (e.button === HISTORY_BUTTONS.delete) {
        const answer = await vscode.window.showWarningMessage(
          `Delete the chat "${displayTitle(t)}"? Its ${t.turns.length} messages cannot be brought back.`,
          { modal: true },
          'Delete',
        );
        if (answer !== 'Delete') return;
        await this.session.deleteThread(t.id);
        this.postState();
        refresh();
      }
    });
    qp.show();
    await done;
    qp.dispose();
  }

  /** Opens thread `id` (default: the open one) as an untitled Markdown document, to read or save. */
  async exportThread(id?: string): Promise<void> {
    const t = this.session.threads.get(id ?? this.session.threads.active.id);
    if (!t || t.turns.length === 0) {
      void vscode.window.showInformationMessage('This chat is empty: there is nothing to export yet.');
      return;
    }
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: threadToMarkdown(t) });
    await vscode.window.showTextDocument(doc, { preview: false });
  }

  private post(msg: ToWebview): void {
    void this.view?.webview.postMessage(msg);
  }

  private postState(): void {
    const modelPath = readConfig().chatModel || readConfig().model;
    // Where the questions go: the model file, or the server when hearth.provider is endpoint.
    const ep = readEndpointConfig();
    const where = ep.provider === 'endpoint' ? `${ep.model || 'server model'} @ ${ep.url || 'no server set'}` : modelPath ? path.basename(modelPath) : null;
    this.post({
      type: 'state',
      turns: this.session.turns,
      chips: this.session.chips,
      usage: this.session.usage(this.draft),
      busy: this.session.busy,
      model: where,
    });
  }

  private async onMessage(m: FromWebview): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.postState();
        for (const run of this.queue.splice(0)) run();
        return;
      case 'send':
        return this.send(m.text, m.editOf);
      case 'retry':
        return this.retry();
      case 'suggest':
        this.post({ type: 'suggestions', for: m.text, items: await this.suggestions(m.text) });
        return;
      case 'stop':
        this.session.stop();
        return;
      case 'newChat':
        return this.newChat();
      case 'draft':
        this.draft = m.text;
        this.post({ type: 'usage', usage: this.session.usage(m.text) });
        return;
      case 'copy':
        await vscode.env.clipboard.writeText(m.code);
        return;
      case 'insert':
      case 'apply':
        return this.proposeAtCursor(m.code, m.type === 'apply');
      case 'applyToFile':
        return this.proposeForFile(m.code);
      case 'addCurrentFile': {
        const doc = this.lastEditor?.document;
        if (doc) this.session.addChip({ kind: 'file', label: vscode.workspace.asRelativePath(doc.uri), text: doc.getText() });
        break;
      }
      case 'addSelection': {
        const ed = this.lastEditor;
        if (ed && !ed.selection.isEmpty) {
          this.session.addChip({ kind: 'selection', label: `${vscode.workspace.asRelativePath(ed.document.uri)}:${ed.selection.start.line + 1}-${ed.selection.end.line + 1}`, text: ed.document.getText(ed.selection) });
        }
        break;
      }
      case 'pickFile': {
        const files = await vscode.workspace.findFiles('**/*', FILE_EXCLUDE, 2000);
        const pick = await vscode.window.showQuickPick(
          files.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })),
          { placeHolder: '@file: attach a file to the question' },
        );
        if (pick) {
          // Stat first: a huge file is refused without reading it.
          const tooBig = attachmentSizeProblem((await vscode.workspace.fs.stat(pick.uri)).size);
          const checked = tooBig ? { ok: false as const, reason: tooBig } : checkAttachment(await vscode.workspace.fs.readFile(pick.uri));
          if (checked.ok) this.session.addChip({ kind: 'file', label: pick.label, text: checked.text });
          else void vscode.window.showWarningMessage(`Hearth did not attach ${pick.label}: ${checked.reason}.`);
        }
        break;
      }
      case 'removeChip':
        this.session.removeChip(m.id);
        break;
    }
    this.post({ type: 'chips', chips: this.session.chips });
    this.post({ type: 'usage', usage: this.session.usage(this.draft) });
  }

  /** The chat engine, or null after telling the webview why the question was not taken (it stays in the box). */
  private async chatEngine(question: string): Promise<Awaited<ReturnType<ModelManager['engineFor']>>> {
    const got = await this.models.engineFor('chat', { interactive: true });
    if (!got) {
      // Said in the thread every time (a notification is shown once per failure).
      const st = await this.models.status('chat');
      this.post({ type: 'sendResult', text: question, accepted: false, reason: st.detail || 'the chat model is not loaded.' });
    }
    return got;
  }

  private events(): ChatEvents {
    return {
      turnStart: (turn) => this.post({ type: 'turnStart', turn }),
      delta: (id, t) => this.post({ type: 'delta', id, text: t }),
      turnEnd: (id, note) => this.post({ type: 'turnEnd', id, note }),
    };
  }

  /** Runs one exchange with the busy flag around it, then refreshes chips and usage. */
  private async exchange(run: () => Promise<unknown>): Promise<void> {
    this.post({ type: 'busy', busy: true });
    this.draft = '';
    try {
      await run();
    } finally {
      this.post({ type: 'busy', busy: false });
      this.post({ type: 'chips', chips: this.session.chips });
      this.post({ type: 'usage', usage: this.session.usage('') });
    }
  }

  private async send(text: string, editOf?: string): Promise<void> {
    const question = text.trim();
    if (!question) return;
    const slash = parseSlash(question);
    if (slash.kind === 'error') {
      this.post({ type: 'sendResult', text: question, accepted: false, reason: slash.message });
      return;
    }
    if (slash.kind === 'command') return this.runSlash(question, slash.slash, slash.argument);
    // @ mentions become context first: one that cannot be attached keeps the question in the box, with why.
    const mentioned = await this.resolveMentions(question);
    if (!mentioned.ok) {
      this.post({ type: 'sendResult', text: question, accepted: false, reason: mentioned.reason });
      return;
    }
    const usage = this.session.usage(question);
    const used = usage.used + mentioned.chips.reduce((n, c) => n + c.tokens, 0);
    if (used > usage.limit) {
      void vscode.window.showWarningMessage(`This question needs about ${used} tokens, more than the ${usage.limit} the chat allows; older turns will be left out.`);
    }
    const got = await this.chatEngine(question);
    if (!got) return;
    if (editOf !== undefined && !this.session.turns.some((t) => t.id === editOf && t.role === 'user')) {
      this.post({ type: 'sendResult', text: question, accepted: false, reason: 'the question you were editing is no longer in this chat.' });
      return;
    }
    for (const c of mentioned.chips) this.session.addChip({ kind: c.kind, label: c.label, text: c.text, tokens: c.tokens, note: c.note });
    this.post({ type: 'sendResult', text: question, accepted: true });
    await this.exchange(() => (editOf !== undefined ? this.session.resend(got.engine, editOf, question, this.events()) : this.session.ask(got.engine, question, this.events())));
  }

  /**
   * The chips a question's @ mentions attach, each cut to what is left of the
   * context window after the question, the chips already waiting and the
   * reply; or the first reason one cannot be attached.
   */
  private async resolveMentions(question: string): Promise<{ ok: true; chips: MentionChip[] } | { ok: false; reason: string }> {
    const { mentions } = parseMentions(question);
    if (mentions.length === 0) return { ok: true, chips: [] };
    if (mentions.length > MAX_MENTIONS) return { ok: false, reason: `a question may mention at most ${MAX_MENTIONS} things (this one has ${mentions.length}).` };
    const usage = this.session.usage(question);
    let budget = usage.limit - usage.used;
    const chips: MentionChip[] = [];
    for (const m of mentions as Mention[]) {
      const r = await resolveMention(m, { editor: this.lastEditor, budgetTokens: budget, count: this.session.count });
      if (!r.ok) return { ok: false, reason: r.reason };
      chips.push(r.chip);
      budget -= r.chip.tokens;
    }
    return { ok: true, chips };
  }

  /** What the input offers at the cursor: slash commands, mention names, then files or symbols for a mention's argument. */
  private async suggestions(before: string): Promise<InputSuggestion[]> {
    const names = [...slashSuggestions(before), ...mentionCompletions(before)];
    if (names.length) return names;
    const arg = mentionArgumentAt(before);
    if (!arg) return [];
    const typed = arg.typed.toLowerCase();
    if (arg.kind === 'file') {
      const paths = (await vscode.workspace.findFiles('**/*', FILE_EXCLUDE, 2000)).map((u) => vscode.workspace.asRelativePath(u));
      // Names that start with what is typed first, then paths that hold it; shorter paths first.
      const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1).toLowerCase();
      return paths
        .filter((p) => p.toLowerCase().includes(typed))
        .sort((a, b) => Number(!base(a).startsWith(typed)) - Number(!base(b).startsWith(typed)) || a.length - b.length || a.localeCompare(b))
        .slice(0, MAX_ARGUMENT_SUGGESTIONS)
        .map((p) => ({ label: p, detail: 'file', insert: `${mentionArgument(p)} `, from: arg.from }));
    }
    if (!typed) return [];
    let symbols: vscode.SymbolInformation[] | undefined;
    try {
      symbols = await vscode.commands.executeCommand<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', arg.typed);
    } catch {
      symbols = undefined;  // no symbol provider
    }
    return (symbols ?? []).slice(0, MAX_ARGUMENT_SUGGESTIONS).map((sym) => ({
      label: sym.name,
      detail: `${vscode.workspace.asRelativePath(sym.location.uri)}:${sym.location.range.start.line + 1}`,
      insert: `${mentionArgument(sym.name)} `,
      from: arg.from,
    }));
  }

  /** Retry: the last question again, its answer replaced. */
  private async retry(): Promise<void> {
    if (!this.session.retryable) return;
    const got = await this.chatEngine('');
    if (!got) return;
    await this.exchange(() => this.session.retry(got.engine, this.events()));
  }

  /**
   * A slash command runs the editor command of the same name on the last
   * editor's code: /explain and /tests answer in this chat, /fix, /doc and
   * /edit end in a diff to accept or reject.
   */
  private async runSlash(typed: string, slash: SlashCommand, argument: string): Promise<void> {
    const ed = this.lastEditor;
    if (!ed || ed.document.isClosed) {
      this.post({ type: 'sendResult', text: typed, accepted: false, reason: `/${slash.name} works on code in an editor: open a file and select the code (or put the cursor in a function).` });
      return;
    }
    this.post({ type: 'sendResult', text: typed, accepted: true });
    // The commands read the active editor: bring the last one back, selection kept, if the chat took its place.
    if (vscode.window.activeTextEditor?.document !== ed.document) {
      await vscode.window.showTextDocument(ed.document, { viewColumn: ed.viewColumn, selection: ed.selection, preserveFocus: false });
    }
    const args = slash.name === 'fix' ? this.fixArguments(ed, argument) : argument ? [argument] : [];
    await vscode.commands.executeCommand(slash.command, ...args);
  }

  /** /fix: the nearest error or warning on the selected lines (else the cursor's), with what the user added. */
  private fixArguments(ed: vscode.TextEditor, argument: string): unknown[] {
    const lines = { from: ed.selection.start.line, to: ed.selection.end.line };
    const near = vscode.languages
      .getDiagnostics(ed.document.uri)
      .filter((d) => d.severity <= vscode.DiagnosticSeverity.Warning && d.range.end.line >= lines.from && d.range.start.line <= lines.to)
      .sort((a, b) => a.severity - b.severity || Math.abs(a.range.start.line - ed.selection.active.line) - Math.abs(b.range.start.line - ed.selection.active.line))[0];
    if (!near) return [undefined, undefined, argument || 'any bug in this code'];
    return [ed.document.uri, near.range, argument ? `${near.message} (${argument})` : near.message];
  }

  /**
   * Insert (at the cursor) or Apply (in place of the selection; at the cursor
   * when nothing is selected): proposed as a diff to accept or reject, the
   * same path the rewrite commands take.
   */
  private async proposeAtCursor(code: string, replaceSelection: boolean): Promise<void> {
    const ed = this.lastEditor;
    if (!ed || ed.document.isClosed) {
      void vscode.window.showWarningMessage('Open a file first: there is no editor to put the code in.');
      return;
    }
    const replace = replaceSelection && !ed.selection.isEmpty;
    const range = replace ? new vscode.Range(ed.selection.start, ed.selection.end) : new vscode.Range(ed.selection.active, ed.selection.active);
    await this.proposals.propose(ed.document, { uri: ed.document.uri, version: ed.document.version, range }, code, replace ? 'Apply from chat' : 'Insert from chat');
  }

  /** Apply to a file: the chosen file's whole text becomes the block, shown as a diff first. */
  private async proposeForFile(code: string): Promise<void> {
    const current = this.lastEditor && !this.lastEditor.document.isClosed ? this.lastEditor.document.uri : undefined;
    const files = await vscode.workspace.findFiles('**/*', FILE_EXCLUDE, 2000);
    const items = [
      ...(current ? [{ label: vscode.workspace.asRelativePath(current), description: 'current file', uri: current }] : []),
      ...files.filter((u) => u.toString() !== current?.toString()).map((u) => ({ label: vscode.workspace.asRelativePath(u), description: '', uri: u })),
    ];
    const pick = await vscode.window.showQuickPick(items, { placeHolder: 'Apply the code block to which file? (its whole text is replaced; you see the diff first)' });
    if (!pick) return;
    const doc = await vscode.workspace.openTextDocument(pick.uri);
    const range = new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
    await this.proposals.propose(doc, { uri: doc.uri, version: doc.version, range }, code.endsWith('\n') ? code : `${code}\n`, 'Apply from chat');
  }

  private html(webview: vscode.Webview, dist: vscode.Uri): string {
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css'));
    // No remote anything; images only from the extension (none are used), no inline script.
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `img-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${style}">
<title>Hearth Chat</title></head>
<body><div id="app"></div>
<script nonce="${nonce}" src="${script}"></script>
</body></html>`;
  }
}
