/** `npm run bench` flags, parsed without dependencies. Pure. */
import { FORMATS, SHAPES, shapeById } from './model/shapes';
import type { BackendName } from './engines/protocol';

export interface BenchArgs {
  models: string[];
  formats: string[];
  runs: number;
  /** 0: physical cores. */
  threads: number;
  backend: BackendName;
  contextSize: number;
  ppTokens: number;
  tgTokens: number;
  json: string | null;
  /** Where the chart, table and JSON copy go; null: nowhere (--no-save). */
  resultsDir: string | null;
  cacheDir: string;
  /** Skip the cold-cache load children (halves the process count). */
  cold: boolean;
  /** Also run raw llama.cpp (libllama from C++, build/llama-ref). */
  raw: boolean;
  /** Hearth's kernel levels, one Hearth engine each; null: the default for this CPU (levels.ts). */
  levels: string[] | null;
  /** Prompt sizes timed besides ppTokens, ascending; []: none. */
  ppBatches: number[];
}

/**
 * The prompt sizes the completion pipeline evaluates in one go, so the table
 * shows prompt speed where an editor spends it, not only at 512.
 */
export const DEFAULT_PP_BATCHES: readonly number[] = [32, 64, 128, 256];

export const BACKENDS: readonly BackendName[] = ['cpu', 'cuda', 'vulkan', 'auto'];

export const USAGE = `npm run bench -- [--models 0.5b,1.5b,0.6b-qwen3,1.7b-qwen3,1b-gemma3,3b-starcoder2,
    30b-a3b-qwen3moe-d4,20b-gpt-oss-d4 (the MoE ones at any -d<layers>)]
  [--formats q4_0,q8_0,q4_k_m,f16,bf16,mxfp4 (MoE only: MXFP4 experts, the rest Q8_0)] [--runs 3]
  [--threads N (default: physical cores)] [--backend cpu|cuda|vulkan|auto] [--ctx 1024]
  [--json out.json] [--results-dir bench/results | --no-save] [--cache-dir .cache/bench] [--no-cold] [--no-raw]
  [--levels generic,sse2,avx2,avx512,avx512vnni,avx512bf16 | neon,dotprod (default: the level dispatch selects,
    plus avx2 when that is an AVX-512 one; Hearth runs once per level, HEARTH_CPU=<level>)]
  [--pp-batches 32,64,128,256 | none (prompt sizes timed besides pp512, at most 512)]`;

function list(value: string, allowed: readonly string[], flag: string, noun: string, known = (i: string) => allowed.includes(i)): string[] {
  const items = value.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  if (items.length === 0) throw new Error(`--${flag} needs at least one value`);
  for (const i of items) if (!known(i)) throw new Error(`unknown ${noun} '${i}' (one of ${allowed.join(', ')})`);
  return items;
}

/** --levels: names as given, checked against the CPU later (resolveLevels), since parsing knows no CPU. */
function levelList(value: string): string[] {
  const items = value.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  if (items.length === 0) throw new Error('--levels needs at least one value');
  return [...new Set(items)];
}

/** --pp-batches: sizes of 1..max (one batch of the pp run), ascending and once each; 'none': []. */
function batchList(value: string, max: number): number[] {
  if (value.trim().toLowerCase() === 'none') return [];
  const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new Error('--pp-batches needs at least one value (or none)');
  const sizes = items.map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`--pp-batches needs integers from 1 to ${max} (or none), got '${s}'`);
    return n;
  });
  return [...new Set(sizes)].sort((a, b) => a - b);
}

function positiveInt(value: string, flag: string, allowZero = false): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) throw new Error(`${flag} needs a ${allowZero ? 'non-negative' : 'positive'} integer, got '${value}'`);
  return n;
}

export function parseBenchArgs(argv: readonly string[], defaults: { resultsDir: string; cacheDir: string }): BenchArgs {
  const a: BenchArgs = {
    models: ['0.5b'],
    formats: ['q4_0', 'q8_0'],
    runs: 3,
    threads: 0,
    backend: 'cpu',
    contextSize: 1024,
    ppTokens: 512,
    tgTokens: 128,
    json: null,
    resultsDir: defaults.resultsDir,
    cacheDir: defaults.cacheDir,
    cold: true,
    raw: true,
    levels: null,
    ppBatches: [...DEFAULT_PP_BATCHES],
  };
  for (let i = 0; i < argv.length; i++) {
    let flag = argv[i];
    let value: string | undefined;
    const eq = flag.indexOf('=');
    if (flag.startsWith('--') && eq > 0) {
      value = flag.slice(eq + 1);
      flag = flag.slice(0, eq);
    }
    const need = (): string => {
      if (value !== undefined) return value;
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      // Any depth of the MoE shapes is accepted too (30b-a3b-qwen3moe-d48, 20b-gpt-oss-d24: the full models).
      case '--models': a.models = list(need(), Object.keys(SHAPES), 'models', 'model', (i) => shapeById(i) !== undefined); break;
      case '--formats': a.formats = list(need(), Object.keys(FORMATS), 'formats', 'format'); break;
      case '--runs': a.runs = positiveInt(need(), flag); break;
      case '--threads': a.threads = positiveInt(need(), flag, true); break;
      case '--backend': {
        const b = need().toLowerCase();
        if (!BACKENDS.includes(b as BackendName)) throw new Error(`unknown backend '${b}' (one of ${BACKENDS.join(', ')})`);
        a.backend = b as BackendName;
        break;
      }
      case '--ctx': a.contextSize = positiveInt(need(), flag); break;
      case '--json': a.json = need(); break;
      case '--results-dir': a.resultsDir = need(); break;
      case '--no-save': a.resultsDir = null; break;
      case '--cache-dir': a.cacheDir = need(); break;
      case '--no-cold': a.cold = false; break;
      case '--no-raw': a.raw = false; break;
      case '--levels': a.levels = levelList(need()); break;
      // At most ppTokens: each size is one forward pass of the pp run's batch.
      case '--pp-batches': a.ppBatches = batchList(need(), a.ppTokens); break;
      default: throw new Error(`unknown flag '${flag}'\n${USAGE}`);
    }
  }
  if (a.contextSize < a.ppTokens + 1) throw new Error(`--ctx must hold the ${a.ppTokens}-token prompt`);
  return a;
}
