/**
 * LRU cache of finished completions keyed by their context, with reuse when
 * the user types through a shown suggestion: a later request whose prefix is
 * an earlier prefix plus the first characters of that suggestion gets the rest
 * of it without asking the engine.
 */
export interface CacheKey {
  prefix: string;
  suffix: string;
}

interface Entry {
  prefix: string;
  suffix: string;
  text: string;
}

/** Only this much context around the cursor decides a hit. */
const KEY_PREFIX_CHARS = 2000;
const KEY_SUFFIX_CHARS = 500;

function keyOf(k: CacheKey): string {
  return `${k.prefix.slice(-KEY_PREFIX_CHARS)}\u0000${k.suffix.slice(0, KEY_SUFFIX_CHARS)}`;
}

export class CompletionCache {
  private readonly map = new Map<string, Entry>();

  constructor(private readonly capacity = 250, private readonly typeThroughScan = 16) {}

  get size(): number {
    return this.map.size;
  }

  put(k: CacheKey, text: string): void {
    const key = keyOf(k);
    this.map.delete(key);
    this.map.set(key, { prefix: k.prefix.slice(-KEY_PREFIX_CHARS), suffix: k.suffix.slice(0, KEY_SUFFIX_CHARS), text });
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }

  get(k: CacheKey): string | undefined {
    const key = keyOf(k);
    const hit = this.map.get(key);
    if (hit) {
      this.map.delete(key);
      this.map.set(key, hit);
      return hit.text;
    }
    return this.typedThrough(k);
  }

  /** The newest entries whose suggestion the user has been typing out. */
  private typedThrough(k: CacheKey): string | undefined {
    const prefix = k.prefix.slice(-KEY_PREFIX_CHARS);
    const suffix = k.suffix.slice(0, KEY_SUFFIX_CHARS);
    const entries = [...this.map.values()].slice(-this.typeThroughScan).reverse();
    for (const e of entries) {
      if (e.suffix !== suffix) continue;
      // The old prefix may have been cut further left; compare on the overlap.
      for (let typed = 1; typed < e.text.length; typed++) {
        const head = e.text.slice(0, typed);
        if (!prefix.endsWith(head)) continue;
        const before = prefix.slice(0, prefix.length - typed);
        const overlap = Math.min(before.length, e.prefix.length);
        if (overlap > 0 && before.slice(-overlap) === e.prefix.slice(-overlap)) return e.text.slice(typed);
      }
    }
    return undefined;
  }
}
