/**
 * Hearth's completion stack driven by the replay, in this process and
 * without vscode: CompletionEngine (whatever debounce, cache and scheduling
 * the pipeline has live inside it) over NativeEngine as its EnginePort, with
 * a ChunkRing fed as the provider feeds it (file open, save, an edit more
 * than 32 lines from the last one in that file).
 *
 * The pipeline's newer hooks (cursorMoved, accepted, NativeEngine's
 * onCompletionStats) are called through optional chaining, so the harness
 * also runs on a pipeline that lacks them; there the engine figures come
 * from a tap on the completion session's generate (read when each
 * generation has ended, never while one runs).
 */
import { NativeEngine } from '../../extension/host/native-engine';
import type { Session, GenerateOptions, Generation } from '../../extension/engine/engine';
import { CompletionEngine, DEFAULT_COMPLETION_SETTINGS, type CompletionDocument, type CompletionSettings } from '../../extension/completion/completion-engine';
import { ChunkRing } from '../../extension/completion/chunk-ring';
import { isAbort } from '../../extension/host/host-errors';
import type { CompletionDriver, DriverReport, DriverResult, EditorView, ReplayTimeline, RequestRecord } from './driver';
import type { EditorDocument } from './editor';
import { lineOf } from './editor';
import { prefetchUnused, serialCpu } from './figures';

/**
 * The per-request engine figures of the pipeline contract (NativeEngine's
 * onCompletionStats). Declared here so the harness compiles against a
 * pipeline that does not export it yet.
 */
export interface CompletionStats {
  kind: 'request' | 'prefetch';
  promptTokens: number;
  evaluatedTokens: number;
  splicedTokens: number;
  generatedTokens: number;
  outcome: 'done' | 'aborted' | 'error';
  promptMs: number;
  genMs: number;
  cpuMs: number;
}

/** The pipeline's optional hooks (contract items 2 and 3). */
interface PipelineHooks {
  cursorMoved(doc: CompletionDocument): void;
  accepted(doc: CompletionDocument, shownText: string): void;
}

type StatsHost = { onCompletionStats?: (s: CompletionStats) => void };

/** The provider's rule: an edit this many lines from the file's last one is worth remembering. */
const RING_EDIT_LINES = 32;

/** The harness's completion settings (contract item 5): exactly `tokens` tokens, no alternatives. */
export function benchSettings(tokens: number): CompletionSettings {
  return {
    ...DEFAULT_COMPLETION_SETTINGS,
    maxTokens: tokens,
    alternatives: 0,
    // A random-weights model never ends a line naturally: line counts must not cut it short.
    maxLines: 10_000,
    otherFiles: true,
  };
}

function cpuMsNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Resolves once this process has used less than a fifth of a core over a
 * 500 ms window (the engine's threads are idle), or after 20 s.
 */
async function untilIdle(): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const c0 = cpuMsNow();
    await new Promise((r) => setTimeout(r, 500));
    if (cpuMsNow() - c0 < 100) return;
  }
}

export class HearthDriver implements CompletionDriver {
  readonly name = 'hearth';
  private completions!: CompletionEngine & Partial<PipelineHooks>;
  private ring!: ChunkRing;
  private clock: () => number = () => 0;
  private readonly lastEditLine = new Map<string, number>();
  private hookStats: RequestRecord[] = [];
  private tapStats: { rec: RequestRecord; startCpuMs: number; endCpuMs: number }[] = [];
  private cpuAtBegin = 0;
  private untap: (() => void) | null = null;
  /** The engine's own stats sink before the replay, put back after it. */
  private previousHook: StatsHost['onCompletionStats'] = undefined;
  /** The signal of the key whose complete() is running (the tap tells cancellation from a stop rule's cut by it). */
  private keySignal: AbortSignal | null = null;

  constructor(
    private readonly native: NativeEngine,
    private readonly settings: CompletionSettings,
  ) {}

  async begin(clock: () => number, editor: EditorView): Promise<void> {
    void editor; // Hearth's pipeline learns of the editor only through the calls below.
    this.clock = clock;
    this.ring = new ChunkRing();
    this.lastEditLine.clear();
    this.hookStats = [];
    this.tapStats = [];
    this.completions = new CompletionEngine(() => this.native, this.ring, () => this.settings) as CompletionEngine & Partial<PipelineHooks>;
    const host = this.native as unknown as StatsHost;
    this.previousHook = host.onCompletionStats;
    host.onCompletionStats = (s) => {
      this.hookStats.push(this.fromStats(s));
      this.previousHook?.(s);
    };
    this.untap = this.tapSession();
    this.cpuAtBegin = cpuMsNow();
  }

  fileOpened(doc: EditorDocument): void {
    this.ring.add(doc.relPath, doc.text, 0);
  }

  activeChanged(): void {
    // The provider does nothing more on a file switch than on any cursor move.
  }

  cursorMoved(doc: EditorDocument): void {
    this.completions.cursorMoved?.(doc);
  }

  edited(doc: EditorDocument): void {
    const line = lineOf(doc.text, doc.offset);
    const last = this.lastEditLine.get(doc.relPath);
    if (last === undefined || Math.abs(last - line) > RING_EDIT_LINES) this.ring.add(doc.relPath, doc.text, line);
    this.lastEditLine.set(doc.relPath, line);
  }

  saved(doc: EditorDocument): void {
    this.ring.add(doc.relPath, doc.text, 0);
  }

  accepted(before: EditorDocument, shown: string): void {
    this.completions.accepted?.(before, shown);
  }

  async complete(doc: EditorDocument, signal: AbortSignal): Promise<DriverResult> {
    this.keySignal = signal;
    try {
      const r = await this.completions.complete(doc, signal);
      return { suggestion: r.suggestion ? { text: r.suggestion.text, replaceChars: r.suggestion.replaceChars } : null, fromCache: r.fromCache };
    } catch (err) {
      if (isAbort(err)) return { suggestion: null, fromCache: false };
      throw err;
    }
  }

  async end(timeline: ReplayTimeline): Promise<DriverReport> {
    // Background work (prefetches) still running ends now: cancel it, then
    // wait until the engine is idle, so nothing of this replay runs during
    // the next one (the peer's).
    this.completions.cancel();
    await untilIdle();
    const totalCpuMs = cpuMsNow() - this.cpuAtBegin;
    this.untap?.();
    (this.native as unknown as StatsHost).onCompletionStats = this.previousHook;
    // The contract's hook when the pipeline has it, the session tap otherwise.
    const requests = this.hookStats.length > 0 ? this.hookStats : this.tapRequests();
    for (const r of requests) {
      if (r.kind === 'prefetch' && r.outcome === 'done') r.wasted = prefetchUnused(r.startMs, timeline.keyTimes, timeline.jumpTimes);
    }
    return { requests, totalCpuMs };
  }

  /**
   * The tap's records with their CPU time: process CPU time over a
   * generation's span, where a generation queued behind a cancelled one
   * (the session runs one at a time) is charged only from that one's end.
   */
  private tapRequests(): RequestRecord[] {
    const byEnd = [...this.tapStats].sort((a, b) => a.rec.endMs - b.rec.endMs);
    const cpu = serialCpu(byEnd);
    return byEnd.map((t, i) => ({ ...t.rec, cpuMs: cpu[i] }));
  }

  private fromStats(s: CompletionStats): RequestRecord {
    const endMs = this.clock();
    const startMs = endMs - s.promptMs - s.genMs;
    const failed = s.outcome !== 'done';
    return {
      startMs,
      endMs,
      kind: s.kind,
      outcome: s.outcome,
      promptTokens: s.promptTokens,
      evaluatedTokens: s.evaluatedTokens,
      generatedTokens: s.generatedTokens,
      cpuMs: s.cpuMs,
      wasted: failed,
    };
  }

  /**
   * Today's pipeline has no stats hook: wrap the completion session's
   * generate and read each generation's timings once it has ended. Returns
   * the undo. A pipeline without that private session gets no tap (and has
   * the hook).
   */
  private tapSession(): (() => void) | null {
    const session = (this.native as unknown as { completionSession?: Session | null }).completionSession;
    if (!session || typeof session.generate !== 'function') return null;
    const orig = session.generate;
    session.generate = (prompt: string | readonly number[], options?: GenerateOptions): Generation => {
      const startMs = this.clock();
      const cpu0 = cpuMsNow();
      const keySignal = this.keySignal;
      const g = orig.call(session, prompt, options);
      const record = (outcome: RequestRecord['outcome'], t?: { promptTokens: number; promptTokensEvaluated: number; generatedTokens: number }): void => {
        this.tapStats.push({
          rec: {
            startMs,
            endMs: this.clock(),
            kind: 'request',
            outcome,
            promptTokens: t?.promptTokens ?? null,
            evaluatedTokens: t?.promptTokensEvaluated ?? null,
            generatedTokens: t?.generatedTokens ?? null,
            cpuMs: 0,
            wasted: outcome !== 'done',
          },
          startCpuMs: cpu0,
          endCpuMs: cpuMsNow(),
        });
      };
      g.result.then(
        // The pipeline also aborts to cut at a stop rule: only the key's cancellation is thrown-away work.
        (r) => record(r.reason === 'abort' && keySignal?.aborted ? 'aborted' : 'done', r.timings),
        () => record('error'),
      );
      return g;
    };
    return () => {
      session.generate = orig;
    };
  }
}
