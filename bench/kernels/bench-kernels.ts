/**
 * Kernel benchmark (not a test): npm run bench:kernels [-- --quick] [-- --formats=Q4_0,Q8_0]
 *
 * Measures this machine's peaks in the same run (FMA throughput from a
 * register-only probe, read bandwidth from a large multi-stream read, both on
 * THREADS threads), then for each format and size: mat-vec (n=1) GFLOP/s and
 * GB/s of weight bytes against the read peak, and mat-mat (n=512) GFLOP/s
 * against the FMA peak. Each figure is the median of several native timed
 * calls (cpuBenchMatmul), so JS overhead does not blur it.
 */
import { loadTestingBinding } from '../../test/helpers/testing-binding';
import { median, randomWeights } from './bench-data';

const cpu = loadTestingBinding();
const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const THREADS = Number(args.find((a) => a.startsWith('--threads='))?.split('=')[1] ?? 2);
const LEVEL = args.find((a) => a.startsWith('--level='))?.split('=')[1] ?? null;
const FORMATS = (args.find((a) => a.startsWith('--formats='))?.split('=')[1] ??
  'F16,BF16,Q4_0,Q4_1,Q5_0,Q5_1,Q8_0,Q2_K,Q3_K,Q4_K,Q5_K,Q6_K').split(',');
const SIZES: [number, number][] = QUICK ? [[896, 896], [4096, 4096]] : [[896, 896], [896, 4864], [1536, 8960], [4096, 4096]];
const N_BATCH = 512;


/** Times calls until ~budget seconds (at least minIters); returns the median seconds per call. */
function timeMatmul(type: string, w: Uint8Array, m: number, k: number, x: Float32Array, n: number, budget: number, minIters: number): number {
  cpu.cpuBenchMatmul(LEVEL as never, type, w, m, k, x, n, 1, THREADS); // warm-up (pool, caches, page faults)
  const first = cpu.cpuBenchMatmul(LEVEL as never, type, w, m, k, x, n, 1, THREADS)[0];
  const iters = Math.max(minIters, Math.min(200, Math.ceil(budget / Math.max(first, 1e-6))));
  return median(cpu.cpuBenchMatmul(LEVEL as never, type, w, m, k, x, n, iters, THREADS));
}

function main(): void {
  const info = cpu.cpuInfo();
  const level = LEVEL ?? info.selected;
  console.log(`hearth kernel bench: level ${level}, ${THREADS} threads, physical cores ${info.physicalCores}`);
  console.log('note: the cores are shared with other work; figures are medians and can be noisy.\n');

  // Peaks, measured now, on the same threads.
  const fmaRounds = 20_000_000;
  const peaks = [0, 1, 2].map(() => cpu.cpuBenchPeaks(LEVEL as never, THREADS, fmaRounds, 1 << 30, 3));
  const fmaPeak = median(peaks.map((p) => p.fmaFlops / p.fmaSeconds)) / 1e9;
  const readPeak = median(peaks.map((p) => p.readBytes / p.readSeconds)) / 1e9;
  // This machine's L3 is larger than most test matrices, so mat-vec is also
  // compared with a read of a 32 MiB buffer (cache-resident, like the weights).
  const llc = [0, 1, 2].map(() => cpu.cpuBenchPeaks(LEVEL as never, THREADS, 1000, 32 << 20, 40));
  const llcPeak = median(llc.map((p) => p.readBytes / p.readSeconds)) / 1e9;
  console.log(`peak fp32 FMA (register probe):          ${fmaPeak.toFixed(0)} GFLOP/s`);
  console.log(`peak read bandwidth (1 GiB, 4 streams):   ${readPeak.toFixed(1)} GB/s  (%read)`);
  console.log(`read bandwidth, 32 MiB (cache-resident): ${llcPeak.toFixed(1)} GB/s  (%llc)`);
  console.log('%fma for integer formats compares int8 dot throughput with the fp32 FMA peak (VNNI can exceed it).\n');

  const header = 'format  size          n=1: GFLOP/s   GB/s  %read  %llc | n=512: GFLOP/s  %fma';
  console.log(header);
  console.log('-'.repeat(header.length));
  for (const [m, k] of SIZES) {
    const wf = randomWeights(m * k, m * 31 + k);
    const x1 = randomWeights(k, 7);
    const xb = randomWeights(k * N_BATCH, 9);
    for (const type of FORMATS) {
      if (k % cpu.cpuTypeInfo(type).blockElems !== 0) {
        console.log(`${type.padEnd(6)}  ${`${m}x${k}`.padEnd(12)}  (k not a multiple of ${cpu.cpuTypeInfo(type).blockElems}: n/a)`);
        continue;
      }
      const w = cpu.cpuQuantize(type, wf);
      const flops1 = 2 * m * k;
      const t1 = timeMatmul(type, w, m, k, x1, 1, QUICK ? 0.3 : 1.0, 5);
      const gflops1 = flops1 / t1 / 1e9;
      const gbs = w.length / t1 / 1e9;
      const tb = timeMatmul(type, w, m, k, xb, N_BATCH, QUICK ? 0.5 : 1.5, 3);
      const gflopsB = (flops1 * N_BATCH) / tb / 1e9;
      console.log(
        `${type.padEnd(6)}  ${`${m}x${k}`.padEnd(12)}  ${gflops1.toFixed(1).padStart(13)} ${gbs.toFixed(1).padStart(6)} ` +
          `${((100 * gbs) / readPeak).toFixed(0).padStart(5)}% ${((100 * gbs) / llcPeak).toFixed(0).padStart(4)}% | ` +
          `${gflopsB.toFixed(0).padStart(13)} ${((100 * gflopsB) / fmaPeak).toFixed(0).padStart(4)}%`,
      );
    }
  }
}

main();
