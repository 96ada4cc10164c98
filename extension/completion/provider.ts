/**
 * The inline completion provider: gates, one request in flight (each
 * keystroke cancels the last: CancellationToken -> AbortSignal; any debounce
 * is the completion engine's), work before the key where the cursor lands
 * (cursorMoved) or after an accepted suggestion, the manual trigger mode, and
 * the repo-level chunk ring (fed by ring-feeder.ts).
 */
import * as vscode from 'vscode';
import { CompletionEngine, DEFAULT_COMPLETION_SETTINGS, type CompletionDocument, type CompletionSettings } from './completion-engine';
import { ChunkRing } from './chunk-ring';
import { COMPLETION_SCHEMES, completionDocumentFor } from './completion-document';
import { completionBudget, effectiveOtherFilesShare } from './other-files-share';
import { completionBlockedReason } from './gates';
import { readConfig } from '../config';
import type { ModelManager } from '../models/model-manager';
import type { EnginePort, ModelInfo } from '../host/engine-port';
import { isAbort } from '../engine/errors';
import { FIM_MODEL_EXAMPLES } from '../engine/fim';
import type { Log } from '../log';

/** Run by VS Code after a suggestion is accepted (the item's command): not in the palette. */
const ACCEPTED_COMMAND = 'hearth.internal.completionAccepted';

/** hearth.completion.trigger: 'auto' asks as you type, 'manual' only on Alt+\. */
function triggerMode(): 'auto' | 'manual' {
  return vscode.workspace.getConfiguration('hearth').get<string>('completion.trigger', 'auto') === 'manual' ? 'manual' : 'auto';
}

function relPath(doc: vscode.TextDocument): string {
  return vscode.workspace.asRelativePath(doc.uri, false);
}

function abortSignalFor(token: vscode.CancellationToken): AbortSignal {
  const ac = new AbortController();
  if (token.isCancellationRequested) ac.abort();
  else token.onCancellationRequested(() => ac.abort());
  return ac.signal;
}

export class HearthInlineProvider implements vscode.InlineCompletionItemProvider, vscode.Disposable {
  /** Fed by ring-feeder.ts (wired in activation). */
  readonly ring = new ChunkRing();
  private readonly completions: CompletionEngine;
  private current: { engine: EnginePort; info: ModelInfo } | null = null;
  private readonly disposables: vscode.Disposable[] = [];
  /** Per document: version and line at the last cursor event (a move without an edit keeps the version). */
  private lastCursor = new Map<string, { version: number; line: number }>();
  /** Model files already reported as having no FIM tokens. */
  private readonly noFimReported = new Set<string>();

  constructor(private readonly models: ModelManager, private readonly log: Log) {
    this.completions = new CompletionEngine(
      () => {
        if (!this.current) throw new Error('no engine');
        return this.current.engine;
      },
      this.ring,
      () => this.settings(),
    );
    this.disposables.push(
      vscode.window.onDidChangeTextEditorSelection((e) => this.onSelection(e.textEditor, false)),
      vscode.window.onDidChangeActiveTextEditor((e) => e && this.onSelection(e, true)),
      vscode.commands.registerCommand(ACCEPTED_COMMAND, (doc: CompletionDocument, text: string) => this.completions.accepted(doc, text)),
    );
  }

  /** Busy while a suggestion is computed; when it ends, how long it took (status bar). */
  set onBusy(fn: ((busy: boolean, lastMs?: number) => void) | undefined) {
    this.completions.onBusy = fn;
  }

  dispose(): void {
    this.completions.cancel();
    for (const d of this.disposables) d.dispose();
  }

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[]> {
    if (this.blocked(document)) return [];
    const invoked = context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke;
    // Manual mode: only an explicit request (Alt+\, VS Code's inline-suggest trigger) asks.
    if (!invoked && triggerMode() === 'manual') return [];
    const doc = completionDocumentFor(document, position);
    this.current = await this.models.engineFor('completion');
    if (!this.current || token.isCancellationRequested) return [];
    // A server's /infill applies its model's FIM template itself: only a local model is checked here.
    if (!this.current.info.fim && !this.current.info.endpoint) {
      // Without FIM the model would see only the text before the cursor and
      // write past what follows it: no ghost text, and one message saying why.
      this.reportNoFim(this.current.info);
      return [];
    }
    const item = (s: { text: string; replaceChars: number }): vscode.InlineCompletionItem => {
      const it = new vscode.InlineCompletionItem(s.text, new vscode.Range(position, position.translate(0, s.replaceChars)));
      it.command = { title: 'accepted', command: ACCEPTED_COMMAND, arguments: [doc, s.text] };
      return it;
    };
    try {
      if (invoked) {
        // Explicit request (Alt+\\, or Alt+] / Alt+[ cycling). Shown at once:
        // the greedy suggestion (Alt+\\), or with one alternative when the
        // greedy one is already shown (cycling); the other alternatives are
        // computed behind it and handed to VS Code by asking again.
        const ready = this.completions.readyAlternatives(doc);
        if (ready) return ready.map(item);
        const shown = this.completions.cache.get({ prefix: doc.text.slice(0, doc.offset), suffix: doc.text.slice(doc.offset) }) !== undefined;
        const first = await this.completions.alternatives(doc, abortSignalFor(token), shown ? 1 : 0);
        if (first.suggestions.length === 0 || token.isCancellationRequested) return [];
        if (this.completions.readyAlternatives(doc)) return first.suggestions.map(item);
        const version = document.version;
        void this.completions.alternativesInBackground(doc).then((all) => {
          const editor = vscode.window.activeTextEditor;
          if (all && editor?.document === document && document.version === version && editor.selection.active.isEqual(position)) {
            void vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
          }
        });
        return first.suggestions.map(item);
      }
      const result = await this.completions.complete(doc, abortSignalFor(token));
      const s = result.suggestion;
      if (!s || token.isCancellationRequested) return [];
      if (!result.fromCache) this.log.info(`completion: ${result.ms} ms, ${s.text.length} chars`);
      return [item(s)];
    } catch (err) {
      if (!isAbort(err)) this.log.error('completion failed', err);
      return [];
    }
  }

  /** Once per model file: why it gives no completions, and the way to pick one that does. */
  private reportNoFim(info: ModelInfo): void {
    if (this.noFimReported.has(info.path)) return;
    this.noFimReported.add(info.path);
    this.log.info(`completion: ${info.name} has no FIM tokens; no completions`);
    void vscode.window
      .showWarningMessage(`Hearth: ${info.name} has no fill-in-the-middle tokens, so it gives no inline completions (it still chats). Pick a code model with FIM for completions: ${FIM_MODEL_EXAMPLES}.`, 'Select Model')
      .then((pick) => pick && vscode.commands.executeCommand('hearth.selectModel'));
  }

  private settings(): CompletionSettings {
    const cfg = readConfig();
    return {
      budget: completionBudget(cfg.completionContextTokens, effectiveOtherFilesShare(cfg.completionOtherFiles, cfg.completionOtherFilesShare)),
      maxTokens: cfg.completionMaxTokens,
      maxLines: cfg.completionMaxLines,
      timeBudgetMs: cfg.completionTimeBudgetMs,
      // The engine ends on the family's stop tokens (engine/fim.ts).
      stopStrings: [],
      alternatives: cfg.completionAlternatives,
      alternativeTemperature: cfg.completionAlternativeTemperature,
      otherFiles: cfg.completionOtherFiles,
      spliceDrift: cfg.completionSpliceDrift,
      debounceMs: Math.max(0, vscode.workspace.getConfiguration('hearth').get<number>('completion.debounceMs', DEFAULT_COMPLETION_SETTINGS.debounceMs)),
      shortWindowTokens: DEFAULT_COMPLETION_SETTINGS.shortWindowTokens,
      prefetch: DEFAULT_COMPLETION_SETTINGS.prefetch,
    };
  }

  /**
   * The cursor landed somewhere new without an edit (another line, another
   * editor): start evaluating that place's window before the first key.
   */
  private onSelection(editor: vscode.TextEditor, switched: boolean): void {
    const document = editor.document;
    const key = document.uri.toString();
    const line = editor.selection.active.line;
    const last = this.lastCursor.get(key);
    this.lastCursor.set(key, { version: document.version, line });
    if (!switched && (!last || last.version !== document.version || last.line === line)) return;
    if (!this.current || !editor.selection.isEmpty || this.blocked(document)) return;
    if (triggerMode() === 'manual') return;
    this.completions.cursorMoved(completionDocumentFor(document, editor.selection.active));
  }

  /** Public for the ring feeder: files kept from completions are kept from other prompts too. */
  blocked(document: vscode.TextDocument): boolean {
    if (!COMPLETION_SCHEMES.has(document.uri.scheme)) return true;
    // The document's own scope: hearth.completion.enabled may be set per workspace folder.
    const cfg = readConfig(document.uri);
    const reason = completionBlockedReason({
      relPath: relPath(document),
      sizeBytes: Buffer.byteLength(document.getText()),
      maxFileBytes: cfg.completionMaxFileBytes,
      excludes: vscode.workspace.getConfiguration('files', document.uri).get<Record<string, unknown>>('exclude', {}),
      languageId: document.languageId,
      enabled: cfg.completionEnabled,
      languages: cfg.completionLanguages,
    });
    return reason !== null;
  }
}
