/**
 * Debounce that adapts to typing speed (the Tabby habit): wait about twice the
 * user's recent gap between keystrokes, less the time the engine usually takes
 * to answer, clamped to [minMs, maxMs].
 */
export interface DebounceOptions {
  minMs: number;
  maxMs: number;
  factor: number;
  /** Weight of the newest sample in the moving averages. */
  alpha: number;
}

export const DEFAULT_DEBOUNCE: DebounceOptions = { minMs: 75, maxMs: 600, factor: 2, alpha: 0.3 };

export class AdaptiveDebounce {
  private lastKey: number | null = null;
  private gap: number | null = null;
  private latency: number | null = null;

  constructor(private readonly opts: DebounceOptions = DEFAULT_DEBOUNCE) {}

  /** Call on every keystroke (document change) with its time. */
  keystroke(now: number): void {
    if (this.lastKey !== null) {
      const g = now - this.lastKey;
      // A pause longer than maxMs is not typing rhythm.
      if (g <= this.opts.maxMs * 2) this.gap = this.gap === null ? g : this.gap + this.opts.alpha * (g - this.gap);
    }
    this.lastKey = now;
  }

  /** Call when a completion came back, with how long it took. */
  observeLatency(ms: number): void {
    this.latency = this.latency === null ? ms : this.latency + this.opts.alpha * (ms - this.latency);
  }

  delayMs(): number {
    const gap = this.gap ?? this.opts.maxMs / 2;
    const d = gap * this.opts.factor - (this.latency ?? 0);
    return Math.round(Math.min(this.opts.maxMs, Math.max(this.opts.minMs, d)));
  }
}
