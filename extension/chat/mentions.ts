/**
 * `@` mentions typed in the chat input: `@file <path>`, `@selection`,
 * `@problems`, `@git-diff`, `@symbol <name>`. Each names context to attach
 * to the question; mention-sources.ts turns one into a chip. This is the one
 * list of them: the parser, the completion popup and the help text read it.
 * No vscode imports.
 *
 * What is not a mention, so that ordinary questions stay intact: an `@`
 * inside a word (a@b.com, user@host), anything inside a Markdown code span or
 * fence (`@Override`, a decorator in pasted code), and an `@word` that is not
 * in the list (left in the question as typed).
 */
import type { InputSuggestion } from '../protocol/webview-protocol';

export type MentionKind = 'file' | 'selection' | 'problems' | 'git-diff' | 'symbol';

/** What follows the name: nothing, a path (or glob), or a symbol's name. */
export type MentionArgument = 'none' | 'path' | 'symbol';

export interface MentionSpec {
  name: MentionKind;
  argument: MentionArgument;
  /** One line for the completion popup. */
  description: string;
}

export const MENTIONS: readonly MentionSpec[] = [
  { name: 'file', argument: 'path', description: 'Attach a workspace file (a path or a glob matching one file)' },
  { name: 'selection', argument: 'none', description: 'Attach the code selected in the editor' },
  { name: 'problems', argument: 'none', description: 'Attach the errors and warnings of the workspace' },
  { name: 'git-diff', argument: 'none', description: 'Attach the staged and unstaged changes (git)' },
  { name: 'symbol', argument: 'symbol', description: 'Attach a function, class or other symbol, by name' },
];

const ARGUMENT_HINT: Record<MentionArgument, string> = { none: '', path: 'a path or glob', symbol: 'a symbol name' };

export interface Mention {
  kind: MentionKind;
  /** The path or symbol name; '' for a mention that takes none, or when it was left out. */
  argument: string;
  /** Offsets in the parsed text of the first occurrence, argument included (end exclusive). */
  start: number;
  end: number;
}

export interface MentionParse {
  /** Each distinct mention once, in the order first typed. */
  mentions: Mention[];
  /** The text with every mention (and the spacing it leaves) taken out. */
  question: string;
}

/** The mention as the user would type it, for messages: `@file "a b.ts"`, `@selection`. */
export function mentionText(m: Pick<Mention, 'kind' | 'argument'>): string {
  if (!m.argument) return `@${m.kind}`;
  return `@${m.kind} ${/\s/.test(m.argument) ? `"${m.argument}"` : m.argument}`;
}

interface CodeScan {
  /** [start, end) of each closed code span or fence, backticks included, in order. */
  spans: [number, number][];
  /** Start of each backtick run that opens nothing (no closing run of its length follows). */
  unclosed: number[];
}

/**
 * Markdown code spans: a run of N backticks closes at the next run of exactly
 * N (a ``` fence is the case N = 3). Linear: each run looks up the next run of
 * its length in a table built right to left, not by scanning ahead again.
 */
function scanCode(text: string): CodeScan {
  const runs: { start: number; len: number }[] = [];
  for (const m of text.matchAll(/`+/g)) runs.push({ start: m.index, len: m[0].length });
  const nextSame = new Array<number>(runs.length).fill(-1);
  const lastByLen = new Map<number, number>();
  for (let i = runs.length - 1; i >= 0; i--) {
    nextSame[i] = lastByLen.get(runs[i].len) ?? -1;
    lastByLen.set(runs[i].len, i);
  }
  const spans: [number, number][] = [];
  const unclosed: number[] = [];
  for (let i = 0; i < runs.length; i++) {
    const j = nextSame[i];
    if (j < 0) {
      unclosed.push(runs[i].start);
      continue;
    }
    spans.push([runs[i].start, runs[j].start + runs[j].len]);
    i = j;
  }
  return { spans, unclosed };
}

function spanAt(spans: readonly [number, number][], pos: number): [number, number] | undefined {
  // Binary search: spans are sorted and disjoint.
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (pos < spans[mid][0]) hi = mid - 1;
    else if (pos >= spans[mid][1]) lo = mid + 1;
    else return spans[mid];
  }
  return undefined;
}

/** What may stand right before the `@`: the start, a space, an opening bracket or quote (not a word: a@b.com). */
const BEFORE_MENTION = /[\s([{"']/;
const NAME_AT = /@([A-Za-z][A-Za-z-]*)/g;
const SPEC_BY_NAME = new Map(MENTIONS.map((s) => [s.name as string, s]));

/** Whether the name ends at `end`: then the text ends, a space or closing punctuation follows ("@selection, and"), or a full stop. */
function endsName(text: string, end: number): boolean {
  const c = text[end];
  if (c === undefined || /[\s,;:!?)\]}"']/.test(c)) return true;
  return c === '.' && (end + 1 === text.length || /\s/.test(text[end + 1]));
}

/** A known mention name starting at `at` (its `@`), or undefined. */
function knownNameAt(text: string, at: number): { spec: MentionSpec; end: number } | undefined {
  const m = /^@([A-Za-z][A-Za-z-]*)/.exec(text.slice(at, at + 40));
  if (!m) return undefined;
  const spec = SPEC_BY_NAME.get(m[1].toLowerCase());
  const end = at + m[0].length;
  return spec && endsName(text, end) ? { spec, end } : undefined;
}

/** Drops sentence punctuation typed after an argument ("see @file a.ts, then"), and a closing bracket that opens nowhere in it. */
function trimArgument(token: string): string {
  let t = token;
  for (;;) {
    const before = t;
    t = t.replace(/[,;:!?.'"]+$/, '');
    for (const [open, close] of [['(', ')'], ['[', ']'], ['{', '}']]) {
      if (t.endsWith(close) && t.split(open).length < t.split(close).length) t = t.slice(0, -1);
    }
    if (t === before) return t;
  }
}

/** The argument after a name ending at `from`: a quoted or code-span one (spaces allowed) or one word, on the same line. */
function readArgument(text: string, from: number, spans: readonly [number, number][]): { argument: string; end: number } {
  const gap = /^[ \t]+/.exec(text.slice(from, from + 200));
  if (!gap) return { argument: '', end: from };
  const at = from + gap[0].length;
  const code = spanAt(spans, at);
  if (code && code[0] === at) {
    const inner = text.slice(at, code[1]).replace(/^`+|`+$/g, '').trim();
    if (inner && !inner.includes('\n')) return { argument: inner, end: code[1] };
    return { argument: '', end: from };
  }
  if (text[at] === '"') {
    const close = text.indexOf('"', at + 1);
    const inner = close < 0 ? '' : text.slice(at + 1, close);
    if (inner.trim() && !inner.includes('\n')) return { argument: inner.trim(), end: close + 1 };
  }
  // Another mention right after ("@file @selection") is not this one's argument; a path may still start with @ (@types/node).
  if (knownNameAt(text, at)) return { argument: '', end: from };
  const word = /^\S+/.exec(text.slice(at))![0];
  const argument = trimArgument(word);
  return argument ? { argument, end: at + argument.length } : { argument: '', end: from };
}

/** Identity of a mention for "the same one twice": paths compared as typed, less ./ and with / for \. */
function mentionKey(kind: MentionKind, argument: string): string {
  const arg = kind === 'file' ? argument.replace(/\\/g, '/').replace(/^(\.\/)+/, '') : argument;
  return `${kind}\u0000${arg}`;
}

/**
 * The mentions in a chat input and the question without them. Each distinct
 * mention comes back once (two `@selection`s attach one chip), but every
 * occurrence is taken out of the question. A mention that needs an argument
 * and has none comes back with argument '' so the resolver can say what is
 * missing, instead of the `@file` silently staying in the question.
 */
export function parseMentions(text: string): MentionParse {
  const { spans } = scanCode(text);
  const found: Mention[] = [];
  for (NAME_AT.lastIndex = 0; ; ) {
    const m = NAME_AT.exec(text);
    if (!m) break;
    const at = m.index;
    const name = at === 0 || BEFORE_MENTION.test(text[at - 1]) ? knownNameAt(text, at) : undefined;
    if (!name || spanAt(spans, at)) continue;
    const arg = name.spec.argument === 'none' ? { argument: '', end: name.end } : readArgument(text, name.end, spans);
    found.push({ kind: name.spec.name, argument: arg.argument, start: at, end: arg.end });
    NAME_AT.lastIndex = arg.end;
  }
  const seen = new Set<string>();
  const mentions = found.filter((f) => {
    const key = mentionKey(f.kind, f.argument);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { mentions, question: removeRanges(text, found) };
}

/**
 * The text less the ranges, tidied where each was: "explain @selection please"
 * keeps one space, "what is wrong in @problems?" loses the space before the
 * "?", and a mention alone on a line leaves no trailing blanks.
 */
function removeRanges(text: string, ranges: readonly { start: number; end: number }[]): string {
  let out = '';
  let kept = 0;
  for (const r of ranges) {
    let start = r.start;
    let end = r.end;
    const spaceBefore = start === 0 || /[ \t]/.test(text[start - 1]);
    if (spaceBefore && /[ \t]/.test(text[end] ?? '')) {
      while (/[ \t]/.test(text[end] ?? '')) end++;
    } else if (end === text.length || /[\n,.;:!?)\]}]/.test(text[end])) {
      while (start > kept && /[ \t]/.test(text[start - 1])) start--;
    }
    out += text.slice(kept, start);
    kept = end;
  }
  return (out + text.slice(kept)).trim();
}

/** The `@` being typed at the end of the input (outside code) and the tail's match, or undefined. */
function mentionStartAtEnd(beforeCursor: string, tail: RegExp): { at: number; match: RegExpExecArray } | undefined {
  const match = tail.exec(beforeCursor);
  if (!match) return undefined;
  const at = match.index + match[1].length;
  const { spans, unclosed } = scanCode(beforeCursor);
  // An open backtick before the cursor: the user is typing code (its closing backtick is yet to come).
  if (spanAt(spans, at) || unclosed.some((u) => u < at)) return undefined;
  return { at, match };
}

/**
 * What the input offers at the cursor: after "@" and part of a name, the
 * mention names that start with it. Nothing inside an argument ("@file src/"):
 * there the extension offers files or symbols (see mentionArgumentAt).
 */
export function mentionCompletions(textBeforeCursor: string): InputSuggestion[] {
  const found = mentionStartAtEnd(textBeforeCursor, /(^|[\s([{"'])@([A-Za-z-]*)$/);
  if (!found) return [];
  const typed = found.match[2].toLowerCase();
  return MENTIONS.filter((s) => s.name.startsWith(typed)).map((s) => ({
    label: `@${s.name}`,
    detail: s.argument === 'none' ? s.description : `${s.description} (then ${ARGUMENT_HINT[s.argument]})`,
    insert: `@${s.name} `,
    from: found.at,
  }));
}

/**
 * When the cursor is in the argument of `@file` or `@symbol`: which, what is
 * typed of it so far, and the offset a picked item replaces from (the
 * argument's start, an opening quote included). Otherwise null.
 */
export function mentionArgumentAt(textBeforeCursor: string): { kind: 'file' | 'symbol'; typed: string; from: number } | null {
  // A quoted argument may hold spaces ("@file \"my notes.md"); a bare one ends at the first space.
  const found = mentionStartAtEnd(textBeforeCursor, /(^|[\s([{"'])@(file|symbol)([ \t]+)(?:"([^"\n]*)|([^\s"]*))$/i);
  if (!found) return null;
  const [, , name, gap, quoted, bare] = found.match;
  return { kind: name.toLowerCase() as 'file' | 'symbol', typed: quoted ?? bare, from: found.at + 1 + name.length + gap.length };
}
