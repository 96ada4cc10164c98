/**
 * Runs the engine in a child process of the host's own runtime (VS Code's
 * Electron in node mode, or Node) so a native crash cannot take the extension
 * host down, and supervises it:
 * - a crash restarts it with back-off, with the last model and its options;
 * - only the supervisor starts processes: a request during the back-off waits
 *   (bounded) for the restart instead of starting one of its own;
 * - after too many crashes it gives up, says so in its status, and refuses
 *   every request with how to recover until the user restarts it.
 * What happened is reported in plain words through onEvent.
 */
import { fork, type ChildProcess } from 'child_process';
import type { ChatMessage, EnginePort, EngineState, EngineStatus, FimRequest, ChatOptions, LoadOptions, ModelInfo, TextOptions, TextStream, TextStreamEnd, TokenizeOptions } from '../engine-port';
import { EngineClient } from './engine-client';
import { isEngineToHost, type GenerationStats } from '../engine-protocol';
import { EngineError } from '../../engine/errors';

export interface EngineEvent {
  kind: 'crashed' | 'restarted' | 'gave-up' | 'stats' | 'model-reloaded';
  message: string;
  stats?: GenerationStats;
}

export interface EngineProcessOptions {
  /** dist/engine-host.js */
  scriptPath: string;
  env?: NodeJS.ProcessEnv;
  /** Node flags for the child (tests run the TypeScript entry through tsx). */
  execArgv?: string[];
  onEvent?: (event: EngineEvent) => void;
  /** First restart delay; doubles per consecutive crash up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Give up after this many crashes within windowMs. */
  maxCrashes?: number;
  windowMs?: number;
  startTimeoutMs?: number;
  /** How long a request waits for a restart in progress before E_ENGINE_UNAVAILABLE. */
  recoveryWaitMs?: number;
}

/** What the user does to bring a given-up engine back (the command's title). */
export const RECOVER_HINT = "Run 'Hearth: Restart Engine' to try again.";
/** Wait before reloading a model whose file changed: `cp new.gguf over.gguf` truncates first, then writes. */
const RELOAD_AFTER_CHANGE_MS = 500;

/** A restart in progress: requests wait on `done`. */
interface Recovery {
  done: Promise<void>;
  resolve(): void;
  reject(err: Error): void;
}

function newRecovery(): Recovery {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Nobody may be waiting: an unobserved rejection is not a failure.
  done.catch(() => undefined);
  return { done, resolve, reject };
}

/** Restart delay for the n-th consecutive crash (n from 1). */
export function restartDelay(n: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, n - 1));
}

/** Plain words for why a process ended. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null, stderrTail: string): string {
  const how = signal
    ? signal === 'SIGKILL'
      ? 'was killed (SIGKILL: often the system running out of memory, or someone ended it)'
      : signal === 'SIGSEGV' || signal === 'SIGBUS' || signal === 'SIGILL'
        ? `crashed (${signal}) inside the native engine`
        : `was stopped by ${signal}`
    : `exited with code ${code}`;
  const hint = stderrTail.trim().split('\n').slice(-1)[0];
  return `The Hearth engine process ${how}.${hint ? ` Last output: ${hint}` : ''}`;
}

export class EngineProcess implements EnginePort {
  private child: ChildProcess | null = null;
  private client: EngineClient | null = null;
  private ready: Promise<void> | null = null;
  private state: EngineState = 'idle';
  private crashes: number[] = [];
  private consecutive = 0;
  private restarts = 0;
  private lastLoad: { modelPath: string; options: LoadOptions } | null = null;
  private model: ModelInfo | null = null;
  private lastError: string | null = null;
  private lastTps: number | null = null;
  private disposed = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private stderrTail = '';
  /** Set from a crash until the engine is back (or given up on). */
  private recovery: Recovery | null = null;
  /** Set when it stopped restarting; cleared only by restart(). */
  private gaveUp: string | null = null;
  /** A reload of the model after its file changed under the engine (E_MODEL_FILE_CHANGED); requests wait for it. */
  private reloading: Promise<void> | null = null;
  /** Bumped by each restart(): an older one still awaiting stands down. */
  private restartSeq = 0;

  constructor(private readonly opts: EngineProcessOptions) {}

  /** Engine processes started so far (each start and restart is one). */
  processesStarted = 0;

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** Starts the process if it is not running; resolves once it said hello. */
  start(): Promise<void> {
    if (this.disposed) return Promise.reject(new EngineError('E_ENGINE_UNAVAILABLE', 'the engine was shut down'));
    if (!this.ready) {
      this.state = 'starting';
      const ready: Promise<void> = this.spawn().catch((err: Error) => {
        // A restart may have replaced this start already: leave its state be.
        if (this.ready === ready) {
          this.ready = null;
          this.state = 'failed';
        }
        this.lastError = err.message;
        throw err;
      });
      this.ready = ready;
    }
    return this.ready;
  }

  /**
   * The gate every request passes: refuses after a give-up (with how to
   * recover), waits for a restart in progress (bounded), else starts the
   * process if it has never run. Never starts a second process.
   */
  private async ensureRunning(): Promise<void> {
    if (this.disposed) throw new EngineError('E_ENGINE_UNAVAILABLE', 'the engine was shut down');
    if (this.gaveUp !== null) throw this.gaveUpError();
    if (this.recovery) {
      const waitMs = this.opts.recoveryWaitMs ?? 30_000;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new EngineError('E_ENGINE_UNAVAILABLE', `the Hearth engine is restarting after a crash and was not back within ${Math.round(waitMs / 1000)} s; try again in a moment`)),
          waitMs,
        );
      });
      try {
        await Promise.race([this.recovery.done, timeout]);
      } finally {
        clearTimeout(timer);
      }
      return;
    }
    await this.start();
  }

  private gaveUpError(): EngineError {
    return new EngineError('E_ENGINE_UNAVAILABLE', `The Hearth engine stopped after crashing repeatedly (${this.gaveUp}). ${RECOVER_HINT}`);
  }

  async load(modelPath: string, options: LoadOptions): Promise<ModelInfo> {
    await this.ensureRunning();
    return this.loadNow(modelPath, options);
  }

  private async loadNow(modelPath: string, options: LoadOptions): Promise<ModelInfo> {
    this.state = 'loading';
    try {
      this.model = await this.requireClient().load(modelPath, options);
      this.lastLoad = { modelPath, options };
      this.state = 'ready';
      return this.model;
    } catch (err) {
      // A crash during the load has already moved the state on (restarting).
      if (this.state === 'loading') this.state = this.model ? 'ready' : 'idle';
      throw err;
    }
  }

  complete(request: FimRequest, signal: AbortSignal): TextStream {
    return this.streamWhenReady((c) => c.complete(request, signal));
  }

  /** Work before the key, only for a running engine: never a reason to start or wait for one. */
  prefetch(request: FimRequest): void {
    if (this.client && (this.state === 'ready' || this.state === 'busy')) this.client.prefetch(request);
  }

  chat(messages: ChatMessage[], options: ChatOptions, signal: AbortSignal): TextStream {
    return this.streamWhenReady((c) => c.chat(messages, options, signal));
  }

  generate(prompt: string, options: TextOptions, signal: AbortSignal): TextStream {
    return this.streamWhenReady((c) => c.generate(prompt, options, signal));
  }

  async countTokens(text: string): Promise<number> {
    await this.ensureRunning();
    return this.requireClient().countTokens(text);
  }

  async tokenize(text: string, options: TokenizeOptions): Promise<number[]> {
    await this.ensureRunning();
    return this.requireClient().tokenize(text, options);
  }

  async detokenize(tokens: number[]): Promise<string> {
    await this.ensureRunning();
    return this.requireClient().detokenize(tokens);
  }

  async status(): Promise<EngineStatus> {
    let engine = 'process';
    if (this.client && this.state !== 'restarting' && this.state !== 'failed') {
      try {
        engine = (await this.client.status()).engine;
      } catch {
        // report what we know
      }
    }
    return {
      state: this.state,
      engine,
      model: this.model,
      tokensPerSecond: this.lastTps,
      pid: this.pid,
      restarts: this.restarts,
      lastError: this.lastError,
    };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.recovery?.reject(new EngineError('E_ENGINE_UNAVAILABLE', 'the engine was shut down'));
    this.recovery = null;
    this.client?.failAll(new EngineError('E_ABORTED', 'engine shut down'));
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, 2000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
  }

  private async *streamWhenReady(make: (c: EngineClient) => TextStream): AsyncGenerator<string, TextStreamEnd> {
    await this.ensureRunning();
    if (this.reloading) await this.reloading;
    if (!this.model) {
      throw new EngineError('E_NO_MODEL', this.lastLoad && this.lastError ? `no model is loaded (reloading it failed: ${this.lastError})` : 'no model is loaded yet');
    }
    this.state = 'busy';
    try {
      return yield* make(this.requireClient());
    } catch (err) {
      // The file was truncated or overwritten under the mapping: this request
      // fails with that code, and the model is loaded again from the new file.
      if ((err as { code?: unknown } | null)?.code === 'E_MODEL_FILE_CHANGED') this.reloadChangedModel();
      throw err;
    } finally {
      if (this.state === 'busy') this.state = 'ready';
    }
  }

  /** Loads lastLoad again, once at a time, after a short wait (a copy over the file may still be writing it). */
  private reloadChangedModel(): void {
    const last = this.lastLoad;
    if (this.reloading || !last) return;
    this.reloading = (async () => {
      await new Promise((r) => setTimeout(r, RELOAD_AFTER_CHANGE_MS));
      try {
        await this.loadNow(last.modelPath, last.options);
        this.lastError = null;
        this.opts.onEvent?.({ kind: 'model-reloaded', message: `The model file changed on disk; Hearth loaded it again (${last.modelPath}).` });
      } catch (err) {
        this.model = null;
        this.lastError = (err as Error).message;
        this.opts.onEvent?.({ kind: 'model-reloaded', message: `The model file changed on disk and could not be loaded again: ${(err as Error).message}` });
      } finally {
        this.reloading = null;
      }
    })();
  }

  private requireClient(): EngineClient {
    if (!this.client) throw new EngineError('E_ENGINE_UNAVAILABLE', 'the engine process is not running');
    return this.client;
  }

  private spawn(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.stderrTail = '';
      this.processesStarted++;
      // fork() runs process.execPath: VS Code's Electron binary, which behaves
      // as plain Node with ELECTRON_RUN_AS_NODE=1.
      const child = fork(this.opts.scriptPath, [], {
        env: { ...process.env, ...this.opts.env, ELECTRON_RUN_AS_NODE: '1' },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        execArgv: this.opts.execArgv ?? [],
        serialization: 'json',
      });
      const client = new EngineClient({
        send: (msg) => {
          if (!child.connected) throw new Error('engine channel closed');
          child.send(msg);
        },
      });
      client.onStats = (stats) => {
        this.lastTps = stats.ms > 0 ? (stats.tokens * 1000) / stats.ms : null;
        this.opts.onEvent?.({ kind: 'stats', message: '', stats });
      };
      this.child = child;
      this.client = client;
      const timer = setTimeout(() => {
        reject(new EngineError('E_ENGINE_UNAVAILABLE', 'the engine process did not start in time'));
        child.kill('SIGKILL');
      }, this.opts.startTimeoutMs ?? 20000);
      const keepTail = (b: Buffer): void => {
        this.stderrTail = (this.stderrTail + b.toString()).slice(-2000);
      };
      child.stderr?.on('data', keepTail);
      child.stdout?.on('data', keepTail);
      child.on('message', (m: unknown) => {
        if (!isEngineToHost(m)) return;
        if (m.kind === 'hello') {
          clearTimeout(timer);
          resolve();
        } else client.receive(m);
      });
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(new EngineError('E_ENGINE_UNAVAILABLE', `could not start the engine process: ${err.message}`));
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new EngineError('E_ENGINE_UNAVAILABLE', describeExit(code, signal, this.stderrTail)));
        if (this.child === child) this.onCrash(describeExit(code, signal, this.stderrTail));
      });
    });
  }

  private onCrash(reason: string): void {
    const client = this.client;
    this.child = null;
    this.client = null;
    this.ready = null;
    client?.failAll(new EngineError('E_ENGINE_EXITED', reason));
    if (this.disposed) return;
    const now = Date.now();
    const windowMs = this.opts.windowMs ?? 120_000;
    this.crashes = [...this.crashes.filter((t) => now - t < windowMs), now];
    this.consecutive++;
    this.lastError = reason;
    if (this.crashes.length > (this.opts.maxCrashes ?? 5)) {
      this.state = 'failed';
      this.gaveUp = `${this.crashes.length} crashes; last: ${reason}`;
      // The model is no longer loaded anywhere; restart() reloads lastLoad.
      this.model = null;
      this.lastError = `${reason} Hearth stopped restarting it after ${this.crashes.length} crashes. ${RECOVER_HINT}`;
      this.recovery?.reject(this.gaveUpError());
      this.recovery = null;
      this.opts.onEvent?.({
        kind: 'gave-up',
        message: `${reason} It crashed ${this.crashes.length} times in a short while, so Hearth stopped restarting it. ${RECOVER_HINT}`,
      });
      return;
    }
    // Requests from now until the restart wait for it (ensureRunning).
    this.recovery ??= newRecovery();
    const delay = restartDelay(this.consecutive, this.opts.initialDelayMs ?? 500, this.opts.maxDelayMs ?? 30_000);
    this.state = 'restarting';
    this.opts.onEvent?.({ kind: 'crashed', message: `${reason} Restarting it in ${Math.round(delay / 100) / 10} s.` });
    this.restartTimer = setTimeout(() => void this.restart(), delay);
  }

  /**
   * Restarts now, reloading the last model with its options: after a crash
   * (timer), and as the "Restart Engine" command, which also clears a give-up.
   * `load` replaces the last model and options (Restart Engine with the
   * current settings); then a failure to start or to load it is thrown.
   */
  async restart(load?: { modelPath: string; options: LoadOptions }): Promise<void> {
    const failure = await this.restartNow(load ?? this.lastLoad);
    if (load && failure) throw failure;
  }

  /** restart()'s work; returns why the engine did not come back with the model, or null. */
  private async restartNow(target: { modelPath: string; options: LoadOptions } | null): Promise<Error | null> {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    if (this.disposed) return new EngineError('E_ENGINE_UNAVAILABLE', 'the engine was shut down');
    if (this.gaveUp !== null) {
      this.gaveUp = null;
      this.crashes = [];
      this.consecutive = 0;
    }
    const mine = ++this.restartSeq;
    const superseded = (): Error => new EngineError('E_ABORTED', 'another restart of the engine replaced this one');
    // Requests arriving while this runs wait for it rather than spawn.
    const recovery = (this.recovery ??= newRecovery());
    if (this.child) {
      const old = this.child;
      this.child = null;
      this.client?.failAll(new EngineError('E_ENGINE_EXITED', 'the engine was restarted'));
      this.client = null;
      old.kill('SIGKILL');
    }
    this.ready = null;
    this.model = null;
    this.state = 'restarting';
    let failure: Error | null = null;
    try {
      await this.start();
      this.restarts++;
      if (mine !== this.restartSeq) return superseded();
      if (target) await this.loadNow(target.modelPath, target.options);
      else this.state = 'idle';
    } catch (err) {
      if (mine !== this.restartSeq) return superseded();
      failure = err as Error;
      this.lastError = failure.message;
      // A crash while restarting schedules the next try (or gives up) through
      // onCrash; the waiters keep waiting on the same recovery.
      if (this.restartTimer || this.gaveUp !== null || this.disposed || this.recovery !== recovery) return failure;
      if (!this.child) {
        // The process never ran (fork failed): count it as a crash.
        this.onCrash(failure.message);
        return failure;
      }
      // Running, but the model would not load again: requests now fail with
      // E_NO_MODEL naming why, rather than waiting.
    }
    if (mine !== this.restartSeq) return superseded();
    if (this.recovery === recovery) {
      this.recovery = null;
      recovery.resolve();
    }
    if (this.model || !target) this.opts.onEvent?.({ kind: 'restarted', message: 'The Hearth engine is running again.' });
    // Stable for a minute: forget the consecutive count.
    const pid = this.pid;
    setTimeout(() => {
      if (this.pid === pid) this.consecutive = 0;
    }, 60_000).unref();
    return failure;
  }
}
