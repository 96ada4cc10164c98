/**
 * The latency benchmark's editing trace: a seeded, replayable session over a
 * few real source files, with a person's rhythm. Pure and deterministic: the
 * same files and options give the same operations.
 *
 * The user visits "sites". At each one they select code they are about to
 * rewrite (from the first non-blank character of a line to the end of the
 * last line they will touch) and retype it: the first key replaces the
 * selection, so the documents stay realistic and the text right of the
 * cursor is the rest of the file, as when writing a line anew. Between sites
 * the cursor jumps near (a few lines), far (a good part of the file away) or
 * to another open file.
 *
 * Keys come in bursts 80-250 ms apart, with pauses (>= 400 ms) at some word
 * boundaries and at every line boundary, typos fixed by a backspace, saves,
 * and accept opportunities: at a pause the user takes the ghost text if some
 * is shown (Tab, or typing through its first characters). Whether an accept
 * happens depends on what the engine showed, so it is decided at replay
 * (bench/latency/editor.ts); the trace only says where the user would.
 */
import { mulberry32 } from '../model/random-pool';

export interface TraceFile {
  /** Workspace-relative path the pipeline sees (its extension names the language). */
  relPath: string;
  text: string;
}

export type JumpKind = 'near' | 'far' | 'file';

export type TraceOp =
  /**
   * Move to `file`, select from the first non-blank character of `line` to
   * the end of line `line + lines - 1` (0-based lines of the live document).
   */
  | { kind: 'jump'; gapMs: number; jump: JumpKind; file: number; line: number; lines: number }
  /** One key: a character, or Enter as '\n' plus the editor's auto-indent. */
  | { kind: 'key'; gapMs: number; text: string }
  | { kind: 'backspace'; gapMs: number }
  /**
   * If ghost text is shown now: 'tab' inserts it and the user leaves the site
   * (the remaining keys of the site are skipped); 'type' types its first
   * characters (one per gap in `typeGapsMs`, first line only) and goes on.
   */
  | { kind: 'accept'; gapMs: number; mode: 'tab' | 'type'; typeGapsMs: number[] }
  | { kind: 'save'; gapMs: number };

export interface Trace {
  seed: number;
  files: TraceFile[];
  ops: TraceOp[];
}

export interface TraceOptions {
  seed: number;
  /** Keystrokes aimed at (keys and backspaces; accepts come on top when taken). */
  keystrokes: number;
  /** Cursor jumps of each kind (near, far, other file); 0: from the keystroke count. */
  jumpsPerKind: number;
}

export const DEFAULT_TRACE: TraceOptions = { seed: 11, keystrokes: 360, jumpsPerKind: 0 };

/** The gap before a key that makes the time after the previous key a pause. */
export const PAUSE_MS = 400;

/** Rhythm constants, ms. Bursts: BURST_MIN..BURST_MAX between keys. */
const BURST_MIN = 80;
const BURST_MAX = 250;
const WORD_PAUSE_P = 0.3;
const ACCEPT_P = 0.5;
const TYPO_P = 0.035;
const SAVE_P = 0.4;
const NEAR_MIN = 3;
const NEAR_MAX = 25;

/** Lines worth retyping: code with at least 16 characters after the indent, not a comment. */
export function candidateLines(lines: readonly string[]): number[] {
  const out: number[] = [];
  lines.forEach((l, i) => {
    const t = l.trim();
    if (t.length >= 16 && !/^(#|\/\/|\/\*|\*|"""|''')/.test(t)) out.push(i);
  });
  return out;
}

export function jumpsPerKindFor(keystrokes: number): number {
  return Math.max(1, Math.min(8, Math.round(keystrokes / 50)));
}

function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)?.[0] ?? '';
}

export function buildTrace(files: readonly TraceFile[], opts: TraceOptions = DEFAULT_TRACE): Trace {
  if (files.length < 2) throw new Error('the trace needs at least two files (file switches)');
  const rnd = mulberry32(opts.seed);
  const between = (lo: number, hi: number): number => Math.round(lo + (hi - lo) * rnd());
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const lines = files.map((f) => f.text.split('\n'));
  const cands = lines.map(candidateLines);
  cands.forEach((c, i) => {
    if (c.length < 4) throw new Error(`${files[i].relPath}: too few code lines to retype`);
  });

  const perKind = opts.jumpsPerKind > 0 ? opts.jumpsPerKind : jumpsPerKindFor(opts.keystrokes);
  const kinds: JumpKind[] = [];
  for (const k of ['near', 'far', 'file'] as const) for (let i = 0; i < perKind; i++) kinds.push(k);
  // Fisher-Yates with the seeded generator: the kinds interleave.
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j], kinds[i]];
  }
  // The first site is the file the user starts in (not a jump of the counted kinds).
  const sites = kinds.length + 1;
  const perSite = Math.max(6, Math.round(opts.keystrokes / sites));

  const ops: TraceOp[] = [];
  let file = 0;
  let line = cands[0][Math.floor(cands[0].length / 3)];
  for (let s = 0; s < sites; s++) {
    const kind: JumpKind = s === 0 ? 'file' : kinds[s - 1];
    if (s > 0) {
      if (kind === 'file') {
        file = pick(files.map((_, i) => i).filter((i) => i !== file));
        line = pick(cands[file]);
      } else {
        const n = lines[file].length;
        const near = cands[file].filter((l) => Math.abs(l - line) >= NEAR_MIN && Math.abs(l - line) <= NEAR_MAX);
        const farMin = Math.min(150, Math.floor(n / 3));
        const far = cands[file].filter((l) => Math.abs(l - line) >= farMin);
        const pool = kind === 'near' ? near : far;
        line = pick(pool.length > 0 ? pool : cands[file]);
      }
    }
    // What the user retypes: this line's body, maybe on into the next line.
    const src = lines[file];
    const budget = Math.max(4, Math.round(perSite * (0.6 + 0.8 * rnd())));
    let typed: string[] = [];
    const body = src[line].slice(indentOf(src[line]).length);
    for (const ch of body) typed.push(ch);
    for (let l = line + 1; typed.length < budget && l < src.length && src[l].trim() !== ''; l++) {
      typed.push('\n' + indentOf(src[l]));
      for (const ch of src[l].slice(indentOf(src[l]).length)) typed.push(ch);
    }
    typed = typed.slice(0, budget);
    // The selection ends with the last line the typed text reaches, so
    // typing it all keeps the line count.
    const touched = 1 + typed.filter((k) => k.startsWith('\n')).length;

    ops.push({ kind: 'jump', gapMs: s === 0 ? 0 : between(300, 900), jump: kind, file, line, lines: touched });
    let gap = between(600, 1500); // the user reads the new place before typing
    for (let k = 0; k < typed.length; k++) {
      const key = typed[k];
      if (k > 0 && gap >= PAUSE_MS && rnd() < ACCEPT_P) {
        const typeGapsMs = Array.from({ length: between(3, 8) }, () => between(BURST_MIN, BURST_MAX));
        ops.push({ kind: 'accept', gapMs: gap, mode: rnd() < 0.5 ? 'tab' : 'type', typeGapsMs });
        gap = between(BURST_MIN, BURST_MAX);
      }
      if (/^[A-Za-z]$/.test(key) && rnd() < TYPO_P) {
        ops.push({ kind: 'key', gapMs: gap, text: key === 'x' ? 'z' : 'x' });
        ops.push({ kind: 'backspace', gapMs: between(120, 320) });
        gap = between(BURST_MIN, BURST_MAX);
      }
      ops.push({ kind: 'key', gapMs: gap, text: key });
      // The gap before the next key: a pause after Enter (line boundary),
      // sometimes before Enter and after a word, a burst otherwise.
      const next = typed[k + 1];
      if (key.startsWith('\n')) gap = between(450, 1800);
      else if (next !== undefined && next.startsWith('\n') && rnd() < 0.5) gap = between(PAUSE_MS, 1200);
      else if (/[\s.(,;=:]/.test(key) && rnd() < WORD_PAUSE_P) gap = between(PAUSE_MS, 1500);
      else gap = between(BURST_MIN, BURST_MAX);
    }
    if (rnd() < SAVE_P) ops.push({ kind: 'save', gapMs: between(150, 400) });
  }
  return { seed: opts.seed, files: files.map((f) => ({ ...f })), ops };
}

/** Keystrokes the trace has before accepts (keys and backspaces). */
export function traceKeystrokes(trace: Trace): number {
  return trace.ops.filter((o) => o.kind === 'key' || o.kind === 'backspace').length;
}
