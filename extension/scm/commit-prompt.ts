/**
 * The vscode-free parts of "Generate Commit Message": fitting a staged diff
 * into the chat model's context, the prompt around it, and turning the
 * model's reply into what goes in the Source Control input box.
 */
import type { ChatMessage } from '../host/engine-port';
import type { TokenCounter } from '../completion/fim-prompt';
import { stripReasoning } from '../engine/reasoning';

export const COMMIT_SYSTEM_PROMPT =
  'You write git commit messages. Given a staged diff, reply with only the commit message: a summary line of at most 72 characters ' +
  'in the imperative mood, then, if the change needs more words, a blank line and a short body. No code fences, no preamble.';

/** Longest commit message asked for, in tokens: a summary and a short body. */
export const COMMIT_REPLY_TOKENS = 256;

export interface BudgetedDiff {
  /** The files' diffs that fit, in their original order. */
  text: string;
  /** Paths of the files kept. */
  kept: string[];
  /** Paths of the files left out (from the end of the diff). */
  dropped: string[];
  /** True when even the first file did not fit and only its start is in `text`. */
  truncated: boolean;
}

interface FileDiff {
  path: string;
  text: string;
}

/** A unified diff cut at each `diff --git` header (git's own per-file boundary). */
export function splitDiffByFile(diff: string): FileDiff[] {
  const starts: number[] = [];
  const re = /^diff --git /gm;
  for (let m = re.exec(diff); m; m = re.exec(diff)) starts.push(m.index);
  if (starts.length === 0) return diff.trim() ? [{ path: '(diff)', text: diff }] : [];
  return starts.map((s, i) => {
    const text = diff.slice(s, starts[i + 1] ?? diff.length);
    // "diff --git a/x b/y": the new path names the file (renames included).
    const eol = text.indexOf('\n');
    const header = eol < 0 ? text : text.slice(0, eol);
    const path = / b\/(.+)$/.exec(header)?.[1] ?? header.replace(/^diff --git /, '');
    return { path, text };
  });
}

/**
 * As many whole files of `diff` as fit in `budgetTokens`, in order; the rest
 * are dropped from the end, named so the prompt and the user can say so.
 * Whole files, because half a hunk misleads the model more than a missing file.
 * Only when the first file alone is too big is it cut, at a line break.
 */
export function budgetDiff(diff: string, budgetTokens: number, count: TokenCounter): BudgetedDiff {
  const files = splitDiffByFile(diff);
  let used = 0;
  let n = 0;
  for (; n < files.length; n++) {
    const cost = count(files[n].text);
    if (used + cost > budgetTokens) break;
    used += cost;
  }
  if (n === 0 && files.length > 0) {
    const first = files[0];
    // Line by line: the sum of per-line counts is at least the whole's, so what is kept fits.
    let end = 0;
    for (const line of first.text.split(/(?<=\n)/)) {
      const cost = count(line);
      if (used + cost > budgetTokens) break;
      used += cost;
      end += line.length;
    }
    return { text: first.text.slice(0, end), kept: [first.path], dropped: files.slice(1).map((f) => f.path), truncated: true };
  }
  return { text: files.slice(0, n).map((f) => f.text).join(''), kept: files.slice(0, n).map((f) => f.path), dropped: files.slice(n).map((f) => f.path), truncated: false };
}

/** Prompt tokens the diff may take: the context less the reply, the instructions and a margin for the chat template. */
export function diffBudgetTokens(contextTokens: number, count: TokenCounter): number {
  return Math.max(0, contextTokens - COMMIT_REPLY_TOKENS - count(COMMIT_SYSTEM_PROMPT) - 64);
}

/** The chat messages for a budgeted diff; left-out files are listed by name so the message can still mention them. */
export function buildCommitMessages(b: BudgetedDiff): ChatMessage[] {
  const notes: string[] = [];
  if (b.truncated) notes.push(`(The diff of ${b.kept[0]} is cut short.)`);
  if (b.dropped.length) notes.push(`(${b.dropped.length} more changed file${b.dropped.length === 1 ? '' : 's'} not shown: ${b.dropped.slice(0, 20).join(', ')}${b.dropped.length > 20 ? ', …' : ''}.)`);
  const user = `Staged diff:\n\n${b.text}${notes.length ? `\n${notes.join('\n')}` : ''}\n\nWrite the commit message.`;
  return [
    { role: 'system', content: COMMIT_SYSTEM_PROMPT },
    { role: 'user', content: user },
  ];
}

/** What the user is told about a diff that did not fit whole, or null. */
export function budgetNote(b: BudgetedDiff): string | null {
  const parts: string[] = [];
  if (b.truncated) parts.push(`only the start of ${b.kept[0]} was read`);
  if (b.dropped.length) parts.push(`${b.dropped.length} file${b.dropped.length === 1 ? ' was' : 's were'} left out`);
  return parts.length ? `The staged diff is longer than the chat model's context: ${parts.join(' and ')}.` : null;
}

/**
 * The input box's text for a (possibly partial) reply: no reasoning, and the
 * inside of a fenced block if the model wrapped the message in one despite
 * being told not to (a preamble before the fence goes with it). Without a
 * fence the text is kept from its first line on.
 */
export function cleanCommitMessage(reply: string): string {
  let text = stripReasoning(reply);
  const open = /^[ \t]*```[^\n]*\n?/m.exec(text);
  if (open) {
    const body = text.slice(open.index + open[0].length);
    const close = /^[ \t]*```[ \t]*$/m.exec(body);
    text = close ? body.slice(0, close.index) : body.replace(/`{1,3}$/, '');
  }
  return text
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
