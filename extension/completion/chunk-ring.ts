/**
 * A ring of text chunks from files the user recently opened, edited or saved,
 * for repo-level FIM context. Near-duplicates (Jaccard similarity of their
 * line sets above a threshold) replace each other instead of piling up.
 */
import type { ContextChunk } from '../host/engine-port';

export interface RingOptions {
  capacity: number;
  chunkLines: number;
  similarity: number;
}

export const DEFAULT_RING: RingOptions = { capacity: 16, chunkLines: 64, similarity: 0.9 };

export function jaccard(a: string, b: string): number {
  const sa = new Set(a.split('\n').map((l) => l.trim()).filter(Boolean));
  const sb = new Set(b.split('\n').map((l) => l.trim()).filter(Boolean));
  if (sa.size === 0 && sb.size === 0) return 1;
  let inter = 0;
  for (const x of sa) if (sb.has(x)) inter++;
  return inter / (sa.size + sb.size - inter);
}

export class ChunkRing {
  private chunks: ContextChunk[] = [];

  constructor(private readonly opts: RingOptions = DEFAULT_RING) {}

  /** Takes the chunk of `text` around `line` (or the top of the file). */
  add(path: string, text: string, line = 0): void {
    const lines = text.split('\n');
    const half = Math.floor(this.opts.chunkLines / 2);
    const start = Math.max(0, Math.min(line - half, lines.length - this.opts.chunkLines));
    const body = lines.slice(start, start + this.opts.chunkLines).join('\n');
    if (body.trim() === '') return;
    this.chunks = this.chunks.filter((c) => !(c.path === path && jaccard(c.text, body) > this.opts.similarity) && !(jaccard(c.text, body) > this.opts.similarity));
    this.chunks.push({ path, text: body });
    while (this.chunks.length > this.opts.capacity) this.chunks.shift();
  }

  /** Drops chunks of a file (deleted, or now excluded). */
  forget(path: string): void {
    this.chunks = this.chunks.filter((c) => c.path !== path);
  }

  /** Oldest first (most stable prompt start), leaving out the file being edited. */
  forPrompt(excludePath: string): ContextChunk[] {
    return this.chunks.filter((c) => c.path !== excludePath);
  }

  get length(): number {
    return this.chunks.length;
  }
}
