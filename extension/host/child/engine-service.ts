/**
 * The engine side of the protocol: turns requests into calls on an EnginePort
 * and streams the answers back. Used in the engine process (over
 * process.send) and in-process (over a direct channel) alike.
 */
import { consumeEnd, type EnginePort, type TextStream } from '../engine-port';
import type { EngineReply, HostToEngine, GenerationStats } from '../engine-protocol';
import { errorCode } from '../../engine/errors';

export type ReplySink = (reply: EngineReply) => void;

export class EngineService {
  private readonly running = new Map<number, AbortController>();

  constructor(
    private readonly engine: EnginePort,
    private readonly reply: ReplySink,
  ) {}

  /** Handles one message; never throws (errors become `error` replies). */
  handle(msg: HostToEngine): void {
    if (msg.method === 'cancel') {
      this.running.get(msg.id)?.abort();
      return;
    }
    const controller = new AbortController();
    this.running.set(msg.id, controller);
    this.run(msg, controller.signal)
      .then((result) => this.reply({ id: msg.id, kind: 'done', result }))
      .catch((err: unknown) =>
        this.reply({ id: msg.id, kind: 'error', code: errorCode(err), message: (err as Error)?.message ?? String(err) }),
      )
      .finally(() => this.running.delete(msg.id));
  }

  /** Aborts everything in flight (engine shutting down). */
  abortAll(): void {
    for (const c of this.running.values()) c.abort();
  }

  private async run(msg: Exclude<HostToEngine, { method: 'cancel' }>, signal: AbortSignal): Promise<unknown> {
    switch (msg.method) {
      case 'load':
        return this.engine.load(msg.params.modelPath, msg.params.options);
      case 'complete':
        return this.stream(msg.id, this.engine.complete(msg.params.request, signal), signal);
      case 'prefetch':
        this.engine.prefetch?.(msg.params.request);
        return null;
      case 'chat':
        return this.stream(msg.id, this.engine.chat(msg.params.messages, msg.params.options, signal), signal);
      case 'generate':
        return this.stream(msg.id, this.engine.generate(msg.params.prompt, msg.params.options, signal), signal);
      case 'countTokens':
        return this.engine.countTokens(msg.params.text);
      case 'tokenize':
        return this.engine.tokenize(msg.params.text, msg.params.options);
      case 'detokenize':
        return this.engine.detokenize(msg.params.tokens);
      case 'status':
        return this.engine.status();
    }
  }

  private async stream(id: number, pieces: TextStream, signal: AbortSignal): Promise<GenerationStats> {
    const t0 = Date.now();
    let tokens = 0;
    const end = await consumeEnd(pieces, (text) => {
      tokens++;
      this.reply({ id, kind: 'chunk', text });
    });
    const stats: GenerationStats = { tokens, ms: Date.now() - t0, stopReason: signal.aborted ? 'abort' : end?.reason ?? 'eog' };
    if (end?.promptTokens !== undefined) stats.promptTokens = end.promptTokens;
    if (end?.evaluatedTokens !== undefined) stats.evaluatedTokens = end.evaluatedTokens;
    if (end?.generatedTokens !== undefined) stats.generatedTokens = end.generatedTokens;
    return stats;
  }
}
