/**
 * The sidebar chat (WebviewView): strict CSP with a nonce, local bundle only,
 * messages checked against the shared protocol, history per workspace.
 */
import * as vscode from 'vscode';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { ChatSession } from './chat-session';
import { displayTitle, threadToMarkdown } from './chat-threads';
import { isFromWebview, type ContextChip, type FromWebview, type ToWebview } from '../protocol/webview-protocol';
import { readConfig } from '../config';
import { attachmentSizeProblem, checkAttachment } from './attachment';
import type { ModelManager } from '../models/model-manager';
import type { Log } from '../log';

interface HistoryItem extends vscode.QuickPickItem {
  id: string;
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
  ) {
    this.session = new ChatSession(context.workspaceState, () => {
      const c = readConfig();
      return { contextTokens: c.chatContextTokens, replyTokens: c.chatReplyTokens };
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
    this.post({
      type: 'state',
      turns: this.session.turns,
      chips: this.session.chips,
      usage: this.session.usage(this.draft),
      busy: this.session.busy,
      model: modelPath ? path.basename(modelPath) : null,
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
        return this.send(m.text);
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
        return this.putCode(m.code, m.type === 'apply');
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
        const files = await vscode.workspace.findFiles('**/*', '**/{node_modules,.git,dist,out}/**', 2000);
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

  private async send(text: string): Promise<void> {
    const question = text.trim();
    if (!question) return;
    const usage = this.session.usage(question);
    if (usage.used > usage.limit) {
      void vscode.window.showWarningMessage(`This question needs about ${usage.used} tokens, more than the ${usage.limit} the chat allows; older turns will be left out.`);
    }
    const got = await this.models.engineFor('chat', { interactive: true });
    if (!got) {
      // Said in the thread every time (a notification is shown once per failure), and the question stays in the box.
      const st = await this.models.status('chat');
      this.post({ type: 'sendResult', text: question, accepted: false, reason: st.detail || 'the chat model is not loaded.' });
      return;
    }
    this.post({ type: 'sendResult', text: question, accepted: true });
    this.post({ type: 'busy', busy: true });
    this.draft = '';
    await this.session.ask(got.engine, question, {
      turnStart: (turn) => this.post({ type: 'turnStart', turn }),
      delta: (id, t) => this.post({ type: 'delta', id, text: t }),
      turnEnd: (id, note) => this.post({ type: 'turnEnd', id, note }),
    });
    this.post({ type: 'busy', busy: false });
    this.post({ type: 'chips', chips: this.session.chips });
    this.post({ type: 'usage', usage: this.session.usage('') });
  }

  private async putCode(code: string, replaceSelection: boolean): Promise<void> {
    const ed = this.lastEditor;
    if (!ed) {
      void vscode.window.showWarningMessage('Open a file first: there is no editor to put the code in.');
      return;
    }
    await ed.edit((b) => {
      if (replaceSelection && !ed.selection.isEmpty) b.replace(ed.selection, code);
      else b.insert(ed.selection.active, code);
    });
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
