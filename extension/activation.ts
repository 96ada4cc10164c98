/**
 * Wires Hearth's services into VS Code. Everything created here is pushed to
 * context.subscriptions so deactivation disposes it. Imported lazily by
 * extension.ts.
 */
import * as vscode from 'vscode';
import * as fs from 'fs';
import { createLog } from './log';
import { ModelManager } from './models/model-manager';
import { HearthInlineProvider } from './completion/provider';
import { RingFeeder } from './completion/ring-feeder';
import { INLINE_SELECTOR } from './completion/completion-document';
import { ChatViewProvider } from './chat/chat-view';
import { EditCommands, HearthCodeActions } from './commands/edit-commands';
import { ProposalStore, PROPOSAL_SCHEME } from './commands/proposals';
import { selectModel } from './models/model-picker';
import { StatusBar } from './ui/status-bar';
import { engineStatusLine } from './ui/engine-status-text';
import { toggleCompletions } from './commands/toggle-completions';
import { watchEngineSettings } from './models/settings-watch';
import { registerCommitMessageCommand } from './scm/commit-message-command';
import { registerTryCompletionCommand } from './commands/try-completion';
import { openWalkthroughOnFirstRun } from './ui/walkthrough';
import { registerEndpointKeyCommand } from './commands/endpoint-key';

export async function activateHearth(context: vscode.ExtensionContext): Promise<void> {
  const sub = <T extends vscode.Disposable>(d: T): T => {
    context.subscriptions.push(d);
    return d;
  };
  const log = sub(createLog());
  const models = sub(new ModelManager(context, log));
  const proposals = sub(new ProposalStore());
  const chat = sub(new ChatViewProvider(context, models, log, proposals));
  const status = sub(new StatusBar(models));
  const inline = sub(new HearthInlineProvider(models, log));
  sub(new RingFeeder(inline.ring, (d) => !inline.blocked(d)));
  // The status bar spins while a suggestion is computed, then shows how long it took.
  inline.onBusy = (busy, lastMs) => status.completionBusy(busy, lastMs);
  sub(vscode.languages.registerInlineCompletionItemProvider(INLINE_SELECTOR, inline));
  sub(vscode.window.registerWebviewViewProvider(ChatViewProvider.viewType, chat, { webviewOptions: { retainContextWhenHidden: true } }));
  sub(vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, proposals));
  sub(vscode.languages.registerCodeActionsProvider({ pattern: '**' }, new HearthCodeActions(), { providedCodeActionKinds: HearthCodeActions.kinds }));
  for (const d of new EditCommands(chat, models, proposals, log).register()) sub(d);
  sub(registerCommitMessageCommand(models, log));
  sub(registerTryCompletionCommand());

  // The settings it writes are applied by the settings watcher below.
  sub(vscode.commands.registerCommand('hearth.selectModel', () => selectModel()));
  sub(vscode.commands.registerCommand('hearth.useModelFile', async (given?: string) => {
    const file = given ?? (await vscode.window.showInputBox({ prompt: 'Path of a GGUF or .llamafile model', placeHolder: '/path/to/model.gguf', ignoreFocusOut: true }));
    if (file) await vscode.workspace.getConfiguration('hearth').update('model', file.trim(), vscode.ConfigurationTarget.Global);
  }));
  sub(vscode.commands.registerCommand('hearth.toggleCompletions', () => toggleCompletions()));
  sub(vscode.commands.registerCommand('hearth.newChat', () => chat.newChat()));
  sub(vscode.commands.registerCommand('hearth.chatHistory', () => chat.showHistory()));
  sub(vscode.commands.registerCommand('hearth.exportChat', () => chat.exportThread()));
  sub(vscode.commands.registerCommand('hearth.restartEngine', () => models.restartEngines()));
  sub(registerEndpointKeyCommand(context.secrets));
  sub(vscode.commands.registerCommand('hearth.showEngineStatus', async () => {
    const statuses = await Promise.all((['completion', 'chat'] as const).map((role) => models.status(role)));
    const lines = statuses.map((s) => engineStatusLine(s, false));
    log.info(`status: ${lines.join(' | ')}`);
    const brief = statuses.map((s) => engineStatusLine(s, true));
    const pick = await vscode.window.showInformationMessage(`Hearth engine — ${brief.join(' | ')}`, 'Select Model', 'Restart Engine', 'Show Log');
    if (pick === 'Select Model') await vscode.commands.executeCommand('hearth.selectModel');
    else if (pick === 'Restart Engine') await models.restartEngines();
    else if (pick === 'Show Log') log.show();
    return lines;
  }));
  // Trust granted: the workspace's own model settings now count.
  sub(vscode.workspace.onDidGrantWorkspaceTrust(() => void models.applySettings()));
  sub(watchEngineSettings(models));

  log.info(`activated (node ${process.version}, host pid ${process.pid})`);
  // Test harnesses poll this file to know activation finished.
  const marker = process.env.HEARTH_E2E_STATUS_FILE;
  if (marker) fs.writeFileSync(marker, JSON.stringify({ activatedAt: Date.now(), node: process.version, pid: process.pid }));
  // Load in the background: activation must not wait for a model.
  void models.loadConfigured();
  void openWalkthroughOnFirstRun(context, log);
}
