/** The model runtime's native surface (native/napi/js-model.cpp, js-session.cpp). */

export type BackendName = 'auto' | 'cpu' | 'cuda' | 'vulkan';
/** 'auto': as many layers as fit in free device memory; 'all'; or a count of the last layers. */
export type GpuLayers = 'auto' | 'all' | number;

export interface NativeLoadOptions {
  threads?: number;
  useMmap?: boolean;
  /**
   * Sessions' default context (0: context_length, at most 4096); settings
   * that depend on the context (phi3's LongRoPE factor set) are chosen for it.
   */
  contextLength?: number;
  backend?: BackendName;
  gpuLayers?: GpuLayers;
}

export interface NativeDevice {
  index: number;
  name: string;
  type: 'cpu' | 'discrete' | 'integrated' | 'virtual' | 'unknown';
  totalMemory: number;
  /** Bytes free when probed (0: unknown). */
  freeMemory: number;
  detail: string;
}

/** One backend as listDevices() reports it: its devices, or why it has none. */
export interface NativeBackendDevices {
  backend: 'cuda' | 'vulkan' | 'cpu';
  available: boolean;
  /** e.g. "CUDA: no CUDA device", "Vulkan: not built"; null when available. */
  reason: string | null;
  devices: NativeDevice[];
}

export interface NativeModelInfo {
  architecture: string;
  name: string | null;
  nVocab: number;
  contextLengthTrain: number;
  nEmbd: number;
  nLayer: number;
  nHead: number;
  nHeadKv: number;
  /** Compute threads in use: the request clamped to the CPUs this process may run on. */
  threads: number;
  /** The `threads` load option as given (0: the default); differs from `threads` when clamped. */
  threadsRequested: number;
  tokenizerModel: string;
  tokenizerPre: string;
  addBos: boolean;
  addEos: boolean;
  bos: number | null;
  eos: number | null;
  eot: number | null;
  eom: number | null;
  unk: number | null;
  pad: number | null;
  sep: number | null;
  nl: number | null;
  fimPre: number | null;
  fimSuf: number | null;
  fimMid: number | null;
  fimPad: number | null;
  fimRep: number | null;
  fimSep: number | null;
  chatTemplate: string | null;
  /** Where the offloaded layers run ("cpu" when none are offloaded). */
  backend: 'cpu' | 'cuda' | 'vulkan';
  /** Device name of that backend (null when a GPU backend fell back). */
  device: string | null;
  /** Layers in the device stage (the last ones); 0: all on the CPU. */
  gpuLayers: number;
  /** Whether the output head runs on the device too. */
  outputOnDevice: boolean;
  /** Device memory the stage holds. */
  deviceBytes: number;
  /** Why other backends or fewer layers were used, and runtime fallbacks. */
  reasons: string[];
}

export interface NativeSessionOptions {
  contextLength?: number;
  batchSize?: number;
  keepTokens?: number;
}

/** One generation's options as js-session.cpp reads them (engine.ts GenerateOptions adds the JS side's). */
export interface NativeGenerateOptions {
  /** Tokens to generate at most (default 256). */
  maxTokens?: number;
  /** 0 (default): greedy. */
  temperature?: number;
  topK?: number;
  topP?: number;
  minP?: number;
  repeatPenalty?: number;
  repeatLastN?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
  seed?: number;
  /** Generation ends before any of these strings; they are not part of the text. */
  stop?: string[];
  /** End on EOS/EOT (default true). */
  stopOnEog?: boolean;
  /** More token ids that end generation (not part of the output), e.g. FIM markers. */
  stopTokens?: number[];
  /**
   * Splice (0, the default: off): after an edit inside the cached prompt, a
   * cached run that reappears later is moved into place instead of being
   * evaluated again, while each moved token has seen at most this many
   * tokens change before it since it was evaluated. An approximation that
   * makes a fill-in-the-middle prompt cost only the typed tokens. CPU only.
   */
  spliceDrift?: number;
}

export interface NativeTimings {
  promptMs: number;
  genMs: number;
  promptTokens: number;
  promptTokensEvaluated: number;
  /** Of the cached prompt tokens, those moved from later in the cache (splice). */
  promptTokensSpliced: number;
  generatedTokens: number;
  promptTokensPerSec: number;
  genTokensPerSec: number;
}

export type NativeStopReason = 'eog' | 'stop' | 'length' | 'abort';

export type NativeGenerationEvent =
  | { type: 'token'; token: number; text: string }
  | {
      type: 'done';
      reason: NativeStopReason;
      tokens: Int32Array;
      text: string;
      /** Text held back (UTF-8 or stop-string lookahead) and never sent with a token. */
      tail: string;
      timings: NativeTimings;
    }
  | { type: 'error'; error: Error };

export interface NativeEvaluateResult {
  logits: Float32Array;
  reused: number;
  evaluated: number;
  dropped: number;
  spliced: number;
}

/**
 * One rule for every method (native/napi/js-session.cpp): info() and tokens()
 * work at any time, during a request too (a snapshot); evaluate() and
 * generate() throw/reject E_BUSY while another request runs on the session;
 * dispose() aborts a running request and waits for its thread (a running
 * generate() gets its final "done"/"abort" event from inside dispose()).
 */
export interface NativeSession {
  info(): { contextLength: number; keepTokens: number; contextShifts: number; cachedTokens: number; busy: boolean };
  tokens(): Int32Array;
  evaluate(tokens: Int32Array | number[], options?: { spliceDrift?: number }): Promise<NativeEvaluateResult>;
  generate(
    tokens: Int32Array | number[],
    options: NativeGenerateOptions,
    onEvent: (event: NativeGenerationEvent) => void,
  ): { abort(): void };
  dispose(): void;
}

export interface NativeModel {
  info(): NativeModelInfo;
  tokenize(text: string, addBos: boolean, parseSpecial: boolean): Int32Array;
  detokenize(tokens: Int32Array | number[], special: boolean): string;
  isEog(token: number): boolean;
  tokenText(token: number): string;
  createSession(options: NativeSessionOptions): NativeSession;
  dispose(): void;
}

export interface ModelNative extends QuantizeNative {
  listDevices(): NativeBackendDevices[];
  loadModel(path: string, options: NativeLoadOptions, onProgress?: (fraction: number) => void): Promise<NativeModel>;
}

export interface QuantizeNative {
  /** Rows of `rowLength` f32 values -> the type's blocks (reference quantizer). */
  quantizeRows(typeId: number, data: Float32Array, rowLength: number): Promise<Uint8Array>;
  /** Stored rows of the type -> f32. */
  dequantizeRows(typeId: number, bytes: Uint8Array, rowLength: number): Promise<Float32Array>;
}
