/**
 * Loads hearth_testing.addon, the test and bench hooks (native/napi/testing-addon.cpp):
 * the CPU kernels by level, one sampler draw, the UTF-8 stream decoder and the
 * Vulkan backend's ops (typed in test/backend-vulkan/vulkan-binding.ts). It is
 * a second addon over the same engine libraries as hearth.node, built beside
 * it in build/Release by the same node-gyp build (and by prebuildify's), and never shipped: no
 * prebuild, no VSIX. Runtime code (extension/) loads hearth.node only
 * (extension/engine/binding.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { packageRoot } from '../../extension/engine/binding';
import type { NativeGenerateOptions } from '../../extension/engine/native-model';
import type { CpuNative } from './native-cpu';

/** Sampling settings as generate() takes them (native/napi/js-sampler.cpp). */
export type NativeSamplingOptions = Pick<
  NativeGenerateOptions,
  'temperature' | 'topK' | 'topP' | 'minP' | 'repeatPenalty' | 'repeatLastN' | 'frequencyPenalty' | 'presencePenalty' | 'seed'
>;

export interface TestingBinding extends CpuNative {
  /** One draw of generate()'s sampler chain over `logits`; `history`: tokens accepted before (penalties). */
  sampleLogits(logits: Float32Array, options: NativeSamplingOptions, history?: Int32Array | number[]): number;
  /**
   * The C++ Utf8StreamDecoder (what the runtime streams generated text
   * through): pushes each chunk, then flushes; returns the UTF-8 bytes each
   * call gave.
   */
  utf8StreamDecode(chunks: readonly Uint8Array[]): Uint8Array[];
}

/**
 * Where the build puts it (there is no prebuild of it). Named .addon, not
 * .node, so that node-gyp-build and prebuildify never take it for hearth.node.
 */
export function testingAddonPath(): string {
  return path.join(packageRoot(), 'build', 'Release', 'hearth_testing.addon');
}

/** A JS expression that loads the hooks, for a snippet run in a child process (node -e). */
export function testingAddonExpression(): string {
  return `(() => { const mod = { exports: {} }; process.dlopen(mod, ${JSON.stringify(testingAddonPath())}); return mod.exports; })()`;
}

let cached: TestingBinding | undefined;

export function loadTestingBinding(): TestingBinding {
  if (cached) return cached;
  const file = testingAddonPath();
  if (!fs.existsSync(file)) {
    throw new Error(`${file} is missing: the test hooks are built by \`npx node-gyp build\` (or npm run prebuild)`);
  }
  // require() would read a file not named .node as JavaScript.
  const mod = { exports: {} };
  process.dlopen(mod, file);
  cached = mod.exports as TestingBinding;
  return cached;
}
