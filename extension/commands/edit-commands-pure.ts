/** The vscode-free parts of the edit commands: the rewrite prompt, its reply budget, reading its reply, the code a command works on. */
import { REWRITE_MARKER } from '../host/fake-engine';
import { stripReasoning } from '../engine/reasoning';

export const REWRITE_SYSTEM_PROMPT = `${REWRITE_MARKER} the user gives according to their instruction. Reply with only the complete new code in one fenced code block, no explanation.`;

/** What a rewrite reply holds: its code, and whether the code block was closed (false: the reply was cut off). */
export interface ExtractedCode {
  code: string;
  complete: boolean;
}

/**
 * The code of the first fenced block (without the model's reasoning), else
 * the whole reply. A block that never closes (the reply hit its token limit)
 * gives everything after its opening fence, marked incomplete, instead of the
 * fence line itself ending up in the file.
 */
export function extractCode(reply: string): ExtractedCode {
  const text = stripReasoning(reply);
  const closed = /```[^\n]*\n([\s\S]*?)```/.exec(text);
  if (closed) return { code: closed[1].replace(/\n$/, ''), complete: true };
  const open = /```[^\n]*\n([\s\S]*)$/.exec(text);
  if (open) return { code: open[1].replace(/\n$/, ''), complete: false };
  return { code: text.replace(/\n$/, ''), complete: true };
}

/**
 * Tokens a rewrite may reply with: the configured reply length, or more when
 * the code itself is longer (a rewrite repeats all of it), estimated at 3
 * characters a token (code runs 3-4) plus a quarter and the fences, and never
 * more than the context leaves after the prompt.
 */
export function rewriteReplyTokens(codeChars: number, configured: number, contextTokens: number): number {
  const codeTokens = Math.ceil(codeChars / 3);
  const wanted = Math.max(configured, Math.ceil(codeTokens * 1.25) + 64);
  const room = contextTokens - codeTokens - 256;  // the prompt: the code again, the instruction, the template
  return Math.max(64, Math.min(wanted, room));
}

/** A document symbol as the pure code needs it (vscode.DocumentSymbol fits). */
export interface SymbolSpan {
  readonly name: string;
  readonly kind: number;
  readonly range: { readonly start: { readonly line: number; readonly character: number }; readonly end: { readonly line: number; readonly character: number } };
  readonly children: readonly SymbolSpan[];
}

/** vscode.SymbolKind values of the symbols a docstring or an edit is about. */
export const CODE_SYMBOL_KINDS: ReadonlySet<number> = new Set([
  4, // Class
  5, // Method
  8, // Constructor
  9, // Enum
  10, // Interface
  11, // Function
  22, // Struct
]);

function contains(s: SymbolSpan, line: number, character: number): boolean {
  const { start, end } = s.range;
  if (line < start.line || line > end.line) return false;
  if (line === start.line && character < start.character) return false;
  if (line === end.line && character > end.character) return false;
  return true;
}

/** The innermost symbol of one of `kinds` that holds the position, or undefined. */
export function enclosingSymbol(symbols: readonly SymbolSpan[], line: number, character: number, kinds: ReadonlySet<number>): SymbolSpan | undefined {
  let found: SymbolSpan | undefined;
  let level: readonly SymbolSpan[] = symbols;
  for (;;) {
    const hit = level.find((s) => contains(s, line, character));
    if (!hit) return found;
    if (kinds.has(hit.kind)) found = hit;
    level = hit.children;
  }
}
