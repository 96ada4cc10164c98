/**
 * Explain, refactor with an instruction, add docstring, generate tests, fix a
 * diagnostic. Explain and tests stream into the chat; the rewrites stream in a
 * progress notification and end in a diff to accept or reject.
 */
import * as vscode from 'vscode';
import type { ChatViewProvider } from '../chat/chat-view';
import type { ModelManager } from '../models/model-manager';
import type { ProposalStore } from './proposals';
import { CODE_SYMBOL_KINDS, REWRITE_SYSTEM_PROMPT, enclosingSymbol, extractCode, rewriteReplyTokens, type SymbolSpan } from './edit-commands-pure';
import { isAbort } from '../engine/errors';
import { readConfig } from '../config';
import type { Log } from '../log';


/**
 * The code a command works on: the selection; with none, the function,
 * method or class around the cursor (the language's document symbols); with
 * no such symbol, the cursor's line.
 */
async function targetRange(editor: vscode.TextEditor): Promise<vscode.Range> {
  if (!editor.selection.isEmpty) return new vscode.Range(editor.selection.start, editor.selection.end);
  const pos = editor.selection.active;
  return (await symbolRange(editor.document, pos)) ?? editor.document.lineAt(pos.line).range;
}

/** Whole lines of the innermost function, method or class holding pos, or undefined. */
async function symbolRange(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Range | undefined> {
  let symbols: vscode.DocumentSymbol[] | undefined;
  try {
    symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri);
  } catch {
    symbols = undefined;  // no symbol provider for this language
  }
  // Some providers answer with flat SymbolInformation (no range, no children): no nesting to use.
  const spans = (symbols ?? []).filter((s): s is vscode.DocumentSymbol => !!s && 'range' in s && Array.isArray(s.children));
  const found = enclosingSymbol(spans as SymbolSpan[], pos.line, pos.character, CODE_SYMBOL_KINDS);
  if (!found) return undefined;
  // Whole lines: a docstring goes above the symbol's first line.
  const r = found.range;
  return new vscode.Range(r.start.line, 0, r.end.line, doc.lineAt(r.end.line).text.length);
}

export class EditCommands {
  constructor(
    private readonly chat: ChatViewProvider,
    private readonly models: ModelManager,
    private readonly proposals: ProposalStore,
    private readonly log: Log,
  ) {}

  register(): vscode.Disposable[] {
    return [
      // A question passed in (chat's "/explain why is this slow") replaces the default; menus pass a Uri, not a string.
      vscode.commands.registerCommand('hearth.explainSelection', (question?: unknown) =>
        this.askAboutSelection(typeof question === 'string' && question.trim() ? question.trim() : 'Explain this code.'),
      ),
      vscode.commands.registerCommand('hearth.generateTests', () => this.askAboutSelection('Write unit tests for this code.')),
      // The editor's context menu passes the document's Uri: only a string is an instruction.
      vscode.commands.registerCommand('hearth.editSelection', async (instruction?: unknown) => {
        const given = typeof instruction === 'string' && instruction.trim() ? instruction.trim() : undefined;
        const text = given ?? (await vscode.window.showInputBox({ prompt: 'How should Hearth change the selected code?', placeHolder: 'e.g. use a for...of loop' }));
        if (text) await this.rewrite(text, 'Edit');
      }),
      vscode.commands.registerCommand('hearth.addDocstring', () =>
        this.rewrite('Add a documentation comment in the language\'s usual style above this code. Keep the code itself unchanged.', 'Add docstring'),
      ),
      vscode.commands.registerCommand('hearth.fixDiagnostic', async (uri?: vscode.Uri, range?: vscode.Range, message?: string) => {
        const editor = vscode.window.activeTextEditor;
        if (!editor) return;
        let where = '';
        if (uri && range && editor.document.uri.toString() === uri.toString()) {
          // The function around the problem, so the model sees its context; else the problem's lines.
          const around = await symbolRange(editor.document, range.start);
          const lines = around ?? new vscode.Range(range.start.line, 0, range.end.line, editor.document.lineAt(range.end.line).text.length);
          editor.selection = new vscode.Selection(lines.start, lines.end);
          const first = range.start.line - lines.start.line + 1;
          where = around ? ` (line ${first} of this code)` : '';
        }
        await this.rewrite(`Fix this problem${where}: ${message ?? 'the problem on this line'}`, 'Fix');
      }),
      // The editor title buttons pass the diff's URI, which names the proposal.
      vscode.commands.registerCommand('hearth.acceptEdit', (which?: unknown) => this.proposals.accept(which)),
      vscode.commands.registerCommand('hearth.rejectEdit', (which?: unknown) => this.proposals.reject(which)),
    ];
  }

  private async askAboutSelection(question: string): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage('Open a file and select some code first.');
      return;
    }
    const range = await targetRange(editor);
    const label = `${vscode.workspace.asRelativePath(editor.document.uri)}:${range.start.line + 1}-${range.end.line + 1}`;
    await this.chat.ask(question, [{ kind: 'selection', label, text: editor.document.getText(range) }]);
  }

  private async rewrite(instruction: string, title: string): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage('Open a file and select some code first.');
      return;
    }
    const doc = editor.document;
    const range = await targetRange(editor);
    // Version and range together, before generation: the proposal applies only to this state of the file.
    const target = { uri: doc.uri, version: doc.version, range };
    const code = doc.getText(range);
    const got = await this.models.engineFor('chat', { interactive: true });
    if (!got) return;
    const messages = [
      { role: 'system' as const, content: REWRITE_SYSTEM_PROMPT },
      { role: 'user' as const, content: `Instruction: ${instruction}\n\n\`\`\`${doc.languageId}\n${code}\n\`\`\`` },
    ];
    let reply = '';
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Hearth: ${title}`, cancellable: true },
        async (progress, token) => {
          const ac = new AbortController();
          token.onCancellationRequested(() => ac.abort());
          let lines = 0;
          const config = readConfig();
          const maxTokens = rewriteReplyTokens(code.length, config.chatReplyTokens, config.chatContextTokens);
          for await (const piece of got.engine.chat(messages, { maxTokens }, ac.signal)) {
            reply += piece;
            const n = reply.split('\n').length;
            if (n !== lines) {
              lines = n;
              progress.report({ message: `${n} lines…` });
            }
          }
        },
      );
    } catch (err) {
      if (isAbort(err)) return;
      this.log.error('rewrite failed', err);
      void vscode.window.showErrorMessage(`Hearth could not finish the edit: ${(err as Error).message}`);
      return;
    }
    const { code: newCode, complete } = extractCode(reply);
    if (newCode.trim() === '' || newCode === code) {
      void vscode.window.showInformationMessage('Hearth had no change to propose.');
      return;
    }
    if (!complete) {
      // Shown as a diff all the same: nothing changes until it is accepted, and the start may be what was wanted.
      void vscode.window.showWarningMessage(`Hearth's reply ended before its code block closed (reply limit or context): the proposed ${title.toLowerCase()} may be missing its end. Review the diff before accepting.`);
    }
    await this.proposals.propose(doc, target, newCode, title);
  }
}

/** "Fix with Hearth" on errors and warnings; Explain / Edit on a selection. */
export class HearthCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite];

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range, ctx: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const d of ctx.diagnostics) {
      if (d.severity !== vscode.DiagnosticSeverity.Error && d.severity !== vscode.DiagnosticSeverity.Warning) continue;
      const a = new vscode.CodeAction(`Fix with Hearth: ${d.message.slice(0, 60)}`, vscode.CodeActionKind.QuickFix);
      a.command = { command: 'hearth.fixDiagnostic', title: 'Fix with Hearth', arguments: [doc.uri, d.range, d.message] };
      a.diagnostics = [d];
      actions.push(a);
    }
    if (!range.isEmpty) {
      const edit = new vscode.CodeAction('Edit with Hearth…', vscode.CodeActionKind.RefactorRewrite);
      edit.command = { command: 'hearth.editSelection', title: 'Edit with Hearth' };
      const explain = new vscode.CodeAction('Explain with Hearth', vscode.CodeActionKind.RefactorRewrite);
      explain.command = { command: 'hearth.explainSelection', title: 'Explain with Hearth' };
      actions.push(edit, explain);
    }
    return actions;
  }
}
