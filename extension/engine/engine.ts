/**
 * The typed engine facade: `loadModel(path, opts)` -> `Model`,
 * `model.createSession()` -> `Session` with tokenize / detokenize /
 * evaluate / generate. Generation runs on a native thread and streams here
 * through a thread-safe function; the event loop only sees one small
 * callback per token.
 *
 * Context policy of a session (native/src/engine/session.h):
 * - a request sharing a prefix with the cached tokens evaluates only the
 *   new suffix;
 * - a prompt longer than the context keeps its first `keepTokens` tokens and
 *   its last `contextLength - keepTokens` tokens;
 * - when generation fills the context, the first `keepTokens` stay, the
 *   oldest half of the rest is dropped and the remaining keys are re-roped in
 *   place (no re-evaluation). keepTokens defaults to 1 when the model adds
 *   BOS, else 0.
 */
import { loadBinding } from './binding';
import { EngineError, asEngineError } from './errors';
import { INT_OPTION_RANGES, checkInt, parseInt10 } from './int-option';
import type { SpecialIds, TokenizerLike } from './tokenizer';
import type {
  NativeGenerateOptions,
  NativeGenerationEvent,
  NativeModel,
  BackendName,
  GpuLayers,
  NativeBackendDevices,
  NativeModelInfo,
  NativeSession,
  NativeStopReason,
  NativeTimings,
} from './native-model';

export type { BackendName, GpuLayers, NativeBackendDevices as BackendDevices, NativeModelInfo };
export type GenerationTimings = NativeTimings;
/**
 * Why a generation ended, the one list from the native run to the UI: an
 * end-of-generation token, a stop string, the token limit, the caller's
 * abort (native), or the engine host's time budget for a completion (the
 * native run reports that one as 'abort').
 */
export type StopReason = NativeStopReason | 'time-budget';

export interface LoadModelOptions {
  /** Compute threads; default: physical cores. */
  threads?: number;
  /**
   * Default context length of sessions created without one. A LongRoPE model
   * (Phi-3.5-mini, Phi-3-*-128k, Phi-4-mini) picks its RoPE factors for this
   * context at load, as llama.cpp does for its context: the long set past
   * the model's original context, else the short one; every session uses it.
   */
  contextLength?: number;
  /** false: read the file into memory instead of mapping it. */
  useMmap?: boolean;
  /** Called with 0..1 while the model loads. */
  onProgress?: (fraction: number) => void;
  /** Compute backend: 'auto' (default) tries CUDA, then Vulkan, then the CPU. */
  backend?: BackendName;
  /**
   * Layers offloaded to the device, counted from the last (llama.cpp's -ngl):
   * 'auto' (default) fits as many as free memory allows, 'all', or a number.
   * With backend 'cpu' a number puts those layers in a CPU stage (testing).
   */
  gpuLayers?: GpuLayers;
}

/** Every backend with its devices or the reason it has none, in auto-detect order. */
export function listDevices(): NativeBackendDevices[] {
  const binding = loadBinding();
  return call(() => binding.listDevices());
}

/** Parses a CLI/setting value: "auto" | "all" | a non-negative integer. */
export function parseGpuLayers(value: string | number): GpuLayers {
  if (typeof value === 'number') return checkInt('gpuLayers', value, INT_OPTION_RANGES['gpu-layers']);
  if (value === 'auto' || value === 'all') return value;
  if (/^[0-9]+$/.test(value)) return parseInt10('gpuLayers', value, INT_OPTION_RANGES['gpu-layers']);
  throw new EngineError('E_INVALID_ARGUMENT', `gpuLayers must be 'auto', 'all' or a non-negative integer, got '${value}'`);
}

/** Parses a backend name; throws E_INVALID_ARGUMENT naming the bad value. */
export function parseBackend(value: string): BackendName {
  if (value === 'auto' || value === 'cpu' || value === 'cuda' || value === 'vulkan') return value;
  throw new EngineError('E_INVALID_ARGUMENT', `backend must be 'auto', 'cpu', 'cuda' or 'vulkan', got '${value}'`);
}

export interface SessionOptions {
  /** Tokens the KV cache holds; default: the model's default (see LoadModelOptions). */
  contextLength?: number;
  /** Prompt tokens per forward pass (default 64). */
  batchSize?: number;
  /** Tokens kept at the start when the context shifts. */
  keepTokens?: number;
}

/**
 * What one generation asks: the binding's options (native-model.ts
 * NativeGenerateOptions, the one place the sampling and stop fields are
 * described), plus what is settled on this side of the binding.
 */
export interface GenerateOptions extends Omit<NativeGenerateOptions, 'stopTokens'> {
  /** More token ids that end generation (not part of the output), e.g. FIM markers. */
  stopTokens?: readonly number[];
  /** Add BOS when the prompt is text and the model wants it (default true). */
  addBos?: boolean;
  /** Parse special-token text like "<|fim_prefix|>" in a text prompt (default false). */
  parseSpecial?: boolean;
  /** Stops generation within one token's time. */
  signal?: AbortSignal;
}

/** One streamed piece: a token and the text it completed (may be ''). */
export interface GeneratedPiece {
  /** The token id, or undefined for trailing text released at the end. */
  token?: number;
  text: string;
}

export interface GenerationResult {
  promptTokens: number[];
  tokens: number[];
  text: string;
  reason: StopReason;
  timings: GenerationTimings;
}

/** The async iterator `session.generate` returns; `result` settles when it ends. */
export interface Generation extends AsyncIterableIterator<GeneratedPiece> {
  readonly result: Promise<GenerationResult>;
  abort(): void;
}

export async function loadModel(path: string, options: LoadModelOptions = {}): Promise<Model> {
  if (typeof path !== 'string' || path === '') throw new EngineError('E_INVALID_ARGUMENT', 'path must be a non-empty string');
  if (options.threads !== undefined) checkInt('threads', options.threads, INT_OPTION_RANGES.threads);
  if (options.contextLength !== undefined) checkInt('contextLength', options.contextLength, INT_OPTION_RANGES.ctx);
  const binding = loadBinding();
  try {
    const native = await binding.loadModel(
      path,
      {
        threads: options.threads ?? 0,
        useMmap: options.useMmap ?? true,
        contextLength: options.contextLength ?? 0,
        backend: options.backend ?? 'auto',
        gpuLayers: options.gpuLayers ?? 'auto',
      },
      options.onProgress,
    );
    return new Model(native, options.contextLength ?? 0);
  } catch (err) {
    throw asEngineError(err);
  }
}

export class Model {
  private lastInfo: NativeModelInfo;
  private readonly sessions = new Set<Session>();
  private disposed = false;

  /** @internal use loadModel() */
  constructor(private readonly native: NativeModel, private readonly defaultContext: number) {
    this.lastInfo = native.info();
  }

  /** Read fresh each time while loaded: a GPU error at run time moves the model to the CPU (backend, gpuLayers, reasons change). */
  get info(): NativeModelInfo {
    if (!this.disposed) this.lastInfo = this.native.info();
    return this.lastInfo;
  }

  createSession(options: SessionOptions = {}): Session {
    this.check();
    const native = call(() =>
      this.native.createSession({
        contextLength: options.contextLength ?? (this.defaultContext || undefined),
        batchSize: options.batchSize,
        keepTokens: options.keepTokens,
      }),
    );
    const session = new Session(this, native, () => this.sessions.delete(session));
    this.sessions.add(session);
    return session;
  }

  tokenize(text: string, opts: { addBos?: boolean; parseSpecial?: boolean } = {}): number[] {
    this.check();
    return Array.from(call(() => this.native.tokenize(text, opts.addBos ?? false, opts.parseSpecial ?? false)));
  }

  detokenize(tokens: readonly number[], opts: { special?: boolean } = {}): string {
    this.check();
    return call(() => this.native.detokenize(Array.from(tokens), opts.special ?? false));
  }

  isEog(token: number): boolean {
    this.check();
    return this.native.isEog(token);
  }

  /** The token's text as stored in the vocab. */
  tokenText(token: number): string {
    this.check();
    return call(() => this.native.tokenText(token));
  }

  /** This model's tokenizer in the shape the prompt builders (fim.ts) take. */
  get tokenizer(): TokenizerLike {
    const i = this.info;
    const id = (v: number | null): number => v ?? -1;
    const specialIds: SpecialIds = {
      bos: id(i.bos), eos: id(i.eos), eot: id(i.eot), eom: id(i.eom), unk: id(i.unk), pad: id(i.pad), sep: id(i.sep),
      nl: id(i.nl), fimPre: id(i.fimPre), fimSuf: id(i.fimSuf), fimMid: id(i.fimMid), fimPad: id(i.fimPad),
      fimRep: id(i.fimRep), fimSep: id(i.fimSep), addBos: i.addBos, addEos: i.addEos,
    };
    return {
      tokenize: (text, o) => {
        this.check();
        return call(() => this.native.tokenize(text, o?.addBos ?? false, o?.parseSpecial ?? false));
      },
      specialIds,
      tokenText: (t) => this.tokenText(t),
      nVocab: i.nVocab,
    };
  }

  /**
   * Disposes every session and drops the model. The file mapping is released
   * once no generation is running on it any more.
   */
  dispose(): void {
    if (this.disposed) return;
    for (const s of [...this.sessions]) s.dispose();
    this.native.dispose();
    this.disposed = true;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  private check(): void {
    if (this.disposed) throw new EngineError('E_INVALID_ARGUMENT', 'the model has been disposed');
  }
}

export class Session {
  private disposed = false;
  private running: Promise<unknown> = Promise.resolve();

  /** @internal use model.createSession() */
  constructor(
    readonly model: Model,
    private readonly native: NativeSession,
    private readonly onDispose: () => void,
  ) {}

  get contextLength(): number {
    return this.native.info().contextLength;
  }

  /** Tokens the KV cache holds now. */
  get cachedTokens(): number[] {
    this.check();
    return Array.from(this.native.tokens());
  }

  get contextShifts(): number {
    return this.native.info().contextShifts;
  }

  tokenize(text: string, opts: { addBos?: boolean; parseSpecial?: boolean } = {}): number[] {
    return this.model.tokenize(text, opts);
  }

  detokenize(tokens: readonly number[], opts: { special?: boolean } = {}): string {
    return this.model.detokenize(tokens, opts);
  }

  /**
   * Makes the cache hold exactly `tokens` (reusing the common prefix) and
   * resolves to the logits after the last one.
   */
  evaluate(tokens: readonly number[], options: { spliceDrift?: number } = {}): Promise<{ logits: Float32Array; reused: number; evaluated: number; spliced: number }> {
    this.check();
    return this.serialise(async () => {
      try {
        return await this.native.evaluate(Int32Array.from(tokens), options);
      } catch (err) {
        throw asEngineError(err);
      }
    });
  }

  /**
   * Streams a continuation of `prompt` (text, or token ids as given). Iterate
   * for pieces; `result` resolves with the whole result. Requests on one
   * session run one after another.
   */
  generate(prompt: string | readonly number[], options: GenerateOptions = {}): Generation {
    this.check();
    if (options.maxTokens !== undefined) checkInt('maxTokens', options.maxTokens, INT_OPTION_RANGES.n);
    if (options.seed !== undefined) checkInt('seed', options.seed, INT_OPTION_RANGES.seed);
    const promptTokens =
      typeof prompt === 'string'
        ? this.model.tokenize(prompt, {
            addBos: (options.addBos ?? true) && this.model.info.addBos,
            parseSpecial: options.parseSpecial ?? false,
          })
        : Array.from(prompt);
    const queue: GeneratedPiece[] = [];
    let waiter: (() => void) | undefined;
    let finished = false;
    let failure: Error | undefined;
    let handle: { abort(): void } | undefined;
    let abortRequested = false;
    const wake = (): void => {
      const w = waiter;
      waiter = undefined;
      w?.();
    };
    const abort = (): void => {
      abortRequested = true;
      handle?.abort();
    };
    const signal = options.signal;
    if (signal?.aborted) abortRequested = true;
    signal?.addEventListener('abort', abort, { once: true });

    const native = this.native;
    // The binding's share of the options, as given (it reads only the fields it knows).
    const { addBos: _addBos, parseSpecial: _parseSpecial, signal: _signal, stopTokens, ...forBinding } = options;
    const nativeOptions: NativeGenerateOptions = { ...forBinding, stopTokens: stopTokens ? Array.from(stopTokens) : undefined };
    const result = this.serialise(
      () =>
        new Promise<GenerationResult>((resolve, reject) => {
          const onEvent = (ev: NativeGenerationEvent): void => {
            if (ev.type === 'token') {
              queue.push({ token: ev.token, text: ev.text });
            } else if (ev.type === 'done') {
              if (ev.tail !== '') queue.push({ text: ev.tail });
              finished = true;
              resolve({
                promptTokens,
                tokens: Array.from(ev.tokens),
                text: ev.text,
                reason: ev.reason,
                timings: ev.timings,
              });
            } else {
              finished = true;
              failure = asEngineError(ev.error);
              reject(failure);
            }
            wake();
          };
          try {
            handle = native.generate(Int32Array.from(promptTokens), nativeOptions, onEvent);
            if (abortRequested) handle.abort();
          } catch (err) {
            finished = true;
            failure = asEngineError(err);
            reject(failure);
            wake();
          }
        }),
    );
    void result.then(
      () => signal?.removeEventListener('abort', abort),
      () => signal?.removeEventListener('abort', abort),
    );

    const iterator: Generation = {
      result,
      abort,
      async next(): Promise<IteratorResult<GeneratedPiece>> {
        for (;;) {
          const piece = queue.shift();
          if (piece) return { value: piece, done: false };
          if (finished) {
            if (failure) throw failure;
            return { value: undefined, done: true };
          }
          await new Promise<void>((r) => (waiter = r));
        }
      },
      async return(): Promise<IteratorResult<GeneratedPiece>> {
        // Leaving a for-await early stops the native loop too.
        abort();
        await result.catch(() => undefined);
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    return iterator;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.native.dispose();
    this.onDispose();
  }

  private check(): void {
    if (this.disposed) throw new EngineError('E_INVALID_ARGUMENT', 'the session has been disposed');
    if (this.model.isDisposed) throw new EngineError('E_INVALID_ARGUMENT', 'the model has been disposed');
  }

  /** Runs fn after every earlier request on this session has settled. */
  private serialise<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.running.then(fn, fn);
    this.running = next.catch(() => undefined);
    return next;
  }
}

function call<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw asEngineError(err);
  }
}
