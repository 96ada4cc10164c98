/**
 * The completion document for a notebook cell: the cell's text with the
 * code cells before it as prefix and those after it as suffix, as if the
 * notebook were one file. Only code cells in the cell's own language take
 * part (markdown prose or another language's cells would read as broken
 * code to the model); whole cells, nearest first, within a character limit
 * so a long notebook never hands the prompt builder megabytes to cut.
 */
import type { CompletionDocument } from './completion-engine';

export interface NotebookCellText {
  text: string;
  languageId: string;
  /** A code cell (not markdown). */
  code: boolean;
}

export interface NotebookContextOptions {
  /** The notebook's workspace-relative path (the prompt's file name). */
  relPath: string;
  /** Most characters of neighbouring cells to take; the cell itself is always whole. */
  limitChars?: number;
}

/** Between cells: a blank line, as a script of the cells would read. */
export const CELL_SEPARATOR = '\n\n';

/** Share of the neighbours' limit the preceding cells may take first (the prompt keeps about 3:1 prefix to suffix too). */
const PRECEDING_SHARE = 0.75;

export const DEFAULT_NOTEBOOK_LIMIT_CHARS = 16384;

export function notebookContext(cells: readonly NotebookCellText[], cellIndex: number, offset: number, opts: NotebookContextOptions): CompletionDocument {
  const cell = cells[cellIndex];
  if (!cell) throw new RangeError(`cell ${cellIndex} is not in a notebook of ${cells.length} cells`);
  const within = Math.max(0, Math.min(cell.text.length, offset));
  const joins = (c: NotebookCellText): boolean => c.code && c.languageId === cell.languageId && c.text.trim() !== '';
  const limit = Math.max(0, opts.limitChars ?? DEFAULT_NOTEBOOK_LIMIT_CHARS);

  // Nearest cells first; stop at the first that does not fit so the context stays contiguous.
  const take = (from: number, step: number, budget: number): { texts: string[]; used: number } => {
    const texts: string[] = [];
    let used = 0;
    for (let i = from; i >= 0 && i < cells.length; i += step) {
      if (!joins(cells[i])) continue;
      const cost = cells[i].text.length + CELL_SEPARATOR.length;
      if (used + cost > budget) break;
      texts.push(cells[i].text);
      used += cost;
    }
    return { texts, used };
  };
  const before = take(cellIndex - 1, -1, Math.floor(limit * PRECEDING_SHARE));
  const after = take(cellIndex + 1, 1, limit - before.used);

  const head = before.texts.reverse().map((t) => t + CELL_SEPARATOR).join('');
  const tail = after.texts.map((t) => CELL_SEPARATOR + t).join('');
  return { relPath: opts.relPath, text: head + cell.text + tail, offset: head.length + within };
}
