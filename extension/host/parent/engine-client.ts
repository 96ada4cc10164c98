/**
 * EnginePort spoken over the engine protocol: request ids, streamed chunks,
 * cancel on abort, errors with codes. The transport is anything that can send
 * a HostToEngine and deliver EngineReplies (a child process, or a direct
 * in-process channel).
 */
import type { ChatMessage, EnginePort, EngineStatus, FimRequest, ChatOptions, LoadOptions, ModelInfo, StreamEnd, TextOptions, TextStream, TextStreamEnd, TokenizeOptions } from '../engine-port';
import type { EngineReply, EngineRequest, EngineResults, GenerationStats, HostToEngine } from '../engine-protocol';
import { EngineError } from '../../engine/errors';
import type { ErrorCode } from '../../engine/error-codes';

type Pending = {
  onChunk: (text: string) => void;
  resolve: (result: unknown) => void;
  reject: (err: Error) => void;
};

type Omit2<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

export interface ClientTransport {
  send(msg: HostToEngine): void;
}

export class EngineClient implements EnginePort {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Called after each finished generation (for tokens/s in the status bar). */
  onStats: ((stats: GenerationStats) => void) | undefined;

  constructor(private readonly transport: ClientTransport) {}

  /** Feed every reply from the engine here. */
  receive(reply: EngineReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return; // answer to a request already given up on
    if (reply.kind === 'chunk') p.onChunk(reply.text);
    else {
      this.pending.delete(reply.id);
      if (reply.kind === 'done') p.resolve(reply.result);
      // The engine process sent errorCode() of what it caught: a listed code,
      // passed through as it came.
      else p.reject(new EngineError(reply.code as ErrorCode, reply.message));
    }
  }

  /** Fails every request in flight, e.g. when the engine process died. */
  failAll(err: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(err);
  }

  get inFlight(): number {
    return this.pending.size;
  }

  load(modelPath: string, options: LoadOptions): Promise<ModelInfo> {
    return this.call({ method: 'load', params: { modelPath, options } }) as Promise<EngineResults['load']>;
  }

  complete(request: FimRequest, signal: AbortSignal): TextStream {
    return this.stream({ method: 'complete', params: { request } }, signal);
  }

  prefetch(request: FimRequest): void {
    // Fire and forget: a prefetch that cannot be sent is only lost time.
    this.call({ method: 'prefetch', params: { request } }).catch(() => undefined);
  }

  chat(messages: ChatMessage[], options: ChatOptions, signal: AbortSignal): TextStream {
    return this.stream({ method: 'chat', params: { messages, options } }, signal);
  }

  generate(prompt: string, options: TextOptions, signal: AbortSignal): TextStream {
    return this.stream({ method: 'generate', params: { prompt, options } }, signal);
  }

  countTokens(text: string): Promise<number> {
    return this.call({ method: 'countTokens', params: { text } }) as Promise<number>;
  }

  tokenize(text: string, options: TokenizeOptions): Promise<number[]> {
    return this.call({ method: 'tokenize', params: { text, options } }) as Promise<number[]>;
  }

  detokenize(tokens: number[]): Promise<string> {
    return this.call({ method: 'detokenize', params: { tokens } }) as Promise<string>;
  }

  status(): Promise<EngineStatus> {
    return this.call({ method: 'status', params: {} }) as Promise<EngineStatus>;
  }

  async dispose(): Promise<void> {
    this.failAll(new EngineError('E_ABORTED', 'engine disposed'));
  }

  private call(req: Omit2<EngineRequest, 'id'>, onChunk: (t: string) => void = () => {}): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { onChunk, resolve, reject });
      try {
        this.transport.send({ ...req, id } as HostToEngine);
      } catch (err) {
        this.pending.delete(id);
        reject(new EngineError('E_ENGINE_UNAVAILABLE', `the engine is not running (${(err as Error).message})`));
      }
    });
  }

  /** A pull-based stream over push-based chunks; cancel goes out on abort. */
  private async *stream(req: Omit2<EngineRequest, 'id'>, signal: AbortSignal): AsyncGenerator<string, TextStreamEnd> {
    if (signal.aborted) throw new EngineError('E_ABORTED', 'request cancelled');
    const queue: string[] = [];
    let wake: (() => void) | null = null;
    let finished = false;
    let failure: Error | null = null;
    let end: StreamEnd | undefined;
    const id = this.nextId; // the id call() is about to take
    const done = this.call(req, (text) => {
      queue.push(text);
      wake?.();
    });
    done.then(
      (stats) => {
        finished = true;
        const s = stats as GenerationStats;
        end = { reason: s.stopReason, promptTokens: s.promptTokens, evaluatedTokens: s.evaluatedTokens, generatedTokens: s.generatedTokens };
        this.onStats?.(s);
        wake?.();
      },
      (err: Error) => {
        finished = true;
        failure = err;
        wake?.();
      },
    );
    const onAbort = (): void => {
      try {
        this.transport.send({ id, method: 'cancel', params: {} });
      } catch {
        // engine gone: the pending request fails through failAll
      }
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        if (queue.length > 0) {
          yield queue.shift() as string;
          continue;
        }
        if (failure) throw failure;
        if (finished) return end;
        await new Promise<void>((r) => (wake = r));
        wake = null;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      // The consumer stopped early (break/return): tell the engine.
      if (!finished) onAbort();
    }
  }
}
