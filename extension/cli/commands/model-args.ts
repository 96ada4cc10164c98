/**
 * Argument parsing shared by the commands that run a model (generate,
 * complete, chat): `--flag value` options, `--json`, positionals.
 */
import { UsageError } from '../command';
import { parseBackend, parseGpuLayers, type BackendName, type GpuLayers, type NativeModelInfo } from '../../engine/engine';
import { INT_OPTION_RANGES, clampThreads, parseInt10, type IntOptionName } from '../../engine/int-option';

export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string>;
  flags: Set<string>;
}

/** `booleanFlags` take no value; every other --option takes one. */
export function parseArgs(argv: string[], valueOptions: readonly string[], booleanFlags: readonly string[]): ParsedArgs {
  const out: ParsedArgs = { positionals: [], options: new Map(), flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      out.positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    if (booleanFlags.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      out.flags.add(name);
    } else if (valueOptions.includes(name)) {
      const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      out.options.set(name, value);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return out;
}

/**
 * An integer option in its range (engine/int-option.ts): anything else is
 * E_INVALID_ARGUMENT naming the flag and the range. `--threads` above the
 * cores present is clamped, with a warning through `warn`.
 */
export function intOption(args: ParsedArgs, name: IntOptionName, dflt: number, warn?: (line: string) => void): number {
  const v = args.options.get(name);
  if (v === undefined) return dflt;
  let n: number;
  try {
    n = parseInt10(`--${name}`, v, INT_OPTION_RANGES[name]);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (name === 'threads') {
    const clamped = clampThreads(n);
    if (clamped.warning) warn?.(`hearth: warning: --${clamped.warning}\n`);
    n = clamped.threads;
  }
  return n;
}

export function floatOption(args: ParsedArgs, name: string, dflt: number): number {
  const v = args.options.get(name);
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number`);
  return n;
}

/** Timings in the CLI's JSON shape. */
export function timingsJson(t: { promptMs: number; genMs: number; promptTokensPerSec: number; genTokensPerSec: number }): {
  promptMs: number;
  genMs: number;
  promptTokensPerSec: number;
  genTokensPerSec: number;
} {
  const r = (x: number): number => Math.round(x * 1000) / 1000;
  return { promptMs: r(t.promptMs), genMs: r(t.genMs), promptTokensPerSec: r(t.promptTokensPerSec), genTokensPerSec: r(t.genTokensPerSec) };
}

/** --backend and --gpu-layers as loadModel options (bad values are usage errors). */
export function backendOptions(args: ParsedArgs): { backend: BackendName; gpuLayers: GpuLayers } {
  try {
    return {
      backend: parseBackend(args.options.get('backend') ?? 'auto'),
      gpuLayers: parseGpuLayers(args.options.get('gpu-layers') ?? 'auto'),
    };
  } catch (err) {
    throw new UsageError((err as Error).message.replace('gpuLayers', '--gpu-layers').replace('backend must', '--backend must'));
  }
}

/** The backend line commands print on stderr after loading. */
export function placementLine(info: NativeModelInfo): string {
  const where = info.gpuLayers > 0 ? `${info.backend} (${info.device ?? '?'}), ${info.gpuLayers}/${info.nLayer} layers` +
    (info.outputOnDevice ? ' + output' : '') : `cpu${info.device ? ` (${info.device})` : ''}`;
  const reasons = info.reasons.length ? `; ${info.reasons.join('; ')}` : '';
  return `hearth: backend ${where}${reasons}\n`;
}
