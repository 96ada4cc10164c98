/**
 * One evaluation at a time in the engine, two priorities: a request for ghost
 * text (foreground) and work before the key (background prefetch: evaluating
 * a window the user is likely to ask about). A foreground request aborts the
 * running prefetch, which stops at its next batch and keeps the batches it
 * evaluated; the prefetch runs again (resumes) once no foreground request is
 * in flight. Foreground requests run one after another, in arrival order.
 */

/** Background work: resolves true when finished, false when it was stopped by its signal (run it again later). */
export type PrefetchJob = (signal: AbortSignal) => Promise<boolean>;

interface Queued {
  key: string;
  /** Lower runs first. */
  rank: number;
  job: PrefetchJob;
}

/** Most prefetches kept waiting: older sites beyond this are forgotten. */
const MAX_QUEUED = 4;

export class PrefetchScheduler {
  private queue: Queued[] = [];
  private resumeTimer: ReturnType<typeof setTimeout> | null = null;

  /**
   * @param resumeDelayMs how long after the last request a stopped prefetch
   *   resumes: while the user types, keys come closer than this, and a key
   *   that found a prefetch running would wait for its batch to end.
   */
  constructor(private readonly resumeDelayMs = 0) {}

  private running: { item: Queued; controller: AbortController; done: Promise<void> } | null = null;
  private foreground = 0;
  private foregroundTail: Promise<void> = Promise.resolve();
  private idleWaiters: (() => void)[] = [];

  /** Foreground requests in flight or waiting. */
  get busy(): boolean {
    return this.foreground > 0;
  }

  get pending(): readonly string[] {
    return this.queue.map((q) => q.key);
  }

  /**
   * Waits for the engine: the running prefetch is aborted and awaited, earlier
   * foreground requests are awaited. Call the returned function when done.
   */
  async acquire(): Promise<() => void> {
    this.foreground++;
    this.cancelResumeTimer();
    this.running?.controller.abort();
    const before = this.foregroundTail;
    let release!: () => void;
    this.foregroundTail = new Promise<void>((r) => (release = r));
    await before;
    await this.running?.done;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.foreground--;
      release();
      if (this.foreground === 0 && this.resumeDelayMs > 0) {
        this.cancelResumeTimer();
        this.resumeTimer = setTimeout(() => {
          this.resumeTimer = null;
          this.kick();
        }, this.resumeDelayMs);
      } else {
        this.kick();
      }
    };
  }

  /**
   * Queues background work under `key`, replacing any waiting (or running)
   * work with the same key: a newer cursor position supersedes the older.
   * Lower `rank` runs first; among equals the newest.
   */
  prefetch(key: string, job: PrefetchJob, rank = 0): void {
    this.drop(key);
    const item = { key, rank, job };
    const at = this.queue.findIndex((q) => q.rank >= rank);
    if (at < 0) this.queue.push(item);
    else this.queue.splice(at, 0, item);
    if (this.queue.length > MAX_QUEUED) this.queue.length = MAX_QUEUED;
    // New work (the cursor landed somewhere) starts at once; only resuming waits.
    if (this.foreground === 0) this.cancelResumeTimer();
    this.kick();
  }

  /** Forgets waiting work under `key` and aborts it if it runs (a foreground request covered it). */
  drop(key: string): void {
    this.queue = this.queue.filter((q) => q.key !== key);
    if (this.running?.item.key === key) this.running.controller.abort();
  }

  /** Aborts everything in the background (model unloaded). */
  clear(): void {
    this.cancelResumeTimer();
    this.queue = [];
    this.running?.controller.abort();
  }

  /** Resolves once no work runs or waits (tests, benchmarks). */
  idle(): Promise<void> {
    if (!this.running && this.foreground === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private cancelResumeTimer(): void {
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    this.resumeTimer = null;
  }

  private kick(): void {
    if (this.running || this.foreground > 0 || this.resumeTimer) return;
    const item = this.queue[0];
    if (!item) {
      for (const w of this.idleWaiters.splice(0)) w();
      return;
    }
    const controller = new AbortController();
    const done = (async () => {
      let finished = false;
      try {
        finished = await item.job(controller.signal);
      } catch {
        // Stopped (an abort error) or failed: a failed prefetch is only lost
        // time, the request will evaluate what it would have.
      }
      // Stopped early: stays queued to resume, unless dropped or replaced meanwhile.
      if (finished || !controller.signal.aborted) this.queue = this.queue.filter((q) => q !== item);
      this.running = null;
      this.kick();
    })();
    this.running = { item, controller, done };
  }
}
