/**
 * The editor the trace is replayed in, without vscode: open documents, the
 * active one, its cursor and selection. Applies trace operations and says
 * what the document looks like after each. Pure (no clock, no I/O).
 */
import type { TraceFile } from './trace';

export interface EditorDocument {
  relPath: string;
  text: string;
  /** Cursor offset in text. */
  offset: number;
}

interface OpenFile {
  relPath: string;
  text: string;
  /** Unsaved edits (llama.vscode skips dirty buffers for some ring picks). */
  dirty: boolean;
  /** Where the cursor was when the user left this file. */
  offset: number;
}

export function lineStartOffset(text: string, line: number): number {
  let off = 0;
  for (let l = 0; l < line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  return off;
}

export function lineOf(text: string, offset: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export class EditorSim {
  private readonly files: OpenFile[];
  private activeIdx = 0;
  private cursor = 0;
  /** Selection end (the anchor is the cursor); equal to cursor when nothing is selected. */
  private selEnd = 0;

  constructor(files: readonly TraceFile[]) {
    this.files = files.map((f) => ({ relPath: f.relPath, text: f.text, dirty: false, offset: 0 }));
  }

  get active(): number {
    return this.activeIdx;
  }

  doc(index = this.activeIdx): EditorDocument {
    const f = this.files[index];
    return { relPath: f.relPath, text: f.text, offset: index === this.activeIdx ? this.cursor : f.offset };
  }

  isDirty(index = this.activeIdx): boolean {
    return this.files[index].dirty;
  }

  get fileCount(): number {
    return this.files.length;
  }

  /** The cursor's line in the active document. */
  cursorLine(): number {
    return lineOf(this.files[this.activeIdx].text, this.cursor);
  }

  /**
   * Moves to `file`, selecting from the first non-blank character of `line`
   * to the end of line `line + lines - 1` (clamped to the live document).
   */
  jump(file: number, line: number, lines: number): EditorDocument {
    this.files[this.activeIdx].offset = this.cursor;
    this.activeIdx = file;
    const text = this.files[file].text;
    const total = text.split('\n').length;
    const first = Math.min(line, total - 1);
    const start = lineStartOffset(text, first);
    const indent = /^[ \t]*/.exec(text.slice(start))?.[0].length ?? 0;
    const lastLine = Math.min(total - 1, first + Math.max(1, lines) - 1);
    const endNl = text.indexOf('\n', lineStartOffset(text, lastLine));
    this.cursor = start + indent;
    this.selEnd = Math.max(this.cursor, endNl < 0 ? text.length : endNl);
    return this.doc();
  }

  /** Types `s` (replacing the selection, if any). */
  type(s: string): EditorDocument {
    this.replace(this.cursor, this.selEnd, s);
    return this.doc();
  }

  backspace(): EditorDocument {
    if (this.selEnd > this.cursor) this.replace(this.cursor, this.selEnd, '');
    else if (this.cursor > 0) this.replace(this.cursor - 1, this.cursor, '');
    return this.doc();
  }

  /** Inserts accepted ghost text, replacing `replaceChars` characters right of the cursor. */
  acceptText(text: string, replaceChars: number): EditorDocument {
    this.replace(this.cursor, Math.max(this.selEnd, this.cursor + replaceChars), text);
    return this.doc();
  }

  save(): void {
    this.files[this.activeIdx].dirty = false;
  }

  private replace(from: number, to: number, s: string): void {
    const f = this.files[this.activeIdx];
    f.text = f.text.slice(0, from) + s + f.text.slice(Math.min(f.text.length, to));
    f.dirty = true;
    this.cursor = from + s.length;
    this.selEnd = this.cursor;
  }
}
