/**
 * Decides before loading whether a model file can run here, and says why not
 * in words a user can act on.
 */
import { peekGguf, type GgufSummary } from '../host/gguf-peek';
import { EngineError } from '../engine/errors';
import architectures from '../../native/lists/architectures.json';
import { ggmlType } from '../gguf/ggml-types';

/**
 * Architectures the runtime implements, for vetting files on the host side
 * before any native code runs: native/lists/architectures.json, the list the
 * engine compiles in too.
 */
export const SUPPORTED_ARCHITECTURES: ReadonlySet<string> = new Set(architectures.architectures);

/**
 * Whether Hearth can run a file of this architecture whose tensors have these
 * ggml type names, and if not, why (for `hearth inspect` and the picker).
 */
export function runVerdict(architecture: string | null | undefined, tensorTypes: Iterable<string>): { runs: boolean; why: string } {
  if (!architecture || !SUPPORTED_ARCHITECTURES.has(architecture)) {
    return { runs: false, why: `architecture "${architecture ?? '(none)'}" is not supported (supported: ${[...SUPPORTED_ARCHITECTURES].join(', ')})` };
  }
  const missing = [...new Set(tensorTypes)].filter((t) => !ggmlType(t)?.computable);
  if (missing.length > 0) return { runs: false, why: `no kernels for its ${missing.join(', ')} tensors` };
  return { runs: true, why: '' };
}

export interface ModelLimits {
  /** Largest file we agree to map, bytes (default: 60% of RAM). */
  maxBytes: number;
}

export function formatBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

export function formatParams(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)}K`;
  return `${n}`;
}

/** Throws an EngineError (E_IO_NOT_FOUND, E_GGUF_*, E_MODEL_UNSUPPORTED, E_MODEL_TOO_BIG) or returns the summary. */
export function vetModel(filePath: string, limits: ModelLimits): GgufSummary {
  const summary = peekGguf(filePath);
  if (!SUPPORTED_ARCHITECTURES.has(summary.architecture)) {
    throw new EngineError(
      'E_MODEL_UNSUPPORTED',
      `Hearth cannot run "${summary.architecture}" models yet (supported: ${[...SUPPORTED_ARCHITECTURES].join(', ')}).`,
    );
  }
  if (summary.parameters === 0) throw new EngineError('E_MODEL_UNSUPPORTED', 'this file has no weights (a vocabulary-only GGUF)');
  if (summary.sizeBytes > limits.maxBytes) {
    throw new EngineError(
      'E_MODEL_TOO_BIG',
      `The model is ${formatBytes(summary.sizeBytes)}, more than the ${formatBytes(limits.maxBytes)} Hearth allows on this machine (hearth.maxModelMemoryMB).`,
    );
  }
  return summary;
}
