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
  /** Sampled alternatives computed when the user asks for more (cycling). */
  alternatives: number;
  alternativeTemperature: number;
  /** Snippets of other recent files as repo-level context. */
  otherFiles: boolean;
  /** Splice drift for the cached suffix (FimRequest.spliceDrift); 0: exact. */
  spliceDrift: number;
}

export const DEFAULT_COMPLETION_SETTINGS: CompletionSettings = {
  budget: DEFAULT_BUDGET,
  maxTokens: 128,
  maxLines: 8,
  timeBudgetMs: 1500,
  stopStrings: [],
  alternatives: 1,
  alternativeTemperature: 0.8,
  otherFiles: true,
  spliceDrift: 256,
};

export interface CompletionResult {
  suggestion: Suggestion | null;
  fromCache: boolean;
  ms: number;
}

export interface AlternativesResult {
  /** Distinct suggestions, greedy first. */
  suggestions: Suggestion[];
  ms: number;
}

export class CompletionEngine {
  readonly cache = new CompletionCache();
  /** Alternatives per context (exact key): cycling back and forth never recomputes them. */
  private readonly alternativeCache = new Map<string, string[]>();
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
    const { before, after, ctx } = split(doc);
    const cached = this.cache.get({ prefix: before, suffix: after });
    if (cached !== undefined) {
      return { suggestion: postprocessCompletion(cached, ctx), fromCache: true, ms: Date.now() - t0 };
    }
    const text = await this.generate(doc, signal, null);
    if (text === null) return { suggestion: null, fromCache: false, ms: Date.now() - t0 };
    const suggestion = postprocessCompletion(text, ctx);
    if (suggestion) this.cache.put({ prefix: before, suffix: after }, text);
    return { suggestion, fromCache: false, ms: Date.now() - t0 };
  }

  /**
   * The greedy suggestion plus up to `settings.alternatives` sampled ones
   * (distinct after postprocessing), computed one after another once the
   * greedy one exists: asked for when the user cycles, so the first
   * suggestion never waits for them.
   */
  async alternatives(doc: CompletionDocument, signal?: AbortSignal): Promise<AlternativesResult> {
    const t0 = Date.now();
    const first = await this.complete(doc, signal);
    const out: Suggestion[] = first.suggestion ? [first.suggestion] : [];
    const s = this.settings();
    if (s.alternatives <= 0 || s.alternativeTemperature <= 0 || signal?.aborted) return { suggestions: out, ms: Date.now() - t0 };
    const { before, after, ctx } = split(doc);
    const key = `${before}\u0000${after}`;
    let texts = this.alternativeCache.get(key);
    if (!texts) {
      texts = [];
      // Seeds from the slot number: the same context gives the same alternatives.
      for (let i = 0; i < s.alternatives; i++) {
        const text = await this.generate(doc, signal, { temperature: s.alternativeTemperature, seed: i + 1 });
        if (text === null) return { suggestions: out, ms: Date.now() - t0 };
        texts.push(text);
      }
      this.alternativeCache.set(key, texts);
      if (this.alternativeCache.size > 32) this.alternativeCache.delete(this.alternativeCache.keys().next().value as string);
    }
    for (const text of texts) {
      const alt = postprocessCompletion(text, ctx);
      if (alt && !out.some((o) => o.text === alt.text && o.replaceChars === alt.replaceChars)) out.push(alt);
    }
    return { suggestions: out, ms: Date.now() - t0 };
  }

  /** One engine request through the stop rules; null when the caller aborted. */
  private async generate(doc: CompletionDocument, signal: AbortSignal | undefined, sampling: { temperature: number; seed: number } | null): Promise<string | null> {
    const t0 = Date.now();
    const { ctx, lineSuffix } = split(doc);
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
        chunks: s.otherFiles ? this.ring.forPrompt(doc.relPath) : [],
        maxTokens: s.maxTokens,
        timeBudgetMs: s.timeBudgetMs,
        stop: s.stopStrings,
      },
      s.budget,
      this.count,
    );
    if (sampling) Object.assign(request, sampling);
    if (s.spliceDrift > 0) request.spliceDrift = s.spliceDrift;
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
    if (signal?.aborted) return null;
    return rules.text();
  }
}

function split(doc: CompletionDocument): { before: string; after: string; lineSuffix: string; ctx: { linePrefix: string; lineSuffix: string; nextLines: string[] } } {
  const before = doc.text.slice(0, doc.offset);
  const after = doc.text.slice(doc.offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEndRel = after.indexOf('\n');
  const linePrefix = before.slice(lineStart);
  const lineSuffix = lineEndRel < 0 ? after : after.slice(0, lineEndRel);
  const nextLines = lineEndRel < 0 ? [] : after.slice(lineEndRel + 1).split('\n').slice(0, 8);
  return { before, after, lineSuffix, ctx: { linePrefix, lineSuffix, nextLines } };
}
