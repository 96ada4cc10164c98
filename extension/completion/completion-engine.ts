/**
 * One inline completion, start to finish, without vscode: gate, cache, build
 * the FIM request, stream from the engine through the stop rules, postprocess,
 * cache. One request in flight: a new call aborts the previous one.
 */
import type { EnginePort } from '../host/engine-port';
import { buildFimRequest, DEFAULT_BUDGET, type FimBudget, type TokenCounter, estimateTokens } from './fim-prompt';
import { StopRules } from './stop-rules';
import { postprocessCompletion, type Suggestion } from './postprocess';
import { CompletionCache } from './cache';
import type { ChunkRing } from './chunk-ring';
import { isAbort } from '../host/host-errors';

export interface CompletionDocument {
  relPath: string;
  text: string;
  offset: number;
}

export interface CompletionSettings {
  budget: FimBudget;
  maxTokens: number;
  maxLines: number;
  timeBudgetMs: number;
  stopStrings: string[];
}

export const DEFAULT_COMPLETION_SETTINGS: CompletionSettings = {
  budget: DEFAULT_BUDGET,
  maxTokens: 128,
  maxLines: 8,
  timeBudgetMs: 1500,
  stopStrings: [],
};

export interface CompletionResult {
  suggestion: Suggestion | null;
  fromCache: boolean;
  ms: number;
}

export class CompletionEngine {
  readonly cache = new CompletionCache();
  private inFlight: AbortController | null = null;

  constructor(
    private readonly engine: () => EnginePort,
    private readonly ring: ChunkRing,
    private readonly settings: () => CompletionSettings,
    private readonly count: TokenCounter = estimateTokens,
  ) {}

  /** Aborts the request in flight, if any. */
  cancel(): void {
    this.inFlight?.abort();
    this.inFlight = null;
  }

  async complete(doc: CompletionDocument, signal?: AbortSignal): Promise<CompletionResult> {
    const t0 = Date.now();
    const before = doc.text.slice(0, doc.offset);
    const after = doc.text.slice(doc.offset);
    const lineStart = before.lastIndexOf('\n') + 1;
    const lineEndRel = after.indexOf('\n');
    const linePrefix = before.slice(lineStart);
    const lineSuffix = lineEndRel < 0 ? after : after.slice(0, lineEndRel);
    const nextLines = lineEndRel < 0 ? [] : after.slice(lineEndRel + 1).split('\n').slice(0, 8);
    const ctx = { linePrefix, lineSuffix, nextLines };

    const cached = this.cache.get({ prefix: before, suffix: after });
    if (cached !== undefined) {
      return { suggestion: postprocessCompletion(cached, ctx), fromCache: true, ms: Date.now() - t0 };
    }

    this.cancel();
    const controller = new AbortController();
    this.inFlight = controller;
    const onOuterAbort = (): void => controller.abort();
    signal?.addEventListener('abort', onOuterAbort, { once: true });
    const s = this.settings();
    const request = buildFimRequest(
      {
        path: doc.relPath,
        text: doc.text,
        offset: doc.offset,
        chunks: this.ring.forPrompt(doc.relPath),
        maxTokens: s.maxTokens,
        timeBudgetMs: s.timeBudgetMs,
        stop: s.stopStrings,
      },
      s.budget,
      this.count,
    );
    const rules = new StopRules({
      ...ctx,
      maxLines: s.maxLines,
      maxChars: s.maxTokens * 8,
      deadline: t0 + s.timeBudgetMs,
      // Completing inside a line (code right of the cursor): one line only.
      singleLine: lineSuffix.trim() !== '' && !/^[)\]}'"`;,\s]*$/.test(lineSuffix),
      stopStrings: s.stopStrings,
    });
    let stoppedEarly = false;
    try {
      for await (const piece of this.engine().complete(request, controller.signal)) {
        if (rules.push(piece)) {
          stoppedEarly = true;
          controller.abort();
          break;
        }
      }
    } catch (err) {
      if (!(isAbort(err) && stoppedEarly)) throw err;
    } finally {
      signal?.removeEventListener('abort', onOuterAbort);
      if (this.inFlight === controller) this.inFlight = null;
    }
    if (signal?.aborted) return { suggestion: null, fromCache: false, ms: Date.now() - t0 };
    const text = rules.text();
    const suggestion = postprocessCompletion(text, ctx);
    if (suggestion) this.cache.put({ prefix: before, suffix: after }, text);
    return { suggestion, fromCache: false, ms: Date.now() - t0 };
  }
}
