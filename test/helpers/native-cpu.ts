/**
 * The CPU kernel hooks of the testing addon (native/napi/js-cpu.cpp, in
 * hearth_testing.addon only; loaded by ./testing-binding): drives the CPU
 * kernels from tests and benchmarks. Types are ggml type names ("Q4_K") or
 * ids; a level names one kernel table ("generic", "avx2", ...; omitted or
 * null: the table dispatch picked). Outputs may be passed in (tests poison
 * them with NaN first); when omitted, a NaN-filled array is allocated.
 */

/** ISA levels, lowest first. x86-64: generic..avx512bf16; arm64: generic, neon, dotprod. */
export type CpuLevelName =
  | 'generic'
  | 'sse2'
  | 'avx2'
  | 'avx512'
  | 'avx512vnni'
  | 'avx512bf16'
  | 'neon'
  | 'dotprod';

export interface CpuInfo {
  /** CPU features present (and enabled by the OS), e.g. ["sse2", "avx2", "fma", ...]. */
  features: string[];
  /** The level dispatch chose (or HEARTH_CPU forced). */
  selected: CpuLevelName;
  physicalCores: number;
  /** Every level this build has, with whether this CPU can run it. */
  levels: { name: CpuLevelName; supported: boolean }[];
}

export interface CpuTypeInfo {
  name: string;
  blockElems: number;
  /** Bytes per block per the ggml type table. */
  blockBytes: number;
  /** sizeof the block struct in native/src/tensor/blocks.h (0: none). */
  structBytes: number;
  hasReference: boolean;
}

export interface CpuAttentionArgs {
  /** [nTokens][nHead][headDim] */
  q: Float32Array;
  /** f16 bits, [nKv][nHeadKv][headDim] */
  k: Uint16Array;
  /** f16 bits, [nKv][nHeadKv][headDim] */
  v: Uint16Array;
  nTokens: number;
  nHead: number;
  nHeadKv: number;
  headDim: number;
  nKv: number;
  /** Position of query token 0; token t sees positions <= pos0 + t. */
  pos0: number;
  /** Default 1/sqrt(headDim). */
  scale?: number;
  /** [nHead]: each head's learned sink logit joins its softmax's denominator (gpt-oss). */
  sinks?: Float32Array;
}

export interface CpuPeaks {
  fmaFlops: number;
  fmaSeconds: number;
  readBytes: number;
  readSeconds: number;
}

export type CpuTypeName = string | number;
type Level = CpuLevelName | null | undefined;

export interface CpuNative {
  cpuInfo(): CpuInfo;
  cpuTypeInfo(type: CpuTypeName): CpuTypeInfo;
  /**
   * Reference quantizer: x.length must be a whole number of blocks. With a
   * level: that table's activation quantizer instead (Q8_0, Q8_1, Q8_K, F16, BF16).
   */
  cpuQuantize(type: CpuTypeName, x: Float32Array, level?: Level): Uint8Array;
  cpuDequantize(type: CpuTypeName, bytes: Uint8Array, n: number): Float32Array;
  /** y[n][m] = x[n][k] · W[m][k]^T; threads: 1 (default) runs on the caller, 0 = physical cores. */
  cpuMatmul(
    level: Level,
    type: CpuTypeName,
    w: Uint8Array,
    m: number,
    k: number,
    x: Float32Array,
    n: number,
    out?: Float32Array | null,
    threads?: number,
  ): Float32Array;
  cpuRmsNorm(level: Level, x: Float32Array, w: Float32Array | null, eps: number, out?: Float32Array | null): Float32Array;
  cpuUnary(level: Level, op: 'silu' | 'gelu' | 'softmax', x: Float32Array, out?: Float32Array | null): Float32Array;
  cpuBinary(level: Level, op: 'add' | 'mul' | 'swiglu', a: Float32Array, b: Float32Array, out?: Float32Array | null): Float32Array;
  /** Returns a rotated copy of x [nHead][headDim]. */
  cpuRope(
    x: Float32Array,
    nHead: number,
    headDim: number,
    nRot: number,
    pos: number,
    freqBase: number,
    freqScale: number,
    neox: boolean,
    freqFactors: Float32Array | null,
  ): Float32Array;
  cpuAttention(level: Level, args: CpuAttentionArgs, out?: Float32Array | null, threads?: number): Float32Array;
  /** Runs the matmul iters times natively; returns each call's seconds. */
  cpuBenchMatmul(
    level: Level,
    type: CpuTypeName,
    w: Uint8Array,
    m: number,
    k: number,
    x: Float32Array,
    n: number,
    iters: number,
    threads: number,
  ): number[];
  /** FMA-throughput and streaming-read probes on `threads` threads. */
  cpuBenchPeaks(level: Level, threads: number, fmaRounds: number, readBytes: number, readRepeats: number): CpuPeaks;
}
