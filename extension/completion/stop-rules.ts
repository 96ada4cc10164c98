/**
 * Decides, while a completion streams in, where it must end. Feed every piece
 * to push(); once it returns a stop reason the caller aborts the generation
 * and uses text(), which is already cut at the right place.
 */
/** Where the host cuts a completion short (the engine's own reasons are engine.ts's CutReason). */
export type CutReason =
  | 'indent-drop'
  | 'unmatched-bracket'
  | 'repeats-next-line'
  | 'max-lines'
  | 'max-chars'
  | 'time-budget'
  | 'single-line'
  | 'stop-string';

export interface StopContext {
  /** Text of the cursor's line before the cursor. */
  linePrefix: string;
  /** Text of the cursor's line after the cursor. */
  lineSuffix: string;
  /** The document lines after the cursor's line. */
  nextLines: string[];
  maxLines: number;
  maxChars: number;
  /** Date.now() after which the completion ends at its next newline. */
  deadline: number;
  singleLine: boolean;
  stopStrings: string[];
}

const OPEN = '([{';
const CLOSE = ')]}';

export function indentOf(line: string): number {
  const m = /^[ \t]*/.exec(line)?.[0] ?? '';
  return m.replace(/\t/g, '    ').length;
}

/** Brackets opened on the cursor line and not closed by the rest of that line. */
function openBrackets(linePrefix: string, lineSuffix: string): string[] {
  const stack: string[] = [];
  for (const ch of linePrefix) {
    if (OPEN.includes(ch)) stack.push(ch);
    else if (CLOSE.includes(ch) && stack.length && OPEN.indexOf(stack[stack.length - 1]) === CLOSE.indexOf(ch)) stack.pop();
  }
  for (const ch of lineSuffix) {
    if (CLOSE.includes(ch) && stack.length && OPEN.indexOf(stack[stack.length - 1]) === CLOSE.indexOf(ch)) stack.pop();
  }
  return stack;
}

export class StopRules {
  private buf = '';
  private cut: number | null = null;
  private reason: CutReason | null = null;
  private readonly cursorIndent: number;
  private readonly nextNonEmpty: string;
  private readonly stack: string[];
  private scanned = 0;

  constructor(private readonly ctx: StopContext, private readonly now: () => number = Date.now) {
    // Lines of the completion may not start left of the cursor's block.
    this.cursorIndent = indentOf(ctx.linePrefix);
    this.nextNonEmpty = (ctx.nextLines.find((l) => l.trim() !== '') ?? '').trim();
    this.stack = openBrackets(ctx.linePrefix, ctx.lineSuffix);
  }

  get stopReason(): CutReason | null {
    return this.reason;
  }

  text(): string {
    return this.cut === null ? this.buf : this.buf.slice(0, this.cut);
  }

  /** Adds streamed text; returns the reason once the completion must stop. */
  push(piece: string): CutReason | null {
    if (this.reason) return this.reason;
    this.buf += piece;
    this.scan();
    return this.reason;
  }

  private stop(at: number, reason: CutReason): void {
    if (this.reason) return;
    this.cut = at;
    this.reason = reason;
  }

  private scan(): void {
    for (const s of this.ctx.stopStrings) {
      const i = this.buf.indexOf(s);
      if (i >= 0) this.stop(i, 'stop-string');
    }
    // Brackets, char by char, only over new text.
    for (; this.scanned < this.buf.length && !this.reason; this.scanned++) {
      const ch = this.buf[this.scanned];
      if (OPEN.includes(ch)) this.stack.push(ch);
      else if (CLOSE.includes(ch)) {
        const top = this.stack[this.stack.length - 1];
        if (top !== undefined && OPEN.indexOf(top) === CLOSE.indexOf(ch)) this.stack.pop();
        else this.stop(this.scanned, 'unmatched-bracket');
      }
    }
    if (this.reason) return;
    if (this.buf.length > this.ctx.maxChars) return this.stop(this.ctx.maxChars, 'max-chars');
    const lines = this.buf.split('\n');
    // Only complete lines (all but the last) are judged.
    let offset = 0;
    for (let i = 0; i < lines.length - 1; i++) {
      const endOfLine = offset + lines[i].length;
      if (i === 0 && this.ctx.singleLine) return this.stop(endOfLine, 'single-line');
      if (i + 1 >= this.ctx.maxLines) return this.stop(endOfLine, 'max-lines');
      if (this.now() > this.ctx.deadline && lines[0].trim() !== '') return this.stop(endOfLine, 'time-budget');
      const next = lines[i + 1];
      const nextComplete = i + 1 < lines.length - 1;
      if (nextComplete && next.trim() !== '') {
        if (indentOf(next) < this.cursorIndent) return this.stop(endOfLine, 'indent-drop');
        if (this.nextNonEmpty && next.trim() === this.nextNonEmpty) return this.stop(endOfLine, 'repeats-next-line');
      }
      if (i === 0 && this.nextNonEmpty && (this.ctx.linePrefix + lines[0]).trim() === this.nextNonEmpty && lines[0].trim() !== '') {
        return this.stop(0, 'repeats-next-line');
      }
      offset = endOfLine + 1;
    }
  }
}
