/**
 * At most `running` requests run in the engine at once; up to `queued` more
 * wait their turn in arrival order, and one beyond that is refused at once
 * (503 with Retry-After) rather than left waiting without bound. A waiter
 * whose client goes away leaves the queue.
 */
import { HttpError } from './http-error';
import { EngineError } from '../engine/errors';

interface Waiter {
  grant(): void;
  fail(err: Error): void;
}

export class Gate {
  private active = 0;
  private readonly waiting: Waiter[] = [];

  constructor(
    private readonly running: number,
    private readonly queued: number,
  ) {}

  get inFlight(): number {
    return this.active;
  }

  get queueLength(): number {
    return this.waiting.length;
  }

  /** Resolves with the release function once the request may run. */
  acquire(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(new EngineError('E_ABORTED', 'the client went away'));
    if (this.active < this.running) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.queued) {
      return Promise.reject(new HttpError(503, 'E_BUSY', `the server is busy: ${this.active} requests running and ${this.waiting.length} waiting; try again shortly`, 1));
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.waiting.indexOf(waiter);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new EngineError('E_ABORTED', 'the client went away while its request waited'));
      };
      const waiter: Waiter = {
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          resolve(this.releaser());
        },
        fail: reject,
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  /** Refuses everyone still waiting (the server is closing). */
  failWaiting(err: Error): void {
    for (const w of this.waiting.splice(0)) w.fail(err);
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter: active stays the same.
      if (next) next.grant();
      else this.active--;
    };
  }
}
