/**
 * The narrow interface the extension needs from an engine. Three
 * implementations: FakeEngine (deterministic, tests), NativeEngine (the real
 * runtime, in the engine process) and EngineClient (this interface spoken over
 * the engine protocol to another process). Nothing here imports vscode.
 */
import type { GgufSummary } from './gguf-peek';
import type { GenerateOptions, StopReason } from '../engine/engine';
import type { TemplateMessage } from '../engine/chat-template';
import type { ContextChunk, FimRequest } from '../engine/fim';
import type { TokenizeOptions } from '../engine/tokenizer';

export type { ContextChunk, FimRequest, TokenizeOptions };

export interface LoadOptions {
  /** KV window in tokens; the engine may clamp it to the model's. */
  contextTokens?: number;
  threads?: number;
  /** Compute backend and offloaded layers (engine LoadModelOptions). */
  backend?: 'auto' | 'cpu' | 'cuda' | 'vulkan';
  gpuLayers?: 'auto' | 'all' | number;
}

/** Where a loaded model computes (changes to the CPU after a GPU error). */
export interface ComputeInfo {
  backend: string;
  device: string | null;
  gpuLayers: number;
  nLayer: number;
  reasons: string[];
  /** CPU threads the model computes with (hearth.threads, clamped to the CPUs there are). */
  threads?: number;
}

/**
 * The one description of a model the extension, the CLI and the server use:
 * the facts its file's header gives (gguf-peek's GgufSummary, read before a
 * load), with the path, the training context as loaded and, once loaded,
 * where it computes. The binding's own NativeModelInfo is the engine's view
 * (vocabulary ids, head counts) and stays below this boundary.
 */
export interface ModelInfo extends Pick<GgufSummary, 'name' | 'architecture' | 'parameters' | 'fim' | 'repoLevelFim' | 'sizeBytes'> {
  path: string;
  contextLength: number;
  compute?: ComputeInfo;
  /** The server's URL when the model runs there (hearth.provider: endpoint); absent for Hearth's own engine. */
  endpoint?: string;
}

export type ChatRole = 'system' | 'user' | 'assistant';

/** One turn of a conversation: a template's message with the roles the engine port carries. */
export interface ChatMessage extends TemplateMessage {
  role: ChatRole;
}

/** What a chat asks of its generation: a share of engine.ts's GenerateOptions, with the length required. */
export type ChatOptions = Required<Pick<GenerateOptions, 'maxTokens'>> & Pick<GenerateOptions, 'temperature'>;

/**
 * What a raw-text continuation asks (hearth serve's /v1/completions): chat's
 * options, stop strings, a seed, and how the prompt text is read (BOS added
 * when the model wants it unless addBos is false; special-token text stays
 * text unless parseSpecial).
 */
export type TextOptions = ChatOptions & Pick<GenerateOptions, 'stop' | 'seed' | 'addBos' | 'parseSpecial'>;

export type EngineState = 'idle' | 'starting' | 'loading' | 'ready' | 'busy' | 'restarting' | 'failed';


export interface EngineStatus {
  state: EngineState;
  engine: string;
  model: ModelInfo | null;
  /** Decode speed of the last generation, tokens per second. */
  tokensPerSecond: number | null;
  pid: number | null;
  restarts: number;
  lastError: string | null;
}

/**
 * Generated text, piece by piece; the stream's return value says why it ended
 * (undefined where the source does not say). `consume` reads both.
 */
export type TextStream = AsyncIterable<string, TextStreamEnd>;

/** How a generation ended, with the engine's own token counts where it knows them. */
export interface StreamEnd {
  reason: StopReason;
  /** Tokens of the prompt (template and FIM markers included). */
  promptTokens?: number;
  /** Of those, the ones computed for this request; the rest were reused from the cache. */
  evaluatedTokens?: number;
  /** Tokens generated, stop tokens and text held back by a stop string included. */
  generatedTokens?: number;
}

/** A stream's return value: why it ended (with counts), or nothing where its source does not say. */
export type TextStreamEnd = StopReason | StreamEnd | undefined | void;

/** Runs `each` on every piece of `stream`; resolves with why it ended. */
export async function consume(stream: TextStream, each: (piece: string) => void): Promise<StopReason | undefined> {
  return (await consumeEnd(stream, each))?.reason;
}

/** As consume, resolving with the whole end: the reason and, where the engine gave them, the token counts. */
export async function consumeEnd(stream: TextStream, each: (piece: string) => void): Promise<StreamEnd | undefined> {
  const it = stream[Symbol.asyncIterator]();
  for (;;) {
    const r = await it.next();
    if (r.done) return typeof r.value === 'string' ? { reason: r.value } : r.value || undefined;
    try {
      each(r.value);
    } catch (err) {
      // As `for await` does when its body throws: let the source clean up.
      await it.return?.();
      throw err;
    }
  }
}

export interface EnginePort {
  load(modelPath: string, options: LoadOptions): Promise<ModelInfo>;
  /** Streams completion text. Aborting the signal ends the stream with E_ABORTED. */
  complete(request: FimRequest, signal: AbortSignal): TextStream;
  /**
   * Work before the key: evaluate this request's window in the background,
   * at low priority (any completion request preempts it). Returns at once;
   * engines without a KV cache leave it out.
   */
  prefetch?(request: FimRequest): void;
  chat(messages: ChatMessage[], options: ChatOptions, signal: AbortSignal): TextStream;
  /** Continues `prompt` as it is, no template (hearth serve's /v1/completions). */
  generate(prompt: string, options: TextOptions, signal: AbortSignal): TextStream;
  countTokens(text: string): Promise<number>;
  /** The loaded model's token ids for `text` (hearth serve's /tokenize). */
  tokenize(text: string, options: TokenizeOptions): Promise<number[]>;
  /** The text of `tokens`; E_INVALID_ARGUMENT for an id outside the vocabulary. */
  detokenize(tokens: number[]): Promise<string>;
  status(): Promise<EngineStatus>;
  dispose(): Promise<void>;
}
