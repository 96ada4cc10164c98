/**
 * Per document, the span of lines edited since it was last saved: what the
 * chunk ring takes from a file on save, instead of the file's first lines.
 * Later edits move the span as lines are inserted or deleted above or
 * inside it. No vscode import: the feeder passes the content changes in.
 */
import type { LineRegion } from './chunk-ring';

/** One content change, as VS Code reports it: the replaced range's lines (before the change) and the new text. */
export interface LineChange {
  startLine: number;
  endLine: number;
  text: string;
}

function newlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** `region` after `change`, merged with the lines the change wrote. */
export function applyChange(region: LineRegion | undefined, change: LineChange): LineRegion {
  const s = change.startLine;
  const e = Math.max(s, change.endLine);
  const written = s + newlines(change.text);
  if (!region) return { start: s, end: written, focus: written };
  const delta = written - e;
  // A line above the change stays; one below (or the change's last line, whose tail survives) moves by delta; one inside it collapses onto it.
  const move = (line: number): number => (line <= s ? line : line >= e ? line + delta : written);
  return { start: Math.min(move(region.start), s), end: Math.max(move(region.end), written), focus: written };
}

export class EditedRegions {
  private readonly regions = new Map<string, LineRegion>();

  /** Records one change event's content changes (applied in the order VS Code lists them). */
  change(key: string, changes: readonly LineChange[]): void {
    let region = this.regions.get(key);
    for (const c of changes) region = applyChange(region, c);
    if (region) this.regions.set(key, region);
  }

  /** The span edited since the last save, without clearing it. */
  peek(key: string): LineRegion | undefined {
    return this.regions.get(key);
  }

  /** The span edited since the last save; clears it (the document was saved). */
  take(key: string): LineRegion | undefined {
    const r = this.regions.get(key);
    this.regions.delete(key);
    return r;
  }

  forget(key: string): void {
    this.regions.delete(key);
  }

  get size(): number {
    return this.regions.size;
  }
}

/**
 * The region worth keeping from a file just shown: the visible lines,
 * centred on the cursor when it is among them (else on the middle of the
 * view); just the cursor's line when VS Code has no visible range yet.
 */
export function regionInView(visible: { start: number; end: number } | undefined, cursorLine: number): LineRegion {
  if (!visible) return { start: cursorLine, end: cursorLine };
  const inView = cursorLine >= visible.start && cursorLine <= visible.end;
  return { start: visible.start, end: visible.end, focus: inView ? cursorLine : Math.floor((visible.start + visible.end) / 2) };
}
