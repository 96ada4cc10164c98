/**
 * The inline completion provider: gates, adaptive debounce, one request in
 * flight (each keystroke cancels the last: CancellationToken -> AbortSignal),
 * and the repo-level chunk ring (fed by ring-feeder.ts).
 */
import * as vscode from 'vscode';
import { CompletionEngine, type CompletionSettings } from './completion-engine';
import { ChunkRing } from './chunk-ring';
import { COMPLETION_SCHEMES, completionDocumentFor } from './completion-document';
import { completionBudget, effectiveOtherFilesShare } from './other-files-share';
import { AdaptiveDebounce } from './debounce';
import { completionBlockedReason } from './gates';
import { readConfig } from '../config';
import type { ModelManager } from '../models/model-manager';
import type { EnginePort, ModelInfo } from '../host/engine-port';
import { isAbort } from '../host/host-errors';
import type { Log } from '../log';

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
  private readonly debounce = new AdaptiveDebounce();
  private readonly completions: CompletionEngine;
  private current: { engine: EnginePort; info: ModelInfo } | null = null;
  private readonly disposables: vscode.Disposable[] = [];

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
      vscode.workspace.onDidChangeTextDocument((e) => this.onChange(e)),
    );
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
    const doc = completionDocumentFor(document, position);
    // Typing through a shown suggestion: answer from the cache before any debounce.
    const cached = this.completions.cache.get({ prefix: doc.text.slice(0, doc.offset), suffix: doc.text.slice(doc.offset) });
    if (cached === undefined && context.triggerKind === vscode.InlineCompletionTriggerKind.Automatic) {
      await new Promise((r) => setTimeout(r, this.debounce.delayMs()));
      if (token.isCancellationRequested) return [];
    }
    this.current = await this.models.engineFor('completion');
    if (!this.current || token.isCancellationRequested) return [];
    const item = (s: { text: string; replaceChars: number }): vscode.InlineCompletionItem =>
      new vscode.InlineCompletionItem(s.text, new vscode.Range(position, position.translate(0, s.replaceChars)));
    try {
      if (context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke) {
        // Explicit request (Alt+] / Alt+[ cycling, or Alt+\): the greedy
        // suggestion, already cached when one is shown, then sampled alternatives.
        const all = await this.completions.alternatives(doc, abortSignalFor(token));
        this.log.info(`completion alternatives: ${all.suggestions.length} in ${all.ms} ms`);
        return token.isCancellationRequested ? [] : all.suggestions.map(item);
      }
      const result = await this.completions.complete(doc, abortSignalFor(token));
      if (!result.fromCache) this.debounce.observeLatency(result.ms);
      const s = result.suggestion;
      if (!s || token.isCancellationRequested) return [];
      if (!result.fromCache) this.log.info(`completion: ${result.ms} ms, ${s.text.length} chars`);
      return [item(s)];
    } catch (err) {
      if (!isAbort(err)) this.log.error('completion failed', err);
      return [];
    }
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
    };
  }

  /** Public for the ring feeder: files kept from completions are kept from other prompts too. */
  blocked(document: vscode.TextDocument): boolean {
    if (!COMPLETION_SCHEMES.has(document.uri.scheme)) return true;
    const cfg = readConfig();
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

  private onChange(e: vscode.TextDocumentChangeEvent): void {
    if (e.contentChanges.length === 0) return;
    if (e.document === vscode.window.activeTextEditor?.document) this.debounce.keystroke(Date.now());
  }
}
