/**
 * How the model picker shows a found model, from its GGUF header: what it is,
 * whether Hearth runs it and why not. No vscode imports (it runs in the
 * discovery worker, discovery-worker.ts).
 */
import type { DiscoveredModel } from './discovery';
import { peekGguf } from '../host/gguf-peek';
import { SUPPORTED_ARCHITECTURES, formatBytes, formatParams } from './model-check';

export interface ModelDescription {
  description: string;
  detail: string;
  usable: boolean;
  fim: boolean;
  /** What stops Hearth running it; empty when it can. */
  why: string;
}

export function describeModel(m: DiscoveredModel): ModelDescription {
  try {
    const s = peekGguf(m.path);
    const why = !SUPPORTED_ARCHITECTURES.has(s.architecture)
      ? `Hearth does not run "${s.architecture}" models (it runs ${[...SUPPORTED_ARCHITECTURES].join(', ')})`
      : s.parameters === 0 ? 'the file has no weights (a vocabulary-only GGUF)' : '';
    const parts = [s.architecture, s.parameters ? `${formatParams(s.parameters)} params` : 'no weights', m.format === 'llamafile' ? 'llamafile' : `GGUF v${s.version}`, formatBytes(m.sizeBytes), s.fim ? `FIM: ${s.fim}` : 'no FIM (chat only)'];
    return { description: m.source, detail: why ? `cannot run: ${why}` : parts.join(' · '), usable: !why, fim: !!s.fim, why };
  } catch (err) {
    const why = `unreadable: ${(err as Error).message}`;
    return { description: m.source, detail: `${formatBytes(m.sizeBytes)} · ${why}`, usable: false, fim: false, why };
  }
}
