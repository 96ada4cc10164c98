/**
 * What each `@` mention (mentions.ts) attaches: a chip with its text, a label
 * and its token count, or a sentence saying why nothing was attached. Every
 * chip is cut to the token budget the caller passes (what the chat's context
 * has left), so one mention cannot crowd out the question.
 *
 * Reuses what the rest of Hearth already does: the attachment checks of the
 * file picker (attachment.ts), the git extension's API of "Generate Commit
 * Message" (scm/), its per-file diff budgeting, and the head-of-text cut of
 * the completion prompt. Never spawns git, never reads outside the workspace.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { takeHeadLines, type TokenCounter } from '../completion/fim-prompt';
import { CODE_SYMBOL_KINDS } from '../commands/edit-commands-pure';
import { budgetDiff } from '../scm/commit-prompt';
import { findRepository } from '../scm/git-api';
import { attachmentSizeProblem, checkAttachment } from './attachment';
import { mentionText, type Mention } from './mentions';

/** The chip kinds mentions make (ContextChip['kind'] needs all of them). */
export type MentionChipKind = 'file' | 'selection' | 'problems' | 'diff' | 'symbol';

export interface MentionChip {
  kind: MentionChipKind;
  label: string;
  /** Text sent to the model, already cut to the budget. */
  text: string;
  /** `text` counted with the caller's counter. */
  tokens: number;
  /** Set when the text was cut or items were left out: what the user should know. */
  note?: string;
}

export type MentionResolution = { ok: true; chip: MentionChip } | { ok: false; reason: string };

export interface MentionContext {
  /** The editor last worked in (the chat has focus while the user types): @selection reads it, @git-diff prefers its repository. */
  editor: vscode.TextEditor | undefined;
  /** Tokens the chip's text may take. */
  budgetTokens: number;
  count: TokenCounter;
}

/** Most problems listed: past this a list helps the model less than the question's own context would. */
export const MAX_PROBLEMS = 200;

/** Where @file does not look for a glob's match (as the file picker). */
const FILE_EXCLUDE = '**/{node_modules,.git,dist,out}/**';
/** Matches asked of findFiles: enough to list a few when a name is ambiguous. */
const FIND_LIMIT = 20;

/** Thrown inside a resolver for a refusal; resolveMention turns it into the sentence. */
class Refusal extends Error {}

/**
 * The chip a mention attaches, or why it attaches nothing (a sentence for the
 * user, naming the mention). Never throws: an unexpected failure is a refusal too.
 */
export async function resolveMention(m: Mention, ctx: MentionContext): Promise<MentionResolution> {
  try {
    if (ctx.budgetTokens <= 0) throw new Refusal("the chat's context has no room left for it");
    const chip = await RESOLVERS[m.kind](m.argument, ctx);
    return { ok: true, chip };
  } catch (err) {
    const why = err instanceof Refusal ? err.message : `it could not be read (${(err as Error)?.message ?? String(err)})`;
    return { ok: false, reason: `Hearth did not attach ${mentionText(m)}: ${why.replace(/\.$/, '')}.` };
  }
}

const RESOLVERS: Record<Mention['kind'], (argument: string, ctx: MentionContext) => Promise<MentionChip>> = {
  file: resolveFile,
  selection: resolveSelection,
  problems: resolveProblems,
  'git-diff': resolveGitDiff,
  symbol: resolveSymbol,
};

function chip(kind: MentionChipKind, label: string, fitted: Fitted, count: TokenCounter): MentionChip {
  return { kind, label, text: fitted.text, tokens: count(fitted.text), ...(fitted.note ? { note: fitted.note } : {}) };
}

interface Fitted {
  text: string;
  note?: string;
}

/**
 * The text within the budget: whole, or its first lines and a line saying
 * how much was cut (so the model knows it saw a part). One long line (a
 * minified file) is cut by characters. The closing line's own cost is taken
 * from the budget, retried while a real tokenizer counts it higher.
 */
function fitText(text: string, budget: number, count: TokenCounter): Fitted {
  if (count(text) <= budget) return { text };
  const lines = text.split('\n').length;
  for (let room = budget - 24; room > 0; ) {
    let head = takeHeadLines(text, room, count);
    let note: string;
    if (head) {
      note = `cut to its first ${head.split('\n').length} of ${lines} lines to fit the chat's context`;
    } else {
      head = headChars(text, room, count);
      note = `cut to its first ${head.length} of ${text.length} characters to fit the chat's context`;
    }
    const out = `${head}\n[… ${note}]`;
    const over = count(out) - budget;
    if (head && over <= 0) return { text: out, note };
    room -= Math.max(over, 1);
  }
  throw new Refusal(`it does not fit: the chat's context has ${budget} tokens left`);
}

/** The longest start of `text` within `budget` (binary search: counts only grow with length). */
function headChars(text: string, budget: number, count: TokenCounter): string {
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (count(text.slice(0, mid)) <= budget) lo = mid;
    else hi = mid - 1;
  }
  return text.slice(0, lo);
}

// ---- @file ----

async function resolveFile(argument: string, ctx: MentionContext): Promise<MentionChip> {
  if (!argument) throw new Refusal('it needs a path after it, e.g. @file src/app.ts');
  const uri = await findFile(argument);
  const label = vscode.workspace.asRelativePath(uri);
  // An open file with unsaved changes: what the user sees, not what is on disk.
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString() && d.isDirty);
  if (open) return chip('file', label, fitText(open.getText(), ctx.budgetTokens, ctx.count), ctx.count);
  const stat = await vscode.workspace.fs.stat(uri);
  if (stat.type & vscode.FileType.Directory) throw new Refusal(`${label} is a folder; name one file in it`);
  // Stat first: a huge file is refused without being read.
  const tooBig = attachmentSizeProblem(stat.size);
  if (tooBig) throw new Refusal(tooBig);
  const checked = checkAttachment(await vscode.workspace.fs.readFile(uri));
  if (!checked.ok) throw new Refusal(checked.reason);
  return chip('file', label, fitText(checked.text, ctx.budgetTokens, ctx.count), ctx.count);
}

/**
 * The one file a path names: relative to a workspace folder (or, in a
 * multi-root workspace, after the folder's name, as asRelativePath writes
 * it), or absolute inside one. Failing that, or for a glob, findFiles: one
 * match is the file; several are listed back to choose from.
 */
async function findFile(argument: string): Promise<vscode.Uri> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) throw new Refusal('no folder is open, so there is no workspace to find it in');
  const typed = argument.replace(/\\/g, '/');
  const glob = /[*?[\]{}]/.test(typed);
  if (!glob) {
    for (const uri of pathCandidates(typed, folders)) {
      if (await exists(uri)) return uri;
    }
  }
  // Only a workspace file may be attached: an absolute path elsewhere, or one up from a folder, is not searched for.
  if (!glob && (isAbsolute(typed) || leavesFolder(typed))) throw new Refusal('it is outside the workspace folders');
  const pattern = glob ? typed : `**/${typed.replace(/^(\.\/)+/, '')}`;
  const found = await vscode.workspace.findFiles(pattern, FILE_EXCLUDE, FIND_LIMIT);
  if (found.length === 1) return found[0];
  if (found.length === 0) throw new Refusal('no file in the workspace has that path or matches it');
  const names = found.slice(0, 5).map((u) => vscode.workspace.asRelativePath(u));
  const count = found.length >= FIND_LIMIT ? `${FIND_LIMIT} or more` : String(found.length);
  throw new Refusal(`${count} files match it (${names.join(', ')}${found.length > 5 ? ', …' : ''}); give more of the path`);
}

function pathCandidates(typed: string, folders: readonly vscode.WorkspaceFolder[]): vscode.Uri[] {
  const out: vscode.Uri[] = [];
  for (const f of folders) {
    const root = f.uri.path.replace(/\/$/, '');
    if (isAbsolute(typed)) {
      // Absolute: only inside a workspace folder.
      // Normalized first: "/ws/../elsewhere" starts with the folder's path but leaves it.
      const abs = path.posix.normalize(typed.startsWith('/') ? typed : `/${typed}`);
      if (abs.toLowerCase().startsWith(`${root.toLowerCase()}/`)) out.push(vscode.Uri.joinPath(f.uri, abs.slice(root.length + 1)));
      continue;
    }
    for (const rel of [typed, typed.startsWith(`${f.name}/`) ? typed.slice(f.name.length + 1) : undefined]) {
      if (!rel) continue;
      if (!leavesFolder(rel)) out.push(vscode.Uri.joinPath(f.uri, path.posix.normalize(rel)));
    }
  }
  return out;
}

function isAbsolute(typed: string): boolean {
  return typed.startsWith('/') || /^[A-Za-z]:\//.test(typed);
}

function leavesFolder(rel: string): boolean {
  const norm = path.posix.normalize(rel);
  return norm === '..' || norm.startsWith('../');
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

// ---- @selection ----

async function resolveSelection(_argument: string, ctx: MentionContext): Promise<MentionChip> {
  const ed = ctx.editor;
  if (!ed || ed.document.isClosed) throw new Refusal('no editor is open; open a file and select the code');
  const label = vscode.workspace.asRelativePath(ed.document.uri);
  if (ed.selection.isEmpty) throw new Refusal(`nothing is selected in ${label}; select the code first`);
  const { start, end } = ed.selection;
  return chip('selection', `${label}:${start.line + 1}-${end.line + 1}`, fitText(ed.document.getText(ed.selection), ctx.budgetTokens, ctx.count), ctx.count);
}

// ---- @problems ----

async function resolveProblems(_argument: string, ctx: MentionContext): Promise<MentionChip> {
  const all = vscode.languages.getDiagnostics().flatMap(([uri, list]) =>
    list.filter((d) => d.severity <= vscode.DiagnosticSeverity.Warning).map((d) => ({ uri, d, where: vscode.workspace.asRelativePath(uri) })),
  );
  if (all.length === 0) throw new Refusal('the workspace has no errors or warnings');
  // Errors first, then by file and line, so a cut list keeps what matters most.
  all.sort((a, b) => a.d.severity - b.d.severity || a.where.localeCompare(b.where) || a.d.range.start.line - b.d.range.start.line);
  const lines = all.map(({ d, where }) => {
    const severity = d.severity === vscode.DiagnosticSeverity.Error ? 'error' : 'warning';
    return `${where}:${d.range.start.line + 1}:${d.range.start.character + 1} ${severity} ${d.message.replace(/\s*\n\s*/g, ' ')}`;
  });
  // Whole lines only; the closing line's cost is set aside first.
  let budget = ctx.budgetTokens - ctx.count(`[… ${all.length} more not shown]`) - 1;
  const kept: string[] = [];
  for (const line of lines.slice(0, MAX_PROBLEMS)) {
    const cost = ctx.count(line) + 1;
    if (cost > budget) break;
    budget -= cost;
    kept.push(line);
  }
  if (kept.length === 0) throw new Refusal(`it does not fit: the chat's context has ${ctx.budgetTokens} tokens left`);
  const left = all.length - kept.length;
  const errors = all.filter((p) => p.d.severity === vscode.DiagnosticSeverity.Error).length;
  const warnings = all.length - errors;
  const label = `problems (${plural(errors, 'error')}, ${plural(warnings, 'warning')})`;
  const text = left ? `${kept.join('\n')}\n[… ${left} more not shown]` : kept.join('\n');
  return chip('problems', label, { text, ...(left ? { note: `${left} of ${all.length} problems left out to fit` } : {}) }, ctx.count);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

// ---- @git-diff ----

async function resolveGitDiff(_argument: string, ctx: MentionContext): Promise<MentionChip> {
  // findRepository takes anything with a rootUri and asks git for the repository holding it:
  // the last editor's file picks its repository in a multi-repository workspace.
  const found = await findRepository(ctx.editor ? { rootUri: ctx.editor.document.uri } : undefined);
  if ('problem' in found) throw new Refusal(found.problem);
  const repo = found.repository;
  const [staged, unstaged] = await Promise.all([repo.diff(true), repo.diff(false)]);
  if (!staged.trim() && !unstaged.trim()) {
    throw new Refusal(`${path.posix.basename(repo.rootUri.path)} has no staged or unstaged changes (new files git does not track yet are in no diff)`);
  }
  const sections: { title: string; diff: string }[] = [
    { title: 'Staged changes', diff: staged },
    { title: 'Unstaged changes', diff: unstaged },
  ].filter((s) => s.diff.trim());
  // Staged first (what is about to be committed), then what the rest of the budget holds of the unstaged.
  let budget = ctx.budgetTokens - 64;
  const parts: string[] = [];
  const label: string[] = [];
  const cut: string[] = [];
  for (const s of sections) {
    const b = budgetDiff(s.diff, Math.max(0, budget - ctx.count(s.title) - 2), ctx.count);
    const files = b.kept.length + b.dropped.length;
    label.push(`${plural(files, 'file')} ${s.title.split(' ')[0].toLowerCase()}`);
    if (!b.text) {
      cut.push(`${s.title.toLowerCase()}: all ${plural(files, 'file')} left out`);
      continue;
    }
    const notes = [
      ...(b.truncated ? [`the diff of ${b.kept[0]} is cut short`] : []),
      ...(b.dropped.length ? [`${plural(b.dropped.length, 'more file')} not shown: ${b.dropped.slice(0, 10).join(', ')}${b.dropped.length > 10 ? ', …' : ''}`] : []),
    ];
    if (notes.length) cut.push(`${s.title.toLowerCase()}: ${notes.join('; ')}`);
    const part = `${s.title}:\n${b.text.replace(/\n?$/, '\n')}${notes.map((n) => `[… ${n}]\n`).join('')}`;
    budget -= ctx.count(part);
    parts.push(part);
  }
  if (parts.length === 0) throw new Refusal(`it does not fit: the chat's context has ${ctx.budgetTokens} tokens left`);
  const text = parts.join('\n').replace(/\n$/, '');
  // The headers and notes came out of the 64 set aside; long file names could still overrun it.
  const fitted = ctx.count(text) <= ctx.budgetTokens ? { text } : fitText(text, ctx.budgetTokens, ctx.count);
  const note = [...cut, ...(fitted.note ? [fitted.note] : [])].join('; ');
  return chip('diff', `git diff (${label.join(', ')})`, { text: fitted.text, ...(note ? { note } : {}) }, ctx.count);
}

// ---- @symbol ----

/** A symbol of either provider answer: DocumentSymbol (range, children) or SymbolInformation (location). */
interface SymbolNode {
  name: string;
  range: vscode.Range;
  children: SymbolNode[];
}

async function resolveSymbol(argument: string, ctx: MentionContext): Promise<MentionChip> {
  if (!argument) throw new Refusal('it needs a name after it, e.g. @symbol parseMentions');
  // "Class.method": the provider is asked for the method, the class narrows the matches.
  const dot = argument.lastIndexOf('.');
  const name = dot > 0 && dot < argument.length - 1 ? argument.slice(dot + 1) : argument;
  const container = name === argument ? undefined : argument.slice(0, dot);
  const found = await askProvider<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', name);
  const best = bestSymbol(found ?? [], name, container);
  if (!best) {
    const near = (found ?? []).slice(0, 3).map((s) => s.name);
    throw new Refusal(`no symbol of the workspace is named ${argument}${near.length ? ` (the closest: ${near.join(', ')})` : ''}`);
  }
  const doc = await vscode.workspace.openTextDocument(best.location.uri);
  const r = (await enclosingRange(doc.uri, best)) ?? best.location.range;
  // Whole lines: the declaration's first line and the closing brace's.
  const range = new vscode.Range(r.start.line, 0, r.end.line, doc.lineAt(r.end.line).text.length);
  const label = `${best.name} (${vscode.workspace.asRelativePath(doc.uri)}:${r.start.line + 1})`;
  return chip('symbol', label, fitText(doc.getText(range), ctx.budgetTokens, ctx.count), ctx.count);
}

/** A provider command's answer; undefined when no extension provides it (the command then throws). */
async function askProvider<T>(command: string, ...args: unknown[]): Promise<T | undefined> {
  try {
    return await vscode.commands.executeCommand<T>(command, ...args);
  } catch {
    return undefined;
  }
}

/**
 * The best of a workspace symbol answer: the name exactly, then ignoring
 * case, then as a prefix, then anywhere in the name (providers also answer
 * with fuzzy matches, which are not what was named). Among equals a function,
 * class or the like beats a variable of the same name, then the provider's order.
 */
function bestSymbol(found: readonly vscode.SymbolInformation[], name: string, container?: string): vscode.SymbolInformation | undefined {
  const lower = name.toLowerCase();
  const rank = (s: vscode.SymbolInformation): number => {
    if (container && !(s.containerName ?? '').toLowerCase().endsWith(container.toLowerCase())) return -1;
    const n = s.name.toLowerCase();
    const tier = s.name === name ? 0 : n === lower ? 1 : n.startsWith(lower) ? 2 : n.includes(lower) ? 3 : -1;
    return tier < 0 ? -1 : tier * 2 + (CODE_SYMBOL_KINDS.has(s.kind) ? 0 : 1);
  };
  let best: vscode.SymbolInformation | undefined;
  let bestRank = Infinity;
  for (const s of found) {
    const r = rank(s);
    if (r >= 0 && r < bestRank) {
      best = s;
      bestRank = r;
    }
  }
  return best;
}

/**
 * The whole symbol around a workspace result, from the document's symbols:
 * workspace providers often give only the name's position. The innermost of
 * that name holding the position, else the innermost starting on its line.
 */
async function enclosingRange(uri: vscode.Uri, s: vscode.SymbolInformation): Promise<vscode.Range | undefined> {
  const answer = await askProvider<(vscode.DocumentSymbol | vscode.SymbolInformation)[]>('vscode.executeDocumentSymbolProvider', uri);
  const nodes = (answer ?? []).map(toNode).filter((n): n is SymbolNode => !!n);
  const at = s.location.range.start;
  const holding: SymbolNode[] = [];
  const walk = (level: readonly SymbolNode[]): void => {
    for (const n of level) {
      if (!holds(n.range, at)) continue;
      holding.push(n);
      walk(n.children);
    }
  };
  walk(nodes);
  // holding runs outermost to innermost.
  const named = holding.filter((n) => n.name === s.name);
  return (named.at(-1) ?? holding.filter((n) => n.range.start.line === at.line).at(-1))?.range;
}

function toNode(s: vscode.DocumentSymbol | vscode.SymbolInformation | undefined): SymbolNode | undefined {
  if (!s) return undefined;
  if ('children' in s && 'range' in s) return { name: s.name, range: s.range, children: s.children.map(toNode).filter((n): n is SymbolNode => !!n) };
  if ('location' in s) return { name: s.name, range: s.location.range, children: [] };
  return undefined;
}

function holds(r: vscode.Range, p: vscode.Position): boolean {
  const afterStart = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
  const beforeEnd = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
  return afterStart && beforeEnd;
}
