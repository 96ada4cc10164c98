/**
 * One inline completion, start to finish, without vscode: gate, cache, build
 * the FIM request, stream from the engine through the stop rules, postprocess,
 * cache. One request in flight: a new call aborts the previous one.
 */
import type { EnginePort, FimRequest } from '../host/engine-port';
import { buildFimRequest, DEFAULT_BUDGET, type FimBudget, type TokenCounter, estimateTokens } from './fim-prompt';
import { StopRules } from './stop-rules';
import { postprocessCompletion, type Suggestion } from './postprocess';
import { CompletionCache } from './cache';
import type { ChunkRing } from './chunk-ring';
import { isAbort } from '../engine/errors';

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
  /**
   * Wait after a key before asking the engine, ms (0: none). A newer key
   * aborts the older request at its next token anyway, so waiting only saves
   * CPU, at the price of every suggestion's latency.
   */
  debounceMs: number;
  /**
   * Window (estimated tokens) of the first answer at a new site, sent along
   * for the engine to use while the full window is not cached (0: never).
   */
  shortWindowTokens: number;
  /** Evaluate a site's window before the key when the cursor lands there. */
  prefetch: boolean;
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
  debounceMs: 0,
  shortWindowTokens: 128,
  prefetch: true,
};

/** Lines per step of the short window's far end: it moves rarely, but in small steps. */
const SHORT_WINDOW_STEP_LINES = 4;
/**
 * How far past its budget the short window's prefix may grow before its far
 * end moves. Each move re-evaluates the whole short window (~160 tokens,
 * 0.8 s for the 0.5B model on 2 AVX2 cores) on the key that caused it; with
 * 4-line steps that key came every few lines of typing, and on the latency
 * trace it was most of the pauses left without ghost text.
 */
const SHORT_WINDOW_SLACK = 1.75;

/** Where the last short window's prefix began in a file: its offset and the text there (to see it still holds). */
interface ShortAnchor {
  relPath: string;
  start: number;
  head: string;
}

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
  private readonly alternativesRunning = new Map<string, Promise<boolean>>();
  private shortAnchor: ShortAnchor | null = null;
  /**
   * Busy while the engine computes a suggestion; on the way back to idle,
   * how long the finished one took (status bar).
   */
  onBusy?: (busy: boolean, lastMs?: number) => void;

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

  /**
   * The cursor landed somewhere new without typing (jump, file switch, file
   * opened): the engine starts evaluating that site's window in the
   * background, so the first key there finds it cached.
   */
  cursorMoved(doc: CompletionDocument): void {
    const s = this.settings();
    if (!s.prefetch) return;
    let engine: EnginePort;
    try {
      engine = this.engine();
    } catch {
      return; // no model yet
    }
    engine.prefetch?.(this.request(doc, s));
  }

  /**
   * A shown suggestion was accepted (`doc` as before the insert): the place
   * after it is where the next request will come from, so its suggestion is
   * computed now and cached (llama.vscode's "future suggestion"); a key typed
   * meanwhile cancels it like any request, keeping the evaluated prompt.
   */
  accepted(doc: CompletionDocument, text: string): void {
    if (!this.settings().prefetch) return;
    const after = { relPath: doc.relPath, text: doc.text.slice(0, doc.offset) + text + doc.text.slice(doc.offset), offset: doc.offset + text.length };
    this.complete(after).catch(() => undefined);
  }

  async complete(doc: CompletionDocument, signal?: AbortSignal): Promise<CompletionResult> {
    const t0 = Date.now();
    const { before, after, ctx } = split(doc);
    const cached = this.cache.get({ prefix: before, suffix: after });
    if (cached !== undefined) {
      return { suggestion: postprocessCompletion(cached, ctx), fromCache: true, ms: Date.now() - t0 };
    }
    const debounceMs = this.settings().debounceMs;
    if (debounceMs > 0) {
      await new Promise((r) => setTimeout(r, debounceMs));
      if (signal?.aborted) return { suggestion: null, fromCache: false, ms: Date.now() - t0 };
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
  async alternatives(doc: CompletionDocument, signal?: AbortSignal, upTo = Infinity): Promise<AlternativesResult> {
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
      this.alternativeCache.set(key, texts);
      if (this.alternativeCache.size > 32) this.alternativeCache.delete(this.alternativeCache.keys().next().value as string);
    }
    // Seeds from the slot number: the same context gives the same alternatives.
    // Each one is kept as soon as it exists: a later call goes on from there.
    for (let i = texts.length; i < Math.min(s.alternatives, upTo); i++) {
      const text = await this.generate(doc, signal, { temperature: s.alternativeTemperature, seed: i + 1 });
      if (text === null) break;
      texts.push(text);
    }
    for (const text of texts) {
      const alt = postprocessCompletion(text, ctx);
      if (alt && !out.some((o) => o.text === alt.text && o.replaceChars === alt.replaceChars)) out.push(alt);
    }
    return { suggestions: out, ms: Date.now() - t0 };
  }

  /**
   * The greedy suggestion and the alternatives when both are cached (cycling
   * shows them at once), else null.
   */
  readyAlternatives(doc: CompletionDocument): Suggestion[] | null {
    const { before, after, ctx } = split(doc);
    const greedy = this.cache.get({ prefix: before, suffix: after });
    const texts = this.alternativeCache.get(`${before}\u0000${after}`);
    if (greedy === undefined || !texts || texts.length < this.settings().alternatives) return null;
    const out: Suggestion[] = [];
    for (const text of [greedy, ...texts]) {
      const sug = postprocessCompletion(text, ctx);
      if (sug && !out.some((o) => o.text === sug.text && o.replaceChars === sug.replaceChars)) out.push(sug);
    }
    return out;
  }

  /**
   * Computes the alternatives for `doc` without anyone waiting (the first
   * suggestion is already shown); a key typed meanwhile cancels them.
   * Resolves true once all of them are cached.
   */
  alternativesInBackground(doc: CompletionDocument): Promise<boolean> {
    const s = this.settings();
    if (s.alternatives <= 0 || s.alternativeTemperature <= 0) return Promise.resolve(false);
    const key = `${doc.text.slice(0, doc.offset)}\u0000${doc.text.slice(doc.offset)}`;
    const running = this.alternativesRunning.get(key);
    if (running) return running;
    const job = this.alternatives(doc)
      .then(() => this.readyAlternatives(doc) !== null, () => false)
      .finally(() => this.alternativesRunning.delete(key));
    this.alternativesRunning.set(key, job);
    return job;
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
    const request = this.request(doc, s);
    if (sampling) Object.assign(request, sampling);
    const rules = new StopRules({
      ...ctx,
      maxLines: s.maxLines,
      // A guard against runaway text only: maxTokens ends generation first
      // (a token is rarely over 32 characters).
      maxChars: s.maxTokens * 32,
      deadline: t0 + s.timeBudgetMs,
      // Completing inside a line (code right of the cursor): one line only.
      singleLine: lineSuffix.trim() !== '' && !/^[)\]}'"`;,\s]*$/.test(lineSuffix),
      stopStrings: s.stopStrings,
    });
    let stoppedEarly = false;
    this.onBusy?.(true);
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
      // A newer request took over: it is the one that is busy now.
      if (this.inFlight === controller) {
        this.inFlight = null;
        this.onBusy?.(false, signal?.aborted || (controller.signal.aborted && !stoppedEarly) ? undefined : Date.now() - t0);
      }
    }
    if (signal?.aborted) return null;
    return rules.text();
  }

  /**
   * The short window's prefix, starting where the last one in this file did
   * while that start is still a line start with the same text, at or before
   * the cursor, and the prefix from it stays within SHORT_WINDOW_SLACK times
   * the window; else `fresh` (the budget's own cut), which becomes the anchor.
   * The engine then finds the cached window unchanged up to the typed text.
   */
  private stickyShortPrefix(doc: CompletionDocument, fresh: string, windowTokens: number): string {
    const a = this.shortAnchor;
    if (a && a.relPath === doc.relPath && a.start <= doc.offset && (a.start === 0 || doc.text[a.start - 1] === '\n') &&
        doc.text.startsWith(a.head, a.start)) {
      const kept = doc.text.slice(a.start, doc.offset);
      if (kept.length >= fresh.length && this.count(kept) <= windowTokens * SHORT_WINDOW_SLACK) return kept;
    }
    const start = doc.offset - fresh.length;
    this.shortAnchor = { relPath: doc.relPath, start, head: doc.text.slice(start, start + 64) };
    return fresh;
  }

  /** The FIM request for a place: the full window, the short one along, within the settings. */
  private request(doc: CompletionDocument, s: CompletionSettings): FimRequest {
    const input = {
      path: doc.relPath,
      text: doc.text,
      offset: doc.offset,
      chunks: s.otherFiles ? this.ring.forPrompt(doc.relPath) : [],
      maxTokens: s.maxTokens,
      timeBudgetMs: s.timeBudgetMs,
      stop: s.stopStrings,
    };
    const request = buildFimRequest(input, s.budget, this.count);
    if (s.spliceDrift > 0) request.spliceDrift = s.spliceDrift;
    if (s.shortWindowTokens > 0 && s.shortWindowTokens < s.budget.windowTokens) {
      const short = buildFimRequest(
        { ...input, chunks: [] },
        { ...s.budget, windowTokens: s.shortWindowTokens, localShare: 1, prefixStepLines: SHORT_WINDOW_STEP_LINES },
        this.count,
      );
      short.prefix = this.stickyShortPrefix(doc, short.prefix, s.shortWindowTokens);
      // Only worth sending where it is shorter.
      if (short.prefix.length + short.suffix.length < request.prefix.length + request.suffix.length) request.shortWindow = { prefix: short.prefix, suffix: short.suffix };
    }
    return request;
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
