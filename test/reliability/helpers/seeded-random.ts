/**
 * A seeded generator of random values for the JS fuzz tests: the same seed
 * gives the same run (the seed is printed, and HEARTH_FUZZ_SEED replays one).
 */
export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** mulberry32: a uniform 32-bit step. */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A string mixing ASCII, markup, control characters, lone surrogates and astral characters. */
  string(maxLen = 40): string {
    const alphabet = ['a', 'Z', '0', ' ', '\n', '\t', '\u0000', '<', '>', '{', '}', '%', '"', "'", '\\', 'é', '✓', '\uD800', '\uDFFF', '𝄞', '<|im_end|>', '{{', '}}', '{%', '%}'];
    let s = '';
    const n = this.int(0, maxLen);
    for (let i = 0; i < n; i++) s += this.pick(alphabet);
    return s;
  }

  /** Any JSON-ish value, nested up to `depth`. */
  value(depth = 3): unknown {
    const kind = this.int(0, depth > 0 ? 9 : 6);
    switch (kind) {
      case 0: return null;
      case 1: return undefined;
      case 2: return this.chance(0.5);
      case 3: return this.pick([0, -1, 1, 1.5, 2 ** 31, 2 ** 53 + 1, 1e308, -0, NaN, Infinity, this.int(-1000, 1000)]);
      case 4: return this.string();
      case 5: return this.chance(0.05) ? 'x'.repeat(this.int(1, 2_000_000)) : this.string(8);
      case 6: return this.pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty']);
      case 7: return Array.from({ length: this.int(0, 4) }, () => this.value(depth - 1));
      default: {
        const o: Record<string, unknown> = {};
        for (let i = this.int(0, 4); i > 0; i--) o[this.chance(0.2) ? this.pick(['__proto__', 'constructor', 'type', 'id', 'method', 'params']) : this.string(6)] = this.value(depth - 1);
        return o;
      }
    }
  }
}

/** The seed for a fuzz target: HEARTH_FUZZ_SEED, else the fixed default. */
export function fuzzSeed(dflt: number): number {
  const env = Number(process.env.HEARTH_FUZZ_SEED);
  return Number.isInteger(env) && env > 0 ? env : dflt;
}
