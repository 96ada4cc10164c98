/**
 * Hearth's completion stack driven by the replay, in this process and
 * without vscode: CompletionEngine (whatever debounce, cache and scheduling
 * the pipeline has live inside it) over NativeEngine as its EnginePort, with
 * a ChunkRing fed by the rules of extension/completion/ring-feeder.ts (the
 * region around the cursor when a file's editor becomes active, the lines
 * edited since the last save when it is saved or left). Engine figures come
 * from NativeEngine's onCompletionStats, once each run has ended (never by
 * reading a session while a generation runs).
 */
import { NativeEngine, type CompletionStats } from '../../extension/host/child/native-engine';
import { CompletionEngine, DEFAULT_COMPLETION_SETTINGS, type CompletionSettings } from '../../extension/completion/completion-engine';
import { ChunkRing } from '../../extension/completion/chunk-ring';
import { EditedRegions, regionInView } from '../../extension/completion/edited-regions';
import { otherFilesTokens, clampOtherFilesShare } from '../../extension/completion/other-files-share';
import { isAbort } from '../../extension/engine/errors';
import type { CompletionDriver, DriverReport, DriverResult, EditorView, ReplayTimeline, RequestRecord } from './driver';
import type { EditorDocument } from './editor';
import { lineOf } from './editor';
import { prefetchUnused } from './figures';


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
  private completions!: CompletionEngine;
  private ring!: ChunkRing;
  private clock: () => number = () => 0;
  private readonly edits = new EditedRegions();
  private hookStats: RequestRecord[] = [];
  private cpuAtBegin = 0;
  /** The engine's own stats sink before the replay, put back after it. */
  private previousHook: NativeEngine['onCompletionStats'] = undefined;

  constructor(
    private readonly native: NativeEngine,
    private readonly settings: CompletionSettings,
  ) {}

  async begin(clock: () => number, editor: EditorView): Promise<void> {
    void editor; // Hearth's pipeline learns of the editor only through the calls below.
    this.clock = clock;
    this.ring = new ChunkRing();
    // The other files' share of the window, as the settings give it (localShare = 1 - share).
    this.ring.setPromptTokens(this.settings.otherFiles ? otherFilesTokens(this.settings.budget.windowTokens, clampOtherFilesShare(1 - this.settings.budget.localShare)) : 0);
    this.hookStats = [];
    this.completions = new CompletionEngine(() => this.native, this.ring, () => this.settings);
    this.previousHook = this.native.onCompletionStats;
    this.native.onCompletionStats = (s) => {
      this.hookStats.push(this.fromStats(s));
      this.previousHook?.(s);
    };
    this.cpuAtBegin = cpuMsNow();
  }

  /** A file's editor became active: the region around its cursor enters the ring (no visible range here). */
  fileOpened(doc: EditorDocument): void {
    this.ring.add(doc.relPath, doc.text, regionInView(undefined, lineOf(doc.text, doc.offset)));
  }

  /** Leaving a file with unsaved edits puts them in the ring; the next file's cursor region enters too. */
  activeChanged(previous: EditorDocument, next: EditorDocument): void {
    const left = this.edits.peek(previous.relPath);
    if (left) this.ring.add(previous.relPath, previous.text, left);
    this.fileOpened(next);
  }

  cursorMoved(doc: EditorDocument): void {
    this.completions.cursorMoved(doc);
  }

  /** One key's edit: the line it touched (a key never spans lines but for Enter, which the next key's line covers). */
  edited(doc: EditorDocument): void {
    const line = lineOf(doc.text, doc.offset);
    this.edits.change(doc.relPath, [{ startLine: line, endLine: line, text: '' }]);
  }

  saved(doc: EditorDocument): void {
    const region = this.edits.take(doc.relPath);
    if (region) this.ring.add(doc.relPath, doc.text, region);
  }

  accepted(before: EditorDocument, shown: string): void {
    this.completions.accepted(before, shown);
  }

  async complete(doc: EditorDocument, signal: AbortSignal): Promise<DriverResult> {
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
    this.native.onCompletionStats = this.previousHook;
    const requests = this.hookStats;
    for (const r of requests) {
      if (r.kind === 'prefetch' && r.outcome === 'done') r.wasted = prefetchUnused(r.startMs, timeline.keyTimes, timeline.jumpTimes);
    }
    return { requests, totalCpuMs };
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
}
