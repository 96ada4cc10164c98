/**
 * EnginePort over an OpenAI-compatible / llama-server-compatible HTTP server
 * (`hearth serve`, llama-server, or a team's shared server) instead of
 * Hearth's own engine: chat through /v1/chat/completions and raw text
 * through /v1/completions (both streamed SSE), completions through
 * llama-server's /infill, tokens through /tokenize and /detokenize. No vscode import: the extension picks it by setting.
 */
import type { ChatMessage, EnginePort, EngineState, EngineStatus, FimRequest, ChatOptions, LoadOptions, ModelInfo, TextOptions, TextStream, TokenizeOptions } from './engine-port';
import type { StopReason } from '../engine/engine';
import { ERROR_CODES, type ErrorCode } from '../engine/error-codes';
import { EngineError } from '../engine/errors';
import { FIM_FAMILIES, type FimFamily } from '../engine/fim';
import { errorFromFailure, errorFromResponse, redact } from './http-errors';
import { sseData } from './http-sse';

export { checkEndpointUrl } from './endpoint-url';

export const ENDPOINT_ENGINE_NAME = 'endpoint';
/** Context assumed when the server does not say (OpenAI's /v1/models never does). */
export const DEFAULT_ENDPOINT_CONTEXT = 4096;

export interface HttpEngineOptions {
  baseUrl: string;
  /** Sent as a bearer token; never written into a message. */
  apiKey?: string;
  /** Which of the server's models to use; the first listed when absent. */
  model?: string;
}

/** One entry of /v1/models; `meta` is llama-server's and hearth serve's addition. */
interface ModelEntry {
  id?: unknown;
  meta?: { architecture?: unknown; n_ctx?: unknown; n_ctx_train?: unknown; fim?: unknown } | null;
}

export class HttpEngine implements EnginePort {
  private readonly base: string;
  private info: ModelInfo | null = null;
  private lastTps: number | null = null;
  private lastError: string | null = null;

  constructor(private readonly options: HttpEngineOptions) {
    // Paths are joined onto the base, so a base with a path prefix (a proxy's /llm/) keeps it.
    this.base = options.baseUrl.replace(/\/+$/, '');
  }

  /** Ignores `modelPath`: the model is the server's; this asks which one it runs. */
  async load(_modelPath: string, _options: LoadOptions): Promise<ModelInfo> {
    const health = await this.send('GET', '/health');
    // An OpenAI-style server without /health (404) is fine; a loading or failed one is not.
    if (!health.ok && health.status !== 404) throw await this.fail(health, 'GET', '/health');
    await health.body?.cancel();
    const res = await this.checked('GET', '/v1/models');
    const list = ((await res.json()) as { data?: ModelEntry[] }).data ?? [];
    const entry = this.options.model ? list.find((m) => m.id === this.options.model) : list[0];
    if (!entry || typeof entry.id !== 'string') {
      const names = list.map((m) => String(m.id)).join(', ') || 'none';
      throw new EngineError('E_NO_MODEL', `${this.base} does not serve ${this.options.model ? `the model '${this.options.model}'` : 'any model'} (it lists: ${names})`);
    }
    this.info = modelInfoOf(this.base, entry);
    return this.info;
  }

  complete(request: FimRequest, signal: AbortSignal): TextStream {
    return this.infill(request, signal);
  }

  chat(messages: ChatMessage[], options: ChatOptions, signal: AbortSignal): TextStream {
    const body: Record<string, unknown> = { messages, stream: true, max_tokens: options.maxTokens };
    if (options.temperature !== undefined) body.temperature = options.temperature;
    return this.openAiStream('/v1/chat/completions', body, (choice) => choice.delta?.content, signal);
  }

  /** OpenAI's /v1/completions; special-token text and BOS as the server reads them (parse_special, add_special where it knows them). */
  generate(prompt: string, options: TextOptions, signal: AbortSignal): TextStream {
    const body: Record<string, unknown> = { prompt, stream: true, max_tokens: options.maxTokens };
    if (options.temperature !== undefined) body.temperature = options.temperature;
    if (options.seed !== undefined) body.seed = options.seed;
    if (options.stop !== undefined && options.stop.length > 0) body.stop = options.stop;
    if (options.parseSpecial !== undefined) body.parse_special = options.parseSpecial;
    if (options.addBos !== undefined) body.add_special = options.addBos;
    return this.openAiStream('/v1/completions', body, (choice) => choice.text, signal);
  }

  async countTokens(text: string): Promise<number> {
    const res = await this.send('POST', '/tokenize', { content: text, add_special: false });
    // Plain OpenAI servers have no tokenizer endpoint: estimate as the fake engine does.
    if (res.status === 404 || res.status === 501) {
      await res.body?.cancel();
      return Math.ceil(text.length / 4);
    }
    if (!res.ok) throw await this.fail(res, 'POST', '/tokenize');
    return tokensOf(await res.json()).length;
  }

  async tokenize(text: string, options: TokenizeOptions): Promise<number[]> {
    const res = await this.checked('POST', '/tokenize', { content: text, add_special: options.addBos ?? false, parse_special: options.parseSpecial ?? false });
    return tokensOf(await res.json());
  }

  async detokenize(tokens: number[]): Promise<string> {
    const res = await this.checked('POST', '/detokenize', { tokens });
    const content = ((await res.json()) as { content?: unknown }).content;
    if (typeof content !== 'string') throw new EngineError('E_INTERNAL', `${this.base}/detokenize answered without 'content'`);
    return content;
  }

  async status(): Promise<EngineStatus> {
    let state: EngineState;
    try {
      const res = await this.send('GET', '/health');
      const body = (await res.json().catch(() => ({}))) as { status?: unknown };
      state = res.ok || res.status === 404 ? 'ready' : body.status === 'loading model' ? 'loading' : 'failed';
      this.lastError = state === 'failed' ? `${this.base}/health answered ${res.status}` : null;
    } catch (err) {
      state = 'failed';
      this.lastError = (err as Error).message;
    }
    return { state, engine: ENDPOINT_ENGINE_NAME, model: this.info, tokensPerSecond: this.lastTps, pid: null, restarts: 0, lastError: this.lastError };
  }

  async dispose(): Promise<void> {
    // Nothing held open: each request has its own connection from fetch's pool.
    this.info = null;
  }

  private async *infill(request: FimRequest, signal: AbortSignal): AsyncGenerator<string, StopReason> {
    const body: Record<string, unknown> = {
      input_prefix: request.prefix,
      input_suffix: request.suffix,
      input_extra: request.chunks.map((c) => ({ filename: c.path, text: c.text })),
      n_predict: request.maxTokens,
      t_max_predict_ms: request.timeBudgetMs,
      stop: request.stop,
      cache_prompt: true,
      stream: false,
    };
    if (request.temperature !== undefined) body.temperature = request.temperature;
    if (request.seed !== undefined) body.seed = request.seed;
    const res = await this.checked('POST', '/infill', body, signal);
    const answer = (await this.readJson(res, '/infill', signal)) as { content?: unknown; stop_type?: unknown; timings?: { predicted_per_second?: unknown } };
    if (typeof answer.content !== 'string') throw new EngineError('E_INTERNAL', `${this.base}/infill answered without 'content'`);
    const tps = answer.timings?.predicted_per_second;
    if (typeof tps === 'number') this.lastTps = tps;
    if (answer.content !== '') yield answer.content;
    return answer.stop_type === 'limit' ? 'length' : 'eog';
  }

  /** Streams an OpenAI-style SSE answer of `path`; `pieceOf` reads one event's text. */
  private async *openAiStream(path: string, body: Record<string, unknown>, pieceOf: (choice: StreamChoice) => unknown, signal: AbortSignal): AsyncGenerator<string, StopReason> {
    const model = this.options.model ?? this.info?.name;
    if (model) body.model = model;
    const res = await this.checked('POST', path, body, signal);
    if (!res.body) throw new EngineError('E_INTERNAL', `${this.base}${path} answered with no body`);
    let finish: unknown = null;
    try {
      for await (const data of sseData(res.body)) {
        if (data === '[DONE]') return finish === 'length' ? 'length' : 'eog';
        const event = parseEvent(data, `${this.base}${path}`, this.options.apiKey);
        const choice = event.choices?.[0];
        if (choice?.finish_reason) finish = choice.finish_reason;
        const piece = choice ? pieceOf(choice) : undefined;
        if (typeof piece === 'string' && piece !== '') yield piece;
      }
    } catch (err) {
      // Whatever the abort's reason, a cancelled stream reads as E_ABORTED like the other engines'.
      if (signal.aborted) throw new EngineError('E_ABORTED', 'request cancelled');
      throw errorFromFailure(err, `${this.base}${path}`, this.options.apiKey);
    }
    // Some servers end the stream without [DONE]; a finish_reason still says it ended well.
    if (finish !== null) return finish === 'length' ? 'length' : 'eog';
    throw new EngineError('E_ENGINE_UNAVAILABLE', `${this.base}${path} ended the stream before the reply was finished`);
  }

  /** One request; throws a coded error when no response came. */
  private async send(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    if (signal?.aborted) throw new EngineError('E_ABORTED', 'request cancelled');
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.options.apiKey) headers.Authorization = `Bearer ${this.options.apiKey}`;
    try {
      return await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
    } catch (err) {
      if (signal?.aborted) throw new EngineError('E_ABORTED', 'request cancelled');
      throw errorFromFailure(err, `${method} ${this.base}${path}`, this.options.apiKey);
    }
  }

  /** One request that must answer 2xx. */
  private async checked(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    const res = await this.send(method, path, body, signal);
    if (!res.ok) throw await this.fail(res, method, path);
    return res;
  }

  private fail(res: Response, method: string, path: string): Promise<EngineError> {
    return errorFromResponse(res, `${method} ${this.base}${path}`, this.options.apiKey);
  }

  private async readJson(res: Response, path: string, signal: AbortSignal): Promise<unknown> {
    try {
      return await res.json();
    } catch (err) {
      if (signal.aborted) throw new EngineError('E_ABORTED', 'request cancelled');
      throw errorFromFailure(err, `${this.base}${path}`, this.options.apiKey);
    }
  }
}

/** The ModelInfo of a /v1/models entry: what the server says, defaults for the rest. */
function modelInfoOf(base: string, entry: ModelEntry): ModelInfo {
  const meta = entry.meta ?? {};
  const ctx = typeof meta.n_ctx === 'number' && meta.n_ctx > 0 ? meta.n_ctx : typeof meta.n_ctx_train === 'number' && meta.n_ctx_train > 0 ? meta.n_ctx_train : DEFAULT_ENDPOINT_CONTEXT;
  return {
    path: base,
    name: String(entry.id),
    architecture: typeof meta.architecture === 'string' ? meta.architecture : 'remote',
    parameters: 0,
    contextLength: ctx,
    // Only a server that names the FIM format (hearth serve) gets one; /infill applies it server-side anyway.
    fim: FIM_FAMILIES.includes(meta.fim as FimFamily) ? (meta.fim as FimFamily) : null,
    repoLevelFim: false,
    sizeBytes: 0,
    endpoint: base,
  };
}

/** The ids of a /tokenize answer: plain ids, or {id, piece} when pieces were asked for. */
function tokensOf(body: unknown): number[] {
  const tokens = (body as { tokens?: unknown }).tokens;
  if (!Array.isArray(tokens)) throw new EngineError('E_INTERNAL', "/tokenize answered without 'tokens'");
  return tokens.map((t) => (typeof t === 'number' ? t : Number((t as { id?: unknown }).id)));
}

/** One choice of a streamed event: a chat delta or a text completion's text. */
interface StreamChoice {
  delta?: { content?: unknown };
  text?: unknown;
  finish_reason?: unknown;
}

interface StreamEvent {
  choices?: StreamChoice[];
  error?: unknown;
}

/** One SSE event's JSON; an error event (hearth serve sends one mid-stream) becomes a coded error. */
function parseEvent(data: string, url: string, apiKey: string | undefined): StreamEvent {
  let event: StreamEvent;
  try {
    event = JSON.parse(data) as StreamEvent;
  } catch {
    throw new EngineError('E_INTERNAL', `${url} sent an event that is not JSON`);
  }
  if (event.error) {
    const e = event.error as { code?: unknown; message?: unknown };
    const message = typeof e.message === 'string' ? e.message : String(event.error);
    const code = (ERROR_CODES as readonly string[]).includes(String(e.code)) ? (e.code as ErrorCode) : 'E_INTERNAL';
    throw new EngineError(code, redact(`${url} failed mid-stream: ${message}`, apiKey));
  }
  return event;
}
