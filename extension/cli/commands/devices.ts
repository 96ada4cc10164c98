/**
 * `hearth inspect --devices`: every compute backend, its devices (name,
 * memory) and, for backends with none, the reason ("CUDA: no CUDA device",
 * "Vulkan: not built"); and which one `backend: 'auto'` would pick.
 */
import type { CliIo } from '../command';
import { reportEngineError } from '../errors';
import { listDevices, type BackendDevices } from '../../engine/engine';
import { formatBytes } from '../format';

/**
 * The backend 'auto' picks, as the engine does: the first in probe order
 * (CUDA, Vulkan, CPU) with a real GPU; a GPU API whose only devices compute
 * on the CPU (Mesa's lavapipe) is passed by, since our CPU kernels are faster.
 */
export function autoBackend(list: readonly BackendDevices[]): string {
  const realGpu = (b: BackendDevices) => b.devices.some((d) => d.type === 'discrete' || d.type === 'integrated');
  return list.find((b) => b.available && (b.backend === 'cpu' || realGpu(b)))?.backend ?? 'cpu';
}

export function formatDevices(list: readonly BackendDevices[]): string {
  const lines: string[] = [];
  for (const b of list) {
    if (!b.available) {
      lines.push(`${b.backend.padEnd(7)} -  ${b.reason ?? 'unavailable'}`);
      continue;
    }
    for (const d of b.devices) {
      const free = d.freeMemory > 0 ? `, ${formatBytes(d.freeMemory)} free` : '';
      const detail = d.detail ? ` (${d.detail})` : '';
      lines.push(`${b.backend.padEnd(7)} ${d.index}  ${d.name}${detail}: ${formatBytes(d.totalMemory)}${free}`);
    }
  }
  lines.push(`auto -> ${autoBackend(list)}`);
  return lines.join('\n') + '\n';
}

export function runDevices(io: CliIo, json: boolean): number {
  let list: BackendDevices[];
  try {
    list = listDevices();
  } catch (err) {
    return reportEngineError(err, io, json);
  }
  if (json) io.out(JSON.stringify({ backends: list, auto: autoBackend(list) }) + '\n');
  else io.out(formatDevices(list));
  return 0;
}
