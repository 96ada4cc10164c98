/**
 * A replayable typing session over a source file, pure and deterministic:
 * at sites spread over the file the user retypes a line character by
 * character, with a person's rhythm (about 100-220 ms between keys, a
 * thinking pause now and then after a word, a longer one between sites).
 * Each keystroke carries the whole document as it is after the key.
 */
import { mulberry32 } from '../model/random-pool';

export interface Keystroke {
  /** Wait before this key, ms. */
  pauseMs: number;
  text: string;
  /** Cursor offset after the key. */
  offset: number;
  site: number;
}

export interface TypingOptions {
  keystrokes: number;
  seed: number;
  /** Characters retyped per site at most. */
  perSite: number;
}

export const DEFAULT_TYPING: TypingOptions = { keystrokes: 300, seed: 11, perSite: 50 };

/** Lines worth retyping: code with at least 20 characters after the indent, no comment lines. */
export function candidateLines(lines: readonly string[]): number[] {
  const out: number[] = [];
  lines.forEach((l, i) => {
    const t = l.trim();
    if (t.length >= 20 && !t.startsWith('*') && !t.startsWith('/*') && !t.startsWith('//')) out.push(i);
  });
  return out;
}

export function typingSession(source: string, opts: TypingOptions = DEFAULT_TYPING): Keystroke[] {
  const lines = source.split('\n');
  const cands = candidateLines(lines);
  if (cands.length === 0) throw new Error('the source file has no line to retype');
  // Sites walk the candidates with a stride, so they spread over the file;
  // as many as it takes to reach the keystroke count (short lines give fewer keys).
  const stride = Math.max(1, Math.floor(cands.length / Math.max(1, Math.ceil(opts.keystrokes / opts.perSite))));
  const rnd = mulberry32(opts.seed);
  const out: Keystroke[] = [];
  for (let s = 0; out.length < opts.keystrokes; s++) {
    const li = cands[(Math.floor(stride / 2) + s * stride + Math.floor((s * stride) / cands.length)) % cands.length];
    const line = lines[li];
    const indent = line.length - line.trimStart().length;
    const before = lines.slice(0, li).join('\n') + (li > 0 ? '\n' : '') + line.slice(0, indent);
    const after = '\n' + lines.slice(li + 1).join('\n');
    const body = line.slice(indent, indent + opts.perSite);
    for (let j = 1; j <= body.length && out.length < opts.keystrokes; j++) {
      const prev = body[j - 2] ?? '';
      let pause = j === 1 ? 1500 : 100 + 120 * rnd();
      if (/[\s.(,;=]/.test(prev) && rnd() < 0.15) pause += 400 + 800 * rnd();
      out.push({ pauseMs: Math.round(pause), text: before + body.slice(0, j) + after, offset: before.length + j, site: s });
    }
  }
  return out;
}
