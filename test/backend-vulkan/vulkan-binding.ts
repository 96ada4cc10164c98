/**
 * The Vulkan backend's test hooks (native/napi/js-vulkan.cpp, in the testing
 * addon hearth_testing.addon), typed, and the
 * skip rule every Vulkan test uses: no Vulkan device (or a build without the
 * backend) skips with the probe's reason printed.
 */
import { loadTestingBinding } from '../helpers/testing-binding';

export interface VulkanDevice {
  name: string;
  /** hearth_device_type: 1 discrete, 2 integrated, 3 virtual (lavapipe) */
  type: number;
  totalMemory: number;
  freeMemory: number;
  detail: string;
}

export interface VulkanProbe {
  built: boolean;
  available: boolean;
  why: string;
  /** Matmuls reduce with subgroupAdd. */
  subgroup: boolean;
  /** Quantized matmuls load bytes through 8-bit storage. */
  bytes8: boolean;
  /** F16 / BF16 matmuls load halves through 16-bit storage. */
  halves16: boolean;
  devices: VulkanDevice[];
  /** ggml type id -> whether MATMUL runs on device 0 */
  matmulTypes: Record<string, boolean>;
}

export interface StageTestResult {
  /** Logits of every token, [rows][nVocab], through the Vulkan stages. */
  vulkan: Float32Array;
  /** The same from the CPU engine's forward pass. */
  cpu: Float32Array;
  /** With cpuReferencePath: the CPU engine's logits on that model. */
  cpuReference?: Float32Array;
  nVocab: number;
  deviceBytes: number;
  createMs: number;
  forwardMs: number[];
}

export interface StageTestOptions {
  nCtx?: number;
  /** Sizes of the first batches; the remaining tokens go one at a time. */
  batches?: number[];
  /** > 0: only the last logitsRows rows of each batch go through the head (the others come back NaN). */
  logitsRows?: number;
  /** The first headlessBatches batches ask for no logits (logits_rows = 0: the head is skipped). */
  headlessBatches?: number;
  /** > 0: two stages, layers [0, split) and [split, n_layer) + head. */
  split?: number;
  /** After the tokens: move cached positions (keys rotated) on both sides... */
  shift?: { src: number; dst: number; n: number };
  /** ...then run these tokens one by one after the moved block. */
  after?: number[];
  /** Also run the CPU engine on this file (same shapes), e.g. the weights dequantized to F32. */
  cpuReferencePath?: string;
}

export interface VulkanBinding {
  vulkanProbe(): VulkanProbe;
  /** Returns whether matmuls now use subgroup reductions. */
  vulkanSetSubgroup(allowed: boolean): boolean;
  /** Returns whether quantized matmuls now use 8-bit loads. */
  vulkanSet8Bit(allowed: boolean): boolean;
  /** Returns whether F16 / BF16 matmuls now use 16-bit loads. */
  vulkanSet16Bit(allowed: boolean): boolean;
  /**
   * Stages created afterwards run the experts in chunks of at most `tokens`
   * tokens, with at most `experts` experts per weight buffer (0, 0: the device's limits).
   */
  vulkanSetMoeLimits(tokens: number, experts: number): void;
  vulkanRunOp(op: 'matmul', a: { type: number; W: Uint8Array; m: number; k: number; n: number; x: Float32Array }): Float32Array;
  vulkanRunOp(op: 'rmsNorm', a: { x: Float32Array; rows: number; n: number; w?: Float32Array | null; eps: number }): Float32Array;
  vulkanRunOp(op: 'add' | 'mul' | 'swiglu' | 'swigluOai', a: { a: Float32Array; b: Float32Array; n: number; bLen?: number }): Float32Array;
  vulkanRunOp(op: 'softmax', a: { x: Float32Array; rows: number; n: number }): Float32Array;
  vulkanRunOp(
    op: 'rope',
    a: {
      x: Float32Array; nTok: number; nHead: number; headDim: number; nRot: number; pos0: number;
      base: number; scale: number; neox: boolean; freqs?: Float32Array | null;
    },
  ): Float32Array;
  vulkanRunOp(
    op: 'attention',
    a: {
      q: Float32Array; k: Uint16Array; v: Uint16Array; n: number; nHead: number; nHeadKv: number; headDim: number; pos0: number;
      scale?: number; sinks?: Float32Array;
    },
  ): Float32Array;
  vulkanRunOp(op: 'kvStore', a: { src: Float32Array; n: number; row: number; pos0: number; nCtx: number; cache: Uint16Array }): Uint16Array;
  /** data through buffer_alloc / upload / download / free at `offset` of a fresh buffer. */
  vulkanBufferRoundTrip(data: Uint8Array, offset: number): Uint8Array;
  vulkanBufferAlloc(bytes: number): void;
  vulkanStageTest(path: string, tokens: number[], opts?: StageTestOptions): StageTestResult;
}

export const vk = loadTestingBinding() as unknown as VulkanBinding;

let probed: VulkanProbe | undefined;
export function probe(): VulkanProbe {
  probed ??= vk.vulkanProbe();
  return probed;
}

/** Call in before(): skips the suite, printing why, when no Vulkan device is usable. */
export function skipWithoutVulkan(ctx: Mocha.Context): void {
  const p = probe();
  if (!p.available) {
    console.log(`    skipped: ${p.why || 'no Vulkan device'} (apt: mesa-vulkan-drivers provides lavapipe)`);
    ctx.skip();
  }
}

/** IEEE binary16 bits of x, round to nearest even (the CPU cache's conversion). */
export function f16Bits(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer)[0];
  const sign = (u >>> 16) & 0x8000;
  const a = u & 0x7fffffff;
  if (a >= 0x7f800000) return sign | 0x7c00 | (a > 0x7f800000 ? 0x200 : 0);
  if (a >= 0x477ff000) return sign | 0x7c00;
  if (a < 0x38800000) {
    // subnormal half: round a * 2^24 to an integer, ties to even
    const v = Math.abs(f[0]) * 16777216;
    let r = Math.round(v);
    if (Math.abs(v - Math.trunc(v) - 0.5) < 1e-12 && Math.trunc(v) % 2 === 0) r = Math.trunc(v);
    return sign | r;
  }
  const e = (a >>> 23) - 112;
  const m = a & 0x7fffff;
  let h = (e << 10) | (m >>> 13);
  const rest = m & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (h & 1))) h += 1;
  return sign | h;
}

export function f16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}
