/**
 * A ring of text chunks from files the user recently opened, edited or saved,
 * for repo-level FIM context.
 *
 * Chunks are cut to a token budget (the prompt's other-files tokens divided
 * among a few chunks), on line boundaries, around the region that matters
 * (the lines edited since the last save, or what is on screen), so that a
 * chunk actually fits the prompt instead of being a fixed run of lines the
 * prompt builder then has to drop. A chunk replaces older chunks of the same
 * region of the same file (their text is stale) and near-duplicates (Jaccard
 * similarity of their line sets above a threshold) from any file.
 */
import type { ContextChunk } from '../host/engine-port';
import { DEFAULT_BUDGET, estimateTokens, type TokenCounter } from './fim-prompt';
import { OTHER_FILES_SHARE, otherFilesTokens } from './other-files-share';

export interface RingOptions {
  capacity: number;
  similarity: number;
  /** How many chunks one prompt should have room for: each is cut to promptTokens / chunksPerPrompt. */
  chunksPerPrompt: number;
}

export const DEFAULT_RING: RingOptions = { capacity: 16, similarity: 0.9, chunksPerPrompt: 2 };

/** Lines of a file that matter (0-based, inclusive); `focus` is where to centre when they do not all fit. */
export interface LineRegion {
  start: number;
  end: number;
  focus?: number;
}

/** What fim-prompt's buildFimRequest charges a chunk beyond its text: its path and two separators. */
export function chunkCost(chunk: ContextChunk, count: TokenCounter): number {
  return count(chunk.text) + count(chunk.path) + 2;
}

export function jaccard(a: string, b: string): number {
  const sa = new Set(a.split('\n').map((l) => l.trim()).filter(Boolean));
  const sb = new Set(b.split('\n').map((l) => l.trim()).filter(Boolean));
  if (sa.size === 0 && sb.size === 0) return 1;
  let inter = 0;
  for (const x of sa) if (sb.has(x)) inter++;
  return inter / (sa.size + sb.size - inter);
}

/**
 * The line range around `region` whose text fits `budget` tokens: the region
 * itself when it fits (else its focus line), grown a line at a time above and
 * below alternately while it still fits. Null when not even one line fits.
 */
export function cutAround(lines: string[], region: LineRegion, budget: number, count: TokenCounter): { start: number; end: number } | null {
  if (lines.length === 0 || budget <= 0) return null;
  const clamp = (n: number): number => Math.max(0, Math.min(lines.length - 1, Math.floor(n)));
  const fits = (s: number, e: number): boolean => count(lines.slice(s, e + 1).join('\n')) <= budget;
  let start = clamp(Math.min(region.start, region.end));
  let end = clamp(Math.max(region.start, region.end));
  if (!fits(start, end)) {
    start = end = clamp(region.focus ?? start);
    if (!fits(start, end)) return null;
  }
  let up = true;
  let down = true;
  while (up || down) {
    if (up) {
      if (start > 0 && fits(start - 1, end)) start--;
      else up = false;
    }
    if (down) {
      if (end < lines.length - 1 && fits(start, end + 1)) end++;
      else down = false;
    }
  }
  return { start, end };
}

interface RingChunk extends ContextChunk {
  start: number;
  end: number;
}

export class ChunkRing {
  private chunks: RingChunk[] = [];
  private promptTokens = otherFilesTokens(DEFAULT_BUDGET.windowTokens, OTHER_FILES_SHARE.default);

  constructor(
    private readonly opts: RingOptions = DEFAULT_RING,
    private readonly count: TokenCounter = estimateTokens,
  ) {}

  /** Tokens the other files get in one prompt (window × share); 0 turns the ring off. */
  setPromptTokens(tokens: number): void {
    this.promptTokens = Math.max(0, Math.floor(tokens));
  }

  /** Token budget of one chunk, path and separators included. */
  get chunkTokens(): number {
    return Math.floor(this.promptTokens / Math.max(1, this.opts.chunksPerPrompt));
  }

  /**
   * Takes the chunk of `text` around `where`: a region, or a line number
   * (0: the top of the file), cut to the chunk budget on line boundaries.
   */
  add(path: string, text: string, where: LineRegion | number = 0): void {
    const region = typeof where === 'number' ? { start: where, end: where } : where;
    const lines = text.split('\n');
    const budget = this.chunkTokens - this.count(path) - 2;
    const cut = cutAround(lines, region, budget, this.count);
    if (!cut) return;
    const body = lines.slice(cut.start, cut.end + 1).join('\n');
    if (body.trim() === '') return;
    const stale = (c: RingChunk): boolean =>
      (c.path === path && c.start <= cut.end && cut.start <= c.end) || jaccard(c.text, body) > this.opts.similarity;
    this.chunks = this.chunks.filter((c) => !stale(c));
    this.chunks.push({ path, text: body, start: cut.start, end: cut.end });
    while (this.chunks.length > this.opts.capacity) this.chunks.shift();
  }

  /** Drops chunks of a file (deleted, or now excluded). */
  forget(path: string): void {
    this.chunks = this.chunks.filter((c) => c.path !== path);
  }

  /**
   * The newest chunks that fit the other-files tokens together, leaving out
   * the file being edited, oldest first (most stable prompt start).
   */
  forPrompt(excludePath: string): ContextChunk[] {
    const picked: ContextChunk[] = [];
    let left = this.promptTokens;
    for (let i = this.chunks.length - 1; i >= 0; i--) {
      const c = this.chunks[i];
      if (c.path === excludePath) continue;
      const chunk = { path: c.path, text: c.text };
      const cost = chunkCost(chunk, this.count);
      if (cost > left) continue;
      picked.push(chunk);
      left -= cost;
    }
    return picked.reverse();
  }

  get length(): number {
    return this.chunks.length;
  }
}
