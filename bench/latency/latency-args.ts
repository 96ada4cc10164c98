/** `npm run bench:latency` flags, parsed without dependencies. Pure. */

/** The models the latency benchmark runs: shape id and format of bench/model. */
export const LATENCY_MODELS: Readonly<Record<string, { shape: string; format: string }>> = {
  '0.5b-q8_0': { shape: '0.5b', format: 'q8_0' },
  '1.5b-q4_k_m': { shape: '1.5b', format: 'q4_k_m' },
};

export interface LatencyArgs {
  /** Files the trace is built over; empty: the vendored defaults. */
  files: string[];
  model: string;
  tokens: number;
  threads: number;
  peer: boolean;
  json: string | null;
  runs: number;
  keystrokes: number;
  seed: number;
  /** Where latency-<model>-<tokens>.json, latency.md and latency.svg go; null: nowhere. */
  resultsDir: string | null;
}

export const LATENCY_USAGE = `npm run bench:latency -- [--files a.ts,b.py,c.cpp] [--model ${Object.keys(LATENCY_MODELS).join('|')}]
  [--tokens 8] [--threads 2] [--no-peer] [--json out.json] [--runs 1] [--keystrokes 360] [--seed 11]
  [--results-dir bench/results | --no-save]`;

export function parseLatencyArgs(argv: readonly string[], defaultResultsDir: string): LatencyArgs {
  const out: LatencyArgs = {
    files: [],
    model: '0.5b-q8_0',
    tokens: 8,
    threads: 2,
    peer: true,
    json: null,
    runs: 1,
    keystrokes: 360,
    seed: 11,
    resultsDir: defaultResultsDir,
  };
  const int = (flag: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < min) throw new Error(`${flag} wants an integer >= ${min}, got ${v ?? 'nothing'}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    const value = (): string => {
      if (v === undefined || v.startsWith('--')) throw new Error(`${a} wants a value`);
      i++;
      return v;
    };
    switch (a) {
      case '--files':
        out.files = value().split(',').map((s) => s.trim()).filter(Boolean);
        if (out.files.length < 2) throw new Error('--files wants at least two files (the trace switches files)');
        break;
      case '--model': {
        const m = value();
        if (!(m in LATENCY_MODELS)) throw new Error(`--model: unknown model ${m} (known: ${Object.keys(LATENCY_MODELS).join(', ')})`);
        out.model = m;
        break;
      }
      case '--tokens':
        out.tokens = int(a, value(), 1);
        break;
      case '--threads':
        out.threads = int(a, value(), 1);
        break;
      case '--runs':
        out.runs = int(a, value(), 1);
        break;
      case '--keystrokes':
        out.keystrokes = int(a, value(), 10);
        break;
      case '--seed':
        out.seed = int(a, value(), 0);
        break;
      case '--json':
        out.json = value();
        break;
      case '--results-dir':
        out.resultsDir = value();
        break;
      case '--no-save':
        out.resultsDir = null;
        break;
      case '--no-peer':
        out.peer = false;
        break;
      default:
        throw new Error(`unknown flag ${a}\nusage: ${LATENCY_USAGE}`);
    }
  }
  return out;
}
