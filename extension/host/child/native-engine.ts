/**
 * EnginePort over the real runtime (extension/engine/engine.ts). Runs in the
 * engine process. A small pool of completion sessions (as many as the KV
 * budget allows, at most 4) and one chat session, each with its own KV cache,
 * so a prompt prefix is reused across requests.
 * Prompts are built as token ids: control tokens by id, user text tokenized
 * with special parsing off. FIM prompts come from engine/fim.ts, the builder
 * `hearth complete` uses, so the same prefix/suffix gives the same tokens.
 */
import { loadModel, type Model, type Session } from '../../engine/engine';
import type { ChatMessage, ComputeInfo, EnginePort, EngineStatus, FimRequest, ChatOptions, LoadOptions, ModelInfo, StreamEnd, TextOptions, TextStream, TextStreamEnd, TokenizeOptions } from '../engine-port';
import { buildFimPrompt, detectFim } from '../../engine/fim';
import { chatTokens } from './chat-prompt';
import { openRegularFile, peekGguf } from '../gguf-peek';
import { EngineError, isAbort } from '../../engine/errors';
import { SessionPool, commonPrefix, kvBytesPerToken, poolSize, reusableTokens, type PoolEntry } from './session-pool';
import { PrefetchScheduler } from './prefetch-scheduler';
import type { GenerateOptions, GenerationTimings } from '../../engine/engine';
import * as path from 'path';
import * as fs from 'fs';

export const NATIVE_ENGINE_NAME = 'native';

/**
 * Figures of one completion-session run (a request for ghost text or a
 * background prefetch), reported once when it ends. cpuMs: the process's CPU
 * time (user+system) from its start to its end; one run at a time in the
 * engine makes that this run's CPU.
 */
export interface CompletionStats {
  kind: 'request' | 'prefetch';
  promptTokens: number;
  evaluatedTokens: number;
  splicedTokens: number;
  generatedTokens: number;
  outcome: 'done' | 'aborted' | 'error';
  promptMs: number;
  genMs: number;
  cpuMs: number;
}

/** KV memory the completion caches may take together (each holds one window). */
const COMPLETION_KV_BUDGET_BYTES = 128 * 1024 * 1024;
/**
 * Positions a completion cache is counted at against that budget. A cache
 * is allocated for the whole context but its pages are committed only as
 * positions are written (calloc, position-major: native/src/model/kv-cache.h),
 * and a completion window is about 1.5k tokens plus what it generates.
 * Counting the whole 4k context left the 1.5B model one cache, which the
 * short window, the full one and every prefetch fought over.
 */
const COMPLETION_RESIDENT_TOKENS = 2048;
const MAX_COMPLETION_SESSIONS = 4;
/**
 * Prompt tokens per forward pass in completion sessions: a request stops a
 * running prefetch (or an older request's prompt) only between batches, so a
 * batch is the wait a key may meet; half the default 64 halves that wait
 * while a batch still shares each weight read among 32 tokens.
 */
const COMPLETION_BATCH_TOKENS = 32;
/**
 * A prefetch stopped by a request resumes only this long after the last
 * request: longer than the gap between keys while typing (about 100-220 ms),
 * so that a key does not wait for a batch of a prefetch that resumed in the gap.
 */
const PREFETCH_RESUME_DELAY_MS = 250;
/** A new site's first answer should start within about this much prompt time. */
const SHORT_WINDOW_MS = 600;
/** Until the prompt speed is measured. */
const DEFAULT_SHORT_WINDOW_TOKENS = 128;
/** Prompt runs shorter than this say little about the speed. */
const MIN_SPEED_SAMPLE = 32;

function computeInfo(model: Model): ComputeInfo {
  const mi = model.info;
  return { backend: mi.backend, device: mi.device, gpuLayers: mi.gpuLayers, nLayer: mi.nLayer, reasons: mi.reasons, threads: mi.threads };
}

export class NativeEngine implements EnginePort {
  private model: Model | null = null;
  private info: ModelInfo | null = null;
  private pool: SessionPool<Session> | null = null;
  private readonly scheduler = new PrefetchScheduler(PREFETCH_RESUME_DELAY_MS);
  private chatSession: Session | null = null;
  private lastTps: number | null = null;
  private promptTps = 0;
  /** Token ids of the last completion prompt (logs, tests). */
  lastCompletionPrompt: readonly number[] = [];
  /** Native generations not yet settled: a model is disposed only after they end. */
  private readonly generations = new Set<{ abort(): void; settled: Promise<void> }>();
  /** Which window the last completion request used. */
  lastCompletionWindow: 'short' | 'full' = 'full';
  /**
   * Called once per completion-session run when it ends (request or
   * prefetch). HEARTH_COMPLETION_STATS_FILE (e2e tests) appends each as a JSON line.
   */
  onCompletionStats?: (s: CompletionStats) => void = statsFileSink(process.env.HEARTH_COMPLETION_STATS_FILE);

  async load(modelPath: string, options: LoadOptions): Promise<ModelInfo> {
    // Only a regular file: a FIFO would block this process's thread in open().
    fs.closeSync(openRegularFile(modelPath).fd);
    await this.dispose();
    const model = await loadModel(modelPath, {
      threads: options.threads,
      contextLength: options.contextTokens,
      backend: options.backend,
      gpuLayers: options.gpuLayers,
    });
    const mi = model.info;
    let fim: ModelInfo['fim'] = null;
    let repoLevelFim = false;
    try {
      const spec = detectFim(model.tokenizer);
      fim = spec.family;
      repoLevelFim = spec.repo >= 0 && spec.fileSep >= 0;
    } catch {
      // E_MODEL_NO_FIM: completions continue the prefix instead
    }
    let parameters = 0;
    try {
      parameters = peekGguf(modelPath).parameters;
    } catch {
      // the runtime loaded it; the count is only for display
    }
    this.model = model;
    const ctx = Math.min(options.contextTokens ?? mi.contextLengthTrain, mi.contextLengthTrain || Number.MAX_SAFE_INTEGER);
    const sessions = poolSize(kvBytesPerToken(mi), Math.min(ctx, COMPLETION_RESIDENT_TOKENS), COMPLETION_KV_BUDGET_BYTES, MAX_COMPLETION_SESSIONS);
    this.pool = new SessionPool(() => model.createSession({ contextLength: ctx, batchSize: COMPLETION_BATCH_TOKENS }), sessions, (s) => s.dispose());
    this.promptTps = 0;
    this.chatSession = model.createSession({ contextLength: ctx });
    this.info = {
      path: modelPath,
      name: mi.name || path.basename(modelPath).replace(/\.(gguf|llamafile)$/i, ''),
      architecture: mi.architecture,
      parameters,
      contextLength: mi.contextLengthTrain,
      fim,
      repoLevelFim,
      sizeBytes: fs.statSync(modelPath).size,
      compute: computeInfo(model),
    };
    return this.info;
  }

  complete(request: FimRequest, signal: AbortSignal): TextStream {
    this.require(this.chatSession);
    return this.completion(request, signal);
  }

  /**
   * Starts evaluating the window of `request` in the background, at low
   * priority (a request preempts it at its next batch; it resumes after):
   * the short window first, then the full one. Returns at once.
   */
  prefetch(request: FimRequest): void {
    if (!this.model || !this.info || !this.pool) return;
    const key = request.path;
    // The short window only where a request would use it: not when the full one is (nearly) cached.
    if (request.shortWindow) this.scheduler.prefetch(`${key}\u0000short`, (signal) => (this.fullWindowMissing(request) > this.shortWindowTokens() ? this.prefetchJob(shortRequest(request), signal) : Promise.resolve(true)), 0);
    this.scheduler.prefetch(`${key}\u0000full`, (signal) => this.prefetchJob(request, signal), 1);
  }

  /** Resolves when no completion work runs or waits (benchmarks, tests). */
  completionIdle(): Promise<void> {
    return this.scheduler.idle();
  }

  /** Measured prompt speed of the completion sessions, tokens/s (0 until measured). */
  get promptTokensPerSec(): number {
    return this.promptTps;
  }

  private async *completion(request: FimRequest, signal: AbortSignal): AsyncGenerator<string, TextStreamEnd> {
    const release = await this.scheduler.acquire();
    try {
      if (signal.aborted) throw new EngineError('E_ABORTED', 'request cancelled');
      const { model, info } = this.require(this.chatSession);
      const pool = this.pool as SessionPool<Session>;
      const drift = request.spliceDrift ?? 0;
      let prompt = this.fimPrompt(model, info, request);
      let pick = pool.pick(prompt.tokens, drift);
      const key = request.path;
      let window: 'short' | 'full' = 'full';
      if (request.shortWindow && prompt.tokens.length - pick.reuse > this.shortWindowTokens()) {
        // A new site: answer from the nearest lines now, fill the full window behind.
        const short = this.fimPrompt(model, info, shortRequest(request));
        const shortPick = pool.pick(short.tokens, drift);
        if (short.tokens.length - shortPick.reuse < prompt.tokens.length - pick.reuse) {
          prompt = short;
          pick = shortPick;
          window = 'short';
        }
      }
      // What this request evaluates needs no prefetch any more; the full
      // window of a site answered short is still wanted (the newest text).
      this.scheduler.drop(`${key}\u0000short`);
      if (window === 'short') this.scheduler.prefetch(`${key}\u0000full`, (s) => this.prefetchJob(request, s), 1);
      else this.scheduler.drop(`${key}\u0000full`);
      pool.activate(pick.entry);
      this.lastCompletionPrompt = prompt.tokens;
      this.lastCompletionWindow = window;
      // Alternatives: top-k then temperature, without top-p/min-p, which run
      // before the temperature in the sampler chain and would cut a confident
      // model's choice back to the greedy token.
      const temperature = request.temperature ?? 0;
      const sampling = temperature > 0 ? { temperature, seed: request.seed, topK: 40, topP: 1, minP: 0 } : { temperature: 0 };
      return yield* this.stream(pick.entry.session, prompt.tokens, { maxTokens: request.maxTokens, ...sampling, stop: prompt.stops, stopTokens: prompt.stopTokens, spliceDrift: request.spliceDrift }, signal, request.timeBudgetMs * 2, { kind: 'request', entry: pick.entry });
    } finally {
      release();
    }
  }

  /** One background evaluation of a window; true when its whole prompt is cached. */
  private async prefetchJob(request: FimRequest, signal: AbortSignal): Promise<boolean> {
    if (!this.model || !this.info || !this.pool) return true;
    const prompt = this.fimPrompt(this.model, this.info, request);
    const pick = this.pool.pick(prompt.tokens, request.spliceDrift ?? 0);
    if (pick.reuse >= prompt.tokens.length) {
      this.pool.touch(pick.entry);
      return true;
    }
    for await (const _ of this.stream(pick.entry.session, prompt.tokens, { maxTokens: 0, temperature: 0, stop: [], stopTokens: [], spliceDrift: request.spliceDrift }, signal, 0, { kind: 'prefetch', entry: pick.entry })) {
      // maxTokens 0: evaluation only
    }
    return !signal.aborted;
  }

  /** Tokens of the request's full window that no completion cache holds. */
  private fullWindowMissing(request: FimRequest): number {
    if (!this.model || !this.info || !this.pool) return 0;
    const prompt = this.fimPrompt(this.model, this.info, request);
    let reuse = 0;
    for (const e of this.pool.all()) reuse = Math.max(reuse, reusableTokens(e.tokens, prompt.tokens, request.spliceDrift ?? 0));
    return prompt.tokens.length - reuse;
  }

  /** Prompt tokens the engine can evaluate in SHORT_WINDOW_MS at the measured speed. */
  private shortWindowTokens(): number {
    return this.promptTps > 0 ? Math.round((this.promptTps * SHORT_WINDOW_MS) / 1000) : DEFAULT_SHORT_WINDOW_TOKENS;
  }

  private fimPrompt(model: Model, info: ModelInfo, request: FimRequest): { tokens: number[]; stops: string[]; stopTokens: readonly number[] } {
    if (!info.fim) {
      // No FIM tokens: a plain continuation of the prefix (what `hearth generate` does).
      return { tokens: this.textTokens(model, request.prefix), stops: request.stop, stopTokens: [] };
    }
    // Other files make it a repo-level prompt; without them it is exactly
    // what `hearth complete` builds for the same prefix and suffix.
    const fim = buildFimPrompt(model.tokenizer, { ...request, repoName: request.chunks.length > 0 ? 'workspace' : undefined });
    return { tokens: Array.from(fim.tokens), stops: [...new Set([...request.stop, ...fim.stopStrings])], stopTokens: fim.stopIds };
  }

  chat(messages: ChatMessage[], options: ChatOptions, signal: AbortSignal): TextStream {
    const { model, session } = this.require(this.chatSession);
    return this.chatStream(model, session, messages, options, signal);
  }

  /** The prompt renders off-thread (bounded), then generation streams. */
  private async *chatStream(model: Model, session: Session, messages: ChatMessage[], options: ChatOptions, signal: AbortSignal): AsyncGenerator<string, TextStreamEnd> {
    const mi = model.info;
    const chat = await chatTokens({
      tokenize: (text, o) => model.tokenize(text, o),
      tokenText: (id) => model.tokenText(id),
      bos: mi.bos, eos: mi.eos, addBos: mi.addBos, chatTemplate: mi.chatTemplate,
    }, messages, signal);
    // A load may have replaced the model while the template rendered.
    if (this.chatSession !== session) throw new EngineError('E_ABORTED', 'the model was replaced while the request waited');
    return yield* this.stream(session, chat.tokens, { maxTokens: options.maxTokens, temperature: options.temperature, stop: chat.stops, stopTokens: [] }, signal, 0);
  }

  /** The prompt as it is (BOS first where the model wants it and addBos is not false), on the chat session. */
  generate(prompt: string, options: TextOptions, signal: AbortSignal): TextStream {
    const { model, session } = this.require(this.chatSession);
    const tokens: number[] = [];
    if (options.addBos !== false && model.info.addBos && model.info.bos !== null) tokens.push(model.info.bos);
    if (prompt !== '') tokens.push(...model.tokenize(prompt, { parseSpecial: options.parseSpecial ?? false }));
    if (tokens.length === 0) throw new EngineError('E_INVALID_ARGUMENT', 'the prompt is empty and this model adds no BOS token');
    return this.stream(session, tokens, { maxTokens: options.maxTokens, temperature: options.temperature, seed: options.seed, stop: options.stop ?? [], stopTokens: [] }, signal, 0);
  }

  async countTokens(text: string): Promise<number> {
    if (!this.model) return Math.ceil(text.length / 4);
    return this.model.tokenize(text).length;
  }

  async tokenize(text: string, options: TokenizeOptions): Promise<number[]> {
    const { model } = this.require(this.chatSession);
    return model.tokenize(text, { addBos: options.addBos ?? false, parseSpecial: options.parseSpecial ?? false });
  }

  async detokenize(tokens: number[]): Promise<string> {
    const { model } = this.require(this.chatSession);
    const nVocab = model.info.nVocab;
    const bad = tokens.find((t) => !Number.isInteger(t) || t < 0 || t >= nVocab);
    if (bad !== undefined) throw new EngineError('E_INVALID_ARGUMENT', `token ${bad} is not in this model's vocabulary (0..${nVocab - 1})`);
    return model.detokenize(tokens);
  }

  async status(): Promise<EngineStatus> {
    if (this.model && this.info) this.info.compute = computeInfo(this.model);
    return { state: this.model ? 'ready' : 'idle', engine: NATIVE_ENGINE_NAME, model: this.info, tokensPerSecond: this.lastTps, pid: process.pid, restarts: 0, lastError: null };
  }

  /** Aborts every running generation and waits until each has ended. */
  private async stopGenerations(): Promise<void> {
    const running = [...this.generations];
    for (const g of running) g.abort();
    await Promise.all(running.map((g) => g.settled));
  }

  async dispose(): Promise<void> {
    // Background work first, so nothing new starts; then a chat or completion
    // that may still stream from this model (a load replacing it, or shutdown).
    this.scheduler.clear();
    await this.stopGenerations();
    this.pool?.clear();
    this.pool = null;
    this.model?.dispose();
    this.model = null;
    this.info = null;
    this.chatSession = null;
  }

  private require(session: Session | null): { model: Model; info: ModelInfo; session: Session } {
    if (!this.model || !this.info || !session) throw new EngineError('E_NO_MODEL', 'no model is loaded');
    return { model: this.model, info: this.info, session };
  }

  /** BOS (when the model wants it), then the text with special parsing off. */
  private textTokens(model: Model, text: string): number[] {
    const out: number[] = [];
    if (model.info.addBos && model.info.bos !== null) out.push(model.info.bos);
    if (text !== '') out.push(...model.tokenize(text, { parseSpecial: false }));
    return out;
  }

  private async *stream(
    session: Session,
    prompt: number[],
    opts: StreamOptions,
    signal: AbortSignal,
    hardLimitMs: number,
    track?: { kind: CompletionStats['kind']; entry: PoolEntry<Session> },
  ): AsyncGenerator<string, StreamEnd> {
    const cpu0 = process.cpuUsage();
    let outcome: CompletionStats['outcome'] = 'error';
    let timings: GenerationTimings | null = null;
    const gen = session.generate(prompt, {
      maxTokens: opts.maxTokens, temperature: opts.temperature ?? 0, seed: opts.seed, topK: opts.topK, topP: opts.topP, minP: opts.minP, stop: opts.stop, stopTokens: opts.stopTokens, stopOnEog: true, spliceDrift: opts.spliceDrift, signal,
    });
    const tracked = { abort: () => gen.abort(), settled: gen.result.then(() => undefined, () => undefined) };
    this.generations.add(tracked);
    void tracked.settled.then(() => this.generations.delete(tracked));
    // A completion past twice its time budget is no longer useful.
    let overTime = false;
    const timer = hardLimitMs > 0 ? setTimeout(() => {
      overTime = true;
      gen.abort();
    }, hardLimitMs) : null;
    try {
      for await (const piece of gen) {
        if (signal.aborted) throw new EngineError('E_ABORTED', 'request cancelled');
        if (piece.text) yield piece.text;
      }
      const r = await gen.result;
      timings = r.timings;
      if (r.timings.generatedTokens > 0) this.lastTps = r.timings.genTokensPerSec || null;
      outcome = r.reason === 'abort' ? 'aborted' : 'done';
      if (r.reason === 'abort' && signal.aborted) throw new EngineError('E_ABORTED', 'request cancelled');
      const reason = r.reason === 'abort' && overTime ? 'time-budget' : r.reason;
      return { reason, promptTokens: prompt.length, evaluatedTokens: r.timings.promptTokensEvaluated, generatedTokens: r.timings.generatedTokens };
    } catch (err) {
      outcome = isAbort(err) || signal.aborted ? 'aborted' : 'error';
      throw err;
    } finally {
      if (timer) clearTimeout(timer);
      if (track) {
        // The native run has ended once its result settles: only then may the cache be read.
        const r = await gen.result.catch(() => null);
        if (r && !timings) timings = r.timings;
        this.recordCompletion(session, prompt, track, outcome, timings, cpu0);
      }
    }
  }

  /** After a completion-session run: what its cache holds now, the prompt speed, the stats hook. */
  private recordCompletion(session: Session, prompt: readonly number[], track: { kind: CompletionStats['kind']; entry: PoolEntry<Session> }, outcome: CompletionStats['outcome'], timings: GenerationTimings | null, cpu0: NodeJS.CpuUsage): void {
    const before = track.entry.tokens;
    let after: readonly number[] = before;
    try {
      after = session.cachedTokens;
    } catch {
      // the model was unloaded meanwhile
    }
    track.entry.tokens = after;
    this.pool?.touch(track.entry);
    // A run aborted during its prompt reports no prompt figures; the cache says how far it got.
    const measured = timings !== null && timings.promptTokens > 0;
    const evaluated = measured ? timings!.promptTokensEvaluated : Math.max(0, commonPrefix(after, prompt) - commonPrefix(before, prompt));
    if (measured && timings!.promptTokensEvaluated >= MIN_SPEED_SAMPLE && timings!.promptMs > 0) {
      const tps = (timings!.promptTokensEvaluated * 1000) / timings!.promptMs;
      this.promptTps = this.promptTps > 0 ? this.promptTps + 0.3 * (tps - this.promptTps) : tps;
    }
    const cpu = process.cpuUsage(cpu0);
    this.onCompletionStats?.({
      kind: track.kind,
      promptTokens: prompt.length,
      evaluatedTokens: evaluated,
      splicedTokens: measured ? timings!.promptTokensSpliced : 0,
      generatedTokens: timings?.generatedTokens ?? 0,
      outcome,
      promptMs: timings?.promptMs ?? 0,
      genMs: timings?.genMs ?? 0,
      cpuMs: (cpu.user + cpu.system) / 1000,
    });
  }
}

function statsFileSink(file: string | undefined): ((s: CompletionStats) => void) | undefined {
  if (!file) return undefined;
  return (s) => {
    try {
      fs.appendFileSync(file, JSON.stringify(s) + '\n');
    } catch {
      // figures for tests only: never a reason to fail a completion
    }
  };
}

/** What a completion or chat asks of a session's generation: engine.ts's options, with the length and stops settled. */
type StreamOptions = Pick<GenerateOptions, 'temperature' | 'seed' | 'topK' | 'topP' | 'minP' | 'spliceDrift'> &
  Required<Pick<GenerateOptions, 'maxTokens' | 'stop' | 'stopTokens'>>;

/** The request cut to its short window (no other files: they would cost what the short window saves). */
function shortRequest(request: FimRequest): FimRequest {
  const w = request.shortWindow;
  if (!w) return request;
  return { ...request, prefix: w.prefix, suffix: w.suffix, chunks: [], shortWindow: undefined };
}
