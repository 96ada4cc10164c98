/**
 * Chat-template rendering with a time and a memory bound. A GGUF's
 * tokenizer.chat_template is a program from the model file: `{% for i in
 * range(1000000000) %}` would otherwise spin the engine's only JS thread (so a
 * cancel can never land) until V8 aborts the whole process. Renders run in one
 * warm child process (template-worker.ts) with a capped heap: not a worker
 * thread, because a single allocation past a worker's heap cap (range(1e9)
 * grows one array) is a fatal V8 error that takes the whole process down, not
 * the worker alone. A render that overruns its time is killed, one that
 * overruns its memory dies in its own process, and either fails with
 * E_TEMPLATE_LIMIT. The next render starts a fresh child. Jobs run one at a
 * time so each one's clock is its own.
 */
import { fork, type ChildProcess } from 'child_process';
import { EngineError } from './errors';
import { workerSource } from './worker-source';
import type { TemplateMessage, ChatRenderOptions, RenderedChat } from './chat-template';
import type { TemplateJob, TemplateJobReply } from './template-worker';

export interface TemplateLimits {
  /** Wall-clock time for one render, ms. */
  timeMs: number;
  /** Longest rendered text, UTF-16 code units. */
  maxOutputChars: number;
  /** The worker's old-generation heap, MiB. */
  heapMb: number;
}

/** Real templates render in well under a millisecond and a few KB. */
/** Starting a worker (loading the renderer) is bounded apart from the render. */
const WORKER_START_MS = 30_000;

export const DEFAULT_TEMPLATE_LIMITS: TemplateLimits = { timeMs: 2000, maxOutputChars: 4 << 20, heapMb: 96 };


/** The child process seen through the few calls the sandbox makes of it. */
class WorkerProcess {
  constructor(private readonly child: ChildProcess) {}
  on(event: 'message' | 'error' | 'exit', fn: (arg: never) => void): void {
    this.child.on(event, fn as (...a: unknown[]) => void);
  }
  off(event: 'message' | 'error' | 'exit', fn: (arg: never) => void): void {
    this.child.off(event, fn as (...a: unknown[]) => void);
  }
  postMessage(job: TemplateJob): void {
    this.child.send(job);
  }
  /** An idle child must not keep the CLI or a test process alive. */
  unref(): void {
    this.child.unref();
    (this.child.channel as { unref?: () => void } | undefined)?.unref?.();
  }
  async terminate(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    await exited;
  }
}

export class TemplateSandbox {
  private worker: { thread: WorkerProcess; ready: Promise<void> } | null = null;
  private seq = 0;
  private tail: Promise<unknown> = Promise.resolve();
  /** Workers started so far (tests: a warm worker is reused). */
  workersStarted = 0;

  constructor(private readonly limits: TemplateLimits = DEFAULT_TEMPLATE_LIMITS) {}

  /** renderChat() in the worker, within the limits; aborting the signal ends it with E_ABORTED. */
  render(messages: readonly TemplateMessage[], options: ChatRenderOptions, signal?: AbortSignal): Promise<RenderedChat> {
    const run = this.tail.then(() => this.runOne(messages, options, signal));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Ends the worker (the next render starts another). */
  async dispose(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.thread.terminate();
  }

  private startWorker(): { thread: WorkerProcess; ready: Promise<void> } {
    const src = workerSource(__dirname, 'template-worker');
    // process.execPath is VS Code's Electron binary in the engine process: plain Node with ELECTRON_RUN_AS_NODE.
    const w = new WorkerProcess(fork(src.script, [], {
      execArgv: [...(src.loader ? ['--require', src.loader] : []), `--max-old-space-size=${this.limits.heapMb}`, '--max-semi-space-size=8', '--stack-size=4000'],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      serialization: 'advanced',
    }));
    w.unref();
    this.workersStarted++;
    // Loading the worker (more so through tsx) is not the template's time.
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new EngineError('E_INTERNAL', 'the chat template worker did not start in time')), WORKER_START_MS);
      const done = (): void => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', fail);
        w.off('exit', onExit);
      };
      const onMessage = (m: TemplateJobReply): void => {
        if ('ready' in m) {
          done();
          resolve();
        }
      };
      const fail = (err: Error): void => {
        done();
        void w.terminate();
        reject(err instanceof EngineError ? err : new EngineError('E_INTERNAL', `the chat template worker failed to start: ${err.message}`));
      };
      const onExit = (): void => fail(new EngineError('E_INTERNAL', 'the chat template worker exited while starting'));
      w.on('message', onMessage);
      w.on('error', fail);
      w.on('exit', onExit);
    });
    const entry = { thread: w, ready };
    ready.catch(() => {
      if (this.worker === entry) this.worker = null;
    });
    return entry;
  }

  private async runOne(messages: readonly TemplateMessage[], options: ChatRenderOptions, signal?: AbortSignal): Promise<RenderedChat> {
    if (signal?.aborted) throw new EngineError('E_ABORTED', 'request cancelled');
    const entry = (this.worker ??= this.startWorker());
    // A cancel while the worker loads lands at once too (the worker stays, warm, for the next render).
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => reject(new EngineError('E_ABORTED', 'request cancelled'));
      signal?.addEventListener('abort', onAbort, { once: true });
      entry.ready.then(resolve, reject).finally(() => signal?.removeEventListener('abort', onAbort));
    });
    const worker = entry.thread;
    const seq = ++this.seq;
    const job: TemplateJob = {
      seq,
      messages: messages.map((m) => ({ role: m.role, content: m.content })),
      options: { ...options, maxOutputChars: Math.min(options.maxOutputChars ?? Infinity, this.limits.maxOutputChars) },
    };
    return new Promise<RenderedChat>((resolve, reject) => {
      let settled = false;
      const finish = (err: Error | null, value?: RenderedChat): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(value as RenderedChat);
      };
      // The worker can no longer be trusted to answer: end it, start afresh next time.
      const kill = (err: Error): void => {
        if (this.worker === entry) this.worker = null;
        finish(err);
        void worker.terminate();
      };
      const onMessage = (reply: TemplateJobReply): void => {
        if (reply.seq !== seq || !('ok' in reply)) return;
        if (reply.ok) finish(null, reply.rendered);
        else finish(new EngineError(reply.code as EngineError['code'], reply.message));
      };
      const onError = (err: Error): void => kill(new EngineError('E_INTERNAL', `the chat template worker failed: ${err.message}`));
      // The child dies of a heap past its cap (V8 aborts it) or of a deep recursion.
      const onExit = (): void =>
        kill(new EngineError('E_TEMPLATE_LIMIT', `the chat template needed more than ${this.limits.heapMb} MiB of memory or stack to render, so it was stopped`));
      const onAbort = (): void => kill(new EngineError('E_ABORTED', 'request cancelled'));
      const timer = setTimeout(
        () => kill(new EngineError('E_TEMPLATE_LIMIT', `the chat template took longer than ${this.limits.timeMs} ms to render, so it was stopped`)),
        this.limits.timeMs,
      );
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.postMessage(job);
    });
  }
}

let shared: TemplateSandbox | null = null;

/** The process-wide sandbox (one warm worker per process). */
export function templateSandbox(): TemplateSandbox {
  return (shared ??= new TemplateSandbox());
}

/** renderChat() with the default limits, off this thread. */
export function renderChatBounded(messages: readonly TemplateMessage[], options: ChatRenderOptions, signal?: AbortSignal): Promise<RenderedChat> {
  return templateSandbox().render(messages, options, signal);
}
