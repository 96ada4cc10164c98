/**
 * The latency benchmark's peer client: what the llama.vscode extension does
 * for inline completions against llama-server, rebuilt from its documented
 * and observed behaviour (github ggml-org/llama.vscode, src/completion.ts,
 * extra-context.ts, llama-server.ts, package.json defaults; read, not copied).
 *
 * Reproduced:
 * - the request: POST /infill with input_prefix (the n_prefix = 256 lines
 *   above the cursor line), input_suffix (the rest of the cursor line, then
 *   the n_suffix = 64 lines below), input_extra (the ring of chunks),
 *   prompt (the cursor line up to the cursor; '' when only indentation),
 *   cache_prompt, top_k 40 / top_p 0.99 / samplers [top_k, top_p] (see
 *   PEER_SAMPLERS for the infill sampler it also names),
 *   t_max_prompt_ms 500 and t_max_predict_ms 500 (the settings' defaults),
 *   id_slot 0, and n_predict = the harness's token count;
 * - no debounce (debounce_ms defaults to 0); one request at a time: a call
 *   waits, polling every 150 ms, while an earlier one is in flight, and gives
 *   up if VS Code cancelled it; no request when the text right of the
 *   cursor is longer than max_line_suffix = 8;
 * - cancellation as it does it: the cancellation token is checked before the
 *   request is sent, never after; a request in flight is not aborted (the
 *   HTTP call has no signal), and its answer is still cached;
 * - the result cache: an LRU of 250 keyed by a SHA-256 of
 *   prefix|suffix|prompt; a miss also tries the prompt cut shorter, one
 *   character at a time, and serves the cached text's rest when it starts
 *   with the cut characters (typing through a suggestion);
 * - the suggestion checks: empty, only re-types the rest of the line, or
 *   repeats the next non-empty line;
 * - after a suggestion shows (call not cancelled, nothing right of the
 *   cursor): the "future suggestion", a second request for the text as if the
 *   suggestion were accepted, cached; and the "accept line" entry (no request);
 * - the ring of extra context: after a shown suggestion more than 32 lines
 *   from the last pick, a chunk above the window (up to ring_scope = 1024
 *   lines) and one below are queued; on a file switch chunks around the
 *   cursor; on save (after 1 s) around the cursor; buffers with unsaved
 *   changes are skipped for those two; near-duplicates (Jaccard > 0.9)
 *   evicted; every ring_update_ms = 1000 ms, if no completion started in the
 *   last 3 s, one queued chunk moves into the ring (16 at most) and the ring
 *   is sent to the server with n_predict 0 to evaluate it ahead of time.
 *
 * Not reproduced (see bench/latency/README.md): n_cmpl (3 parallel
 * completions by default; 1 here, as Hearth computes one), n_indent (a stop
 * at the first line indented less than the cursor's, which would cut a
 * random-weights model's output before the fixed token count; ignore_eos is
 * sent for the same reason), the OpenAI-compatible path, the status bar,
 * word/line partial accepts and the chat features. Chunk picks use a seeded
 * generator where llama.vscode uses Math.random.
 */
import { createHash } from 'crypto';
import { mulberry32 } from '../model/random-pool';
import type { CompletionDriver, DriverReport, DriverResult, EditorView, ReplayTimeline, RequestRecord } from '../latency/driver';
import type { EditorDocument } from '../latency/editor';
import { lineOf } from '../latency/editor';
import { serialCpu } from '../latency/figures';

export interface LlamaVscodeConfig {
  nPrefix: number;
  nSuffix: number;
  nPredict: number;
  tMaxPromptMs: number;
  tMaxPredictMs: number;
  debounceMs: number;
  maxLineSuffix: number;
  maxCacheKeys: number;
  ringChunks: number;
  ringChunkSize: number;
  ringScope: number;
  ringUpdateMs: number;
  /** No ring update within this long after a completion started. */
  ringQuietMs: number;
  /** A shown suggestion this many lines from the last pick gathers new chunks. */
  pickDistanceLines: number;
  maxQueuedChunks: number;
  /** Poll interval while waiting for the request in flight. */
  waitPollMs: number;
  /** Wait after a save before picking a chunk. */
  saveDelayMs: number;
}

/** llama.vscode's defaults (package.json settings and configuration.ts constants). */
export function llamaVscodeDefaults(nPredict: number): LlamaVscodeConfig {
  return {
    nPrefix: 256,
    nSuffix: 64,
    nPredict,
    tMaxPromptMs: 500,
    tMaxPredictMs: 500,
    debounceMs: 0,
    maxLineSuffix: 8,
    maxCacheKeys: 250,
    ringChunks: 16,
    ringChunkSize: 64,
    ringScope: 1024,
    ringUpdateMs: 1000,
    ringQuietMs: 3000,
    pickDistanceLines: 32,
    maxQueuedChunks: 16,
    waitPollMs: 150,
    saveDelayMs: 1000,
  };
}

interface Chunk {
  text: string;
  time: number;
  filename: string;
}

/** The parts of an /infill answer the client reads. */
interface InfillAnswer {
  content?: string;
  tokens_evaluated?: number;
  timings?: { prompt_n?: number; cache_n?: number; predicted_n?: number };
}

/** One request in flight or done, before its CPU time is known. */
interface PendingRecord {
  rec: RequestRecord;
  startCpuMs: number;
  endCpuMs: number;
  /** Cancelled by the editor before its answer came (main requests). */
  cancelled: boolean;
  /** Its cached answer was served later. */
  used: boolean;
}

/** The local context llama.vscode sends, cut from the document. Pure. */
export function fimContext(doc: EditorDocument, nPrefix: number, nSuffix: number): {
  inputPrefix: string;
  inputSuffix: string;
  prompt: string;
  linePrefix: string;
  lineSuffix: string;
  line: number;
  lines: string[];
} {
  const lines = doc.text.split('\n');
  const line = lineOf(doc.text, doc.offset);
  const lineStart = doc.text.lastIndexOf('\n', doc.offset - 1) + 1;
  const lineText = lines[line];
  const col = doc.offset - lineStart;
  const linePrefix = lineText.slice(0, col);
  const lineSuffix = lineText.slice(col);
  const above = lines.slice(Math.max(0, line - nPrefix), line);
  const below = lines.slice(line + 1, Math.min(lines.length - 1, line + nSuffix) + 1);
  return {
    inputPrefix: above.join('\n') + '\n',
    inputSuffix: lineSuffix + '\n' + below.join('\n') + '\n',
    prompt: /^[ \t]*$/.test(linePrefix) ? '' : linePrefix,
    linePrefix,
    lineSuffix,
    line,
    lines,
  };
}

function jaccardLines(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 && b.length === 0) return 1;
  const sa = new Set(a);
  const sb = new Set(b);
  let inter = 0;
  for (const x of sa) if (sb.has(x)) inter++;
  return inter / (sa.size + sb.size - inter);
}

export class LlamaVscodeClient implements CompletionDriver {
  readonly name = 'llama.vscode+llama-server';
  private cache = new Map<string, { texts: string[]; source: PendingRecord | null }>();
  private ring: Chunk[] = [];
  private ringLines: string[][] = [];
  private queued: Chunk[] = [];
  private queuedLines: string[][] = [];
  private lastPickLine = -9999;
  private lastCompletionStart = 0;
  private inProgress = false;
  private records: PendingRecord[] = [];
  private background: Promise<unknown>[] = [];
  /** Deferred work not started yet, with the settle of its promise in `background`. */
  private timers: { timer: NodeJS.Timeout; settle: () => void }[] = [];
  private ringTimer: NodeJS.Timeout | null = null;
  private clock: () => number = () => 0;
  private editor: EditorView | null = null;
  private rnd = mulberry32(1);
  private cpuAtBegin = 0;

  constructor(
    private readonly url: string,
    private readonly serverCpuMs: () => number,
    private readonly cfg: LlamaVscodeConfig,
    private readonly seed = 7,
  ) {}

  async begin(clock: () => number, editor: EditorView): Promise<void> {
    this.clock = clock;
    this.editor = editor;
    this.cache = new Map();
    this.ring = [];
    this.ringLines = [];
    this.queued = [];
    this.queuedLines = [];
    this.lastPickLine = -9999;
    this.lastCompletionStart = clock();
    this.inProgress = false;
    this.records = [];
    this.background = [];
    this.rnd = mulberry32(this.seed);
    this.ringTimer = setInterval(() => this.ringTick(), this.cfg.ringUpdateMs);
    this.cpuAtBegin = this.serverCpuMs();
  }

  fileOpened(): void {
    // llama.vscode picks nothing when a file opens, only when the active editor changes.
  }

  activeChanged(_previous: EditorDocument, next: EditorDocument): void {
    // Its handler reads the "previous" editor after VS Code has already made
    // the new one active, so both picks come from the new file at its cursor.
    const line = lineOf(next.text, next.offset);
    const idx = this.editor?.active ?? 0;
    this.later(0, () => this.pickAroundCursor(line, next, idx));
    this.later(0, () => this.pickAroundCursor(line, next, idx));
  }

  cursorMoved(): void {
    // No reaction to a cursor move without an edit.
  }

  edited(): void {
    // No reaction to edits beyond the completion request itself.
  }

  saved(doc: EditorDocument): void {
    const idx = this.editor?.active ?? 0;
    this.later(this.cfg.saveDelayMs, () => {
      if (!this.editor) return;
      if (this.editor.active === idx) this.pickAroundCursor(this.editor.cursorLine(), this.editor.doc(idx), idx);
      else this.pickChunk(this.editor.doc(idx).text.split('\n'), true, true, doc.relPath, idx);
    });
  }

  accepted(): void {
    // VS Code inserts the text; the extension is not told.
  }

  async complete(doc: EditorDocument, signal: AbortSignal): Promise<DriverResult> {
    const none: DriverResult = { suggestion: null, fromCache: false };
    if (this.cfg.debounceMs > 0) {
      await sleep(this.cfg.debounceMs);
      if (signal.aborted) return none;
    }
    while (this.inProgress) {
      await sleep(this.cfg.waitPollMs);
      if (signal.aborted) return none;
    }
    this.inProgress = true;
    try {
      this.lastCompletionStart = this.clock();
      const ctx = fimContext(doc, this.cfg.nPrefix, this.cfg.nSuffix);
      if (ctx.lineSuffix.length > this.cfg.maxLineSuffix) return none;
      let texts = this.cached(ctx.inputPrefix, ctx.inputSuffix, ctx.prompt);
      const fromCache = texts !== undefined;
      if (!texts) {
        if (signal.aborted) return none;
        const answer = await this.infill('request', ctx.inputPrefix, ctx.inputSuffix, ctx.prompt, signal);
        if (!answer) return none;
        texts = [answer.data.content ?? ''];
        // Discarded suggestions are not cached; kept ones are, even when the call was cancelled meanwhile.
        const kept = this.keep(texts, ctx);
        if (kept.length > 0) this.put(ctx.inputPrefix, ctx.inputSuffix, ctx.prompt, kept, answer.pending);
        texts = kept;
      } else {
        texts = this.keep(texts, ctx);
      }
      if (texts.length === 0) return none;
      const first = texts[0];
      const firstLines = trimTrailingBlankLines(first.split(/\r?\n/));
      this.later(0, async () => {
        if (!signal.aborted && ctx.lineSuffix.trim() === '') {
          await this.futureSuggestion(ctx.inputPrefix, ctx.inputSuffix, ctx.prompt, firstLines);
          this.futureAcceptLine(ctx.inputPrefix, ctx.inputSuffix, ctx.prompt, firstLines);
        }
        if (!signal.aborted) this.gatherAround(ctx.line, ctx.lines, doc.relPath);
      });
      let text = first;
      // Indentation-only line: the prompt was '' and the suggestion's own indent is cut back.
      if (ctx.prompt === '' && ctx.linePrefix.length > 0) text = stripLeadingBlanks(text, ctx.linePrefix.length);
      return { suggestion: { text, replaceChars: 0 }, fromCache };
    } finally {
      this.inProgress = false;
    }
  }

  async end(timeline: ReplayTimeline): Promise<DriverReport> {
    void timeline;
    if (this.ringTimer) clearInterval(this.ringTimer);
    this.ringTimer = null;
    // Deferred picks that have not run by now never will (the session ends).
    for (const t of this.timers) {
      clearTimeout(t.timer);
      t.settle();
    }
    this.timers = [];
    await Promise.allSettled(this.background);
    const totalCpuMs = this.serverCpuMs() - this.cpuAtBegin;
    const done = [...this.records].sort((a, b) => a.rec.endMs - b.rec.endMs);
    const cpu = serialCpu(done.map((p) => ({ startCpuMs: p.startCpuMs, endCpuMs: p.endCpuMs })));
    done.forEach((p, i) => {
      p.rec.cpuMs = cpu[i];
      if (p.rec.kind === 'request' && p.cancelled) p.rec.outcome = p.rec.outcome === 'done' ? 'superseded' : p.rec.outcome;
      const unusedAnswer = (p.rec.kind === 'request' && p.cancelled) || p.rec.kind === 'prefetch';
      p.rec.wasted = p.rec.outcome === 'error' || p.rec.outcome === 'aborted' || (unusedAnswer && !p.used);
    });
    return { requests: done.map((p) => p.rec), totalCpuMs };
  }

  /** POST /infill; null on an HTTP error (llama.vscode shows a message and returns nothing). */
  private async infill(
    kind: RequestRecord['kind'],
    inputPrefix: string,
    inputSuffix: string,
    prompt: string,
    signal: AbortSignal | null,
  ): Promise<{ data: InfillAnswer; pending: PendingRecord } | null> {
    const prep = kind === 'prep';
    const body = {
      id_slot: 0,
      input_prefix: inputPrefix,
      input_suffix: inputSuffix,
      input_extra: this.ring.map((c) => ({ ...c })),
      prompt,
      n_predict: prep ? 0 : this.cfg.nPredict,
      ...(prep
        ? { samplers: [], cache_prompt: true, t_max_prompt_ms: this.cfg.tMaxPromptMs, t_max_predict_ms: 1 }
        : {
            n_cmpl: 1,
            top_k: 40,
            top_p: 0.99,
            stream: false,
            samplers: PEER_SAMPLERS,
            cache_prompt: true,
            t_max_prompt_ms: this.cfg.tMaxPromptMs,
            t_max_predict_ms: this.cfg.tMaxPredictMs,
            // The harness fixes the generated token count: a random-weights model must not end early.
            ignore_eos: true,
          }),
    };
    const pending: PendingRecord = {
      rec: { startMs: this.clock(), endMs: 0, kind, outcome: 'done', promptTokens: null, evaluatedTokens: null, generatedTokens: null, cpuMs: 0, wasted: false },
      startCpuMs: this.serverCpuMs(),
      endCpuMs: 0,
      cancelled: false,
      used: false,
    };
    this.records.push(pending);
    const onCancel = (): void => {
      pending.cancelled = true;
    };
    signal?.addEventListener('abort', onCancel, { once: true });
    try {
      const r = await fetch(`${this.url}/infill`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const data = (await r.json()) as InfillAnswer & { error?: { message?: string } };
      pending.endCpuMs = this.serverCpuMs();
      pending.rec.endMs = this.clock();
      if (!r.ok) {
        pending.rec.outcome = 'error';
        throw new Error(`llama-server /infill ${r.status}: ${data.error?.message ?? JSON.stringify(data).slice(0, 200)}`);
      }
      const t = data.timings ?? {};
      pending.rec.evaluatedTokens = t.prompt_n ?? null;
      pending.rec.promptTokens = data.tokens_evaluated ?? (t.prompt_n !== undefined && t.cache_n !== undefined ? t.prompt_n + t.cache_n : null);
      pending.rec.generatedTokens = t.predicted_n ?? null;
      return { data, pending };
    } catch (err) {
      if (pending.endCpuMs === 0) {
        pending.endCpuMs = this.serverCpuMs();
        pending.rec.endMs = this.clock();
        pending.rec.outcome = 'error';
      }
      throw err;
    } finally {
      signal?.removeEventListener('abort', onCancel);
    }
  }

  private key(prefix: string, suffix: string, prompt: string): string {
    return createHash('sha256').update(`${prefix}|${suffix}|${prompt}`).digest('hex');
  }

  private put(prefix: string, suffix: string, prompt: string, texts: string[], source: PendingRecord | null): void {
    const k = this.key(prefix, suffix, prompt);
    this.cache.delete(k);
    this.cache.set(k, { texts, source });
    while (this.cache.size > this.cfg.maxCacheKeys) this.cache.delete(this.cache.keys().next().value as string);
  }

  private lookup(k: string): { texts: string[]; source: PendingRecord | null } | undefined {
    const hit = this.cache.get(k);
    if (!hit) return undefined;
    this.cache.delete(k);
    this.cache.set(k, hit);
    return hit;
  }

  /** The exact entry, else the longest shorter prompt whose cached text continues with what was typed since. */
  private cached(prefix: string, suffix: string, prompt: string): string[] | undefined {
    for (let cut = prompt.length; cut >= 0; cut--) {
      const hit = this.lookup(this.key(prefix, suffix, prompt.slice(0, cut)));
      if (!hit) continue;
      const typed = prompt.slice(cut);
      const rest = hit.texts.filter((t) => t.startsWith(typed)).map((t) => t.slice(typed.length));
      if (rest.length === 0) continue;
      if (hit.source) hit.source.used = true;
      return rest;
    }
    return undefined;
  }

  /** Suggestions that survive llama.vscode's checks (cut as it cuts them). */
  private keep(texts: readonly string[], ctx: ReturnType<typeof fimContext>): string[] {
    const out: string[] = [];
    for (const t of texts) {
      const lines = trimTrailingBlankLines(t.split(/\r?\n/));
      if (this.discard(lines, ctx)) continue;
      if (ctx.lineSuffix.trim() !== '') {
        if (lines[0].endsWith(ctx.lineSuffix)) out.push(lines[0].slice(0, -ctx.lineSuffix.length));
        else out.push(lines[0]);
      } else out.push(lines.join('\n'));
    }
    return out;
  }

  private discard(lines: readonly string[], ctx: ReturnType<typeof fimContext>): boolean {
    if (lines.length === 0) return true;
    if (lines.length === 1 && lines[0].trim() === '') return true;
    if (ctx.line === ctx.lines.length - 1) return false;
    if (lines.length === 1 && lines[0] === ctx.lineSuffix) return true;
    let next = ctx.line + 1;
    while (next < ctx.lines.length && ctx.lines[next].trim() === '') next++;
    if (next >= ctx.lines.length) return false;
    // A single line that re-types the next non-empty line of the document.
    return lines.length === 1 && ctx.linePrefix + lines[0] === ctx.lines[next];
  }

  /** The request for the text as it would be once the suggestion is accepted, cached for when it is. */
  private async futureSuggestion(prefix: string, suffix: string, prompt: string, lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    let futurePrefix = prefix;
    let futurePrompt = prompt + lines[0];
    if (lines.length > 1) {
      const all = (prefix + prompt + lines.slice(0, -1).join('\n')).split('\n');
      futurePrefix = all.slice(Math.max(0, all.length - this.cfg.nPrefix)).join('\n') + '\n';
      futurePrompt = lines[lines.length - 1];
    }
    if (this.cache.has(this.key(futurePrefix, suffix, futurePrompt))) return;
    let answer: { data: InfillAnswer; pending: PendingRecord } | null = null;
    try {
      answer = await this.infill('prefetch', futurePrefix, suffix, futurePrompt, null);
    } catch {
      return;
    }
    const content = answer?.data.content;
    if (answer && content !== undefined && content.trim() !== '') {
      this.put(futurePrefix, suffix, futurePrompt, [trimTrailingBlankLines(content.split(/\r?\n/)).join('\n')], answer.pending);
    }
  }

  /** Accepting the first line of a multi-line suggestion leaves its other lines as the next one (no request). */
  private futureAcceptLine(prefix: string, suffix: string, prompt: string, lines: readonly string[]): void {
    if (lines.length <= 1) return;
    const k = this.key(prefix + prompt + lines[0] + '\n', suffix, '');
    if (this.cache.has(k)) return;
    this.put(prefix + prompt + lines[0] + '\n', suffix, '', [lines.slice(1).join('\n')], null);
  }

  /** After a shown suggestion far from the last pick: a chunk from above the window and one from below. */
  private gatherAround(line: number, lines: readonly string[], filename: string): void {
    if (Math.abs(line - this.lastPickLine) <= this.cfg.pickDistanceLines) return;
    const n = lines.length;
    const slice = (from: number, to: number): string[] => lines.slice(from, to + 1);
    this.pickChunk(slice(Math.max(0, line - this.cfg.ringScope), Math.max(0, line - this.cfg.nPrefix)), false, false, filename, null);
    const below = Math.min(n - 1, line + this.cfg.nSuffix);
    this.pickChunk(slice(below, Math.min(n - 1, below + this.cfg.ringChunkSize)), false, false, filename, null);
    this.lastPickLine = line;
  }

  private pickAroundCursor(line: number, doc: EditorDocument, index: number): void {
    const lines = doc.text.split('\n');
    const half = this.cfg.ringChunkSize / 2;
    const from = Math.max(0, line - half);
    const to = Math.min(line + half, lines.length - 1);
    this.pickChunk(lines.slice(from, to + 1), true, true, doc.relPath, index);
  }

  private pickChunk(lines: readonly string[], skipDirty: boolean, evict: boolean, filename: string, index: number | null): void {
    if (skipDirty && index !== null && this.editor?.isDirty(index)) return;
    if (this.cfg.ringChunks <= 0 || lines.length < 3) return;
    let chosen: string[];
    if (lines.length + 1 < this.cfg.ringChunkSize) chosen = [...lines];
    else {
      const half = this.cfg.ringChunkSize / 2;
      const start = Math.floor(this.rnd() * Math.max(0, lines.length - half + 1));
      chosen = lines.slice(start, Math.min(start + half, lines.length));
    }
    const text = chosen.join('\n') + '\n';
    if (evict && (this.ring.some((c) => c.text === text) || this.queued.some((c) => c.text === text))) return;
    if (evict) {
      for (let i = this.ring.length - 1; i >= 0; i--) {
        if (jaccardLines(this.ringLines[i], chosen) > 0.9) {
          this.ring.splice(i, 1);
          this.ringLines.splice(i, 1);
        }
      }
      for (let i = this.queued.length - 1; i >= 0; i--) {
        if (jaccardLines(this.queuedLines[i], chosen) > 0.9) {
          this.queued.splice(i, 1);
          this.queuedLines.splice(i, 1);
        }
      }
    }
    if (this.queued.length >= this.cfg.maxQueuedChunks) {
      this.queued.shift();
      this.queuedLines.shift();
    }
    this.queued.push({ text, time: Date.now(), filename });
    this.queuedLines.push(chosen);
  }

  /** The periodic ring update: one queued chunk into the ring, then the server evaluates the ring (no tokens). */
  private ringTick(): void {
    if (this.queued.length === 0 || this.clock() - this.lastCompletionStart < this.cfg.ringQuietMs) return;
    const chunk = this.queued.shift() as Chunk;
    this.ring.push(chunk);
    this.ringLines.push(this.queuedLines.shift() as string[]);
    while (this.ring.length > this.cfg.ringChunks) {
      this.ring.shift();
      this.ringLines.shift();
    }
    this.background.push(this.infill('prep', '', '', '', null).catch(() => undefined));
  }

  private later(ms: number, fn: () => void | Promise<void>): void {
    let settle: () => void = () => undefined;
    this.background.push(new Promise<void>((r) => (settle = r)));
    const entry = {
      settle,
      timer: setTimeout(() => {
        this.timers = this.timers.filter((x) => x !== entry);
        Promise.resolve()
          .then(fn)
          .catch(() => undefined)
          .finally(settle);
      }, ms),
    };
    this.timers.push(entry);
  }
}

/**
 * llama.vscode asks for ['top_k', 'top_p', 'infill']. The infill sampler
 * keeps only candidates with p >= 0.2 and emits EOT when none is left: with
 * random weights no token ever reaches that, so every suggestion would end
 * after one token (ignore_eos does not stop it: the sampler puts EOT back).
 * The harness fixes the token count, so the peer samples without it.
 */
export const PEER_SAMPLERS: readonly string[] = ['top_k', 'top_p'];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function trimTrailingBlankLines(lines: string[]): string[] {
  const out = [...lines];
  while (out.length > 0 && out[out.length - 1].trim() === '') out.pop();
  return out;
}

/** Drops up to `n` leading spaces or tabs. */
function stripLeadingBlanks(s: string, n: number): string {
  let i = 0;
  while (i < s.length && i < n && (s[i] === ' ' || s[i] === '\t')) i++;
  return s.slice(i);
}
