/**
 * Counts the chat answers (chat view, Explain, edits) streaming from each
 * model, so a reload can wait for them instead of cutting one off, and can
 * stop them when the user asks it to go ahead. Completions are not counted:
 * one lasts a moment and the editor asks again. No vscode imports.
 */
import type { EnginePort, TextStream, TextStreamEnd } from '../host/engine-port';
import { EngineError } from '../engine/errors';

export class ChatGuard {
  private readonly active = new Map<string, Set<AbortController>>();
  private readonly waiters = new Map<string, (() => void)[]>();

  /** `engine`, with its chat streams counted under `key` (the model path). */
  track(key: string, engine: EnginePort): EnginePort {
    return {
      load: (p, o) => engine.load(p, o),
      complete: (r, s) => engine.complete(r, s),
      prefetch: engine.prefetch ? (r) => engine.prefetch?.(r) : undefined,
      chat: (m, o, signal) => this.counted(key, signal, (s) => engine.chat(m, o, s)),
      generate: (p, o, signal) => this.counted(key, signal, (s) => engine.generate(p, o, s)),
      countTokens: (t) => engine.countTokens(t),
      tokenize: (t, o) => engine.tokenize(t, o),
      detokenize: (ids) => engine.detokenize(ids),
      status: () => engine.status(),
      dispose: () => engine.dispose(),
    };
  }

  busy(key: string): boolean {
    return (this.active.get(key)?.size ?? 0) > 0;
  }

  /** Resolves once no chat answer streams from `key`. */
  idle(key: string): Promise<void> {
    if (!this.busy(key)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.set(key, [...(this.waiters.get(key) ?? []), resolve]));
  }

  /** Stops every chat answer streaming from `key` (they end as stopped). */
  stop(key: string): void {
    for (const c of this.active.get(key) ?? []) c.abort();
  }

  private async *counted(key: string, outer: AbortSignal, make: (signal: AbortSignal) => TextStream): AsyncGenerator<string, TextStreamEnd> {
    if (outer.aborted) throw new EngineError('E_ABORTED', 'request cancelled');
    const own = new AbortController();
    const forward = (): void => own.abort();
    outer.addEventListener('abort', forward, { once: true });
    const set = this.active.get(key) ?? new Set<AbortController>();
    this.active.set(key, set);
    set.add(own);
    try {
      return yield* make(own.signal);
    } finally {
      outer.removeEventListener('abort', forward);
      set.delete(own);
      if (set.size === 0) {
        this.active.delete(key);
        for (const w of this.waiters.get(key)?.splice(0) ?? []) w();
        this.waiters.delete(key);
      }
    }
  }
}
