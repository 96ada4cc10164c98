/**
 * GPU backends the backend tests run over, each skipping with its probe's
 * reason where it has no device ("CUDA: no CUDA device", "Vulkan: not built").
 */
import { listDevices } from '../../extension/engine/engine';

export type GpuBackend = 'cuda' | 'vulkan' | 'cpu';
/**
 * cuda and vulkan; HEARTH_TEST_GPU_BACKENDS=cpu runs the GPU tests against the
 * CPU backend's stages instead, which checks the tests themselves anywhere.
 */
export const GPU_BACKENDS: readonly GpuBackend[] = process.env.HEARTH_TEST_GPU_BACKENDS
  ? (process.env.HEARTH_TEST_GPU_BACKENDS.split(',') as GpuBackend[])
  : ['cuda', 'vulkan'];

/** null when the backend has a device, else why not. */
export function gpuUnavailableReason(name: GpuBackend): string | null {
  const b = listDevices().find((x) => x.backend === name);
  if (!b) return `${name}: not listed by listDevices()`;
  return b.available ? null : (b.reason ?? `${name}: unavailable`);
}

export function skipWithoutGpu(ctx: Mocha.Context, name: GpuBackend): void {
  const why = gpuUnavailableReason(name);
  if (why) {
    console.log(`      skipped: ${why}`);
    ctx.skip();
  }
}
