// Runs inside the platform under test (qemu-aarch64, qemu-x86_64 -cpu X, wine
// + node.exe), so it is plain CommonJS with no dependencies. Loads the
// prebuild of a staged package the way node-gyp-build picks it, then checks
// every kernel level this CPU runs against a float64 reference.
// Usage: node probe.js <packageDir> [model.gguf]    Prints one JSON line:
//   {platform, arch, addon, abiVersion, cpu: cpuInfo(), checks: [{level, what, nmse, bound, ok}],
//    files: {mapped, read} (the model's header through mmap and through plain reads) | null}
'use strict';
const path = require('path');

const pkg = path.resolve(process.argv[2] || '.');
const addonPath = path.join(pkg, 'prebuilds', `${process.platform}-${process.arch}`, 'hearth.node');
const b = require(addonPath);

// Seeded xorshift32 in [-1, 1): the same data on every platform.
function randomArray(n, seed) {
  let s = seed >>> 0 || 1;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    a[i] = s / 2147483648 - 1;
  }
  return a;
}

function nmse(got, ref) {
  let err = 0;
  let sig = 0;
  for (let i = 0; i < ref.length; i++) {
    if (Number.isNaN(got[i])) return Infinity;
    err += (got[i] - ref[i]) ** 2;
    sig += ref[i] ** 2;
  }
  return sig === 0 ? err : err / sig;
}

// y[n][m] = x[n][k] . w[m][k] in float64 on the dequantized weights.
function matmulRef(w, m, k, x, n) {
  const y = new Float64Array(n * m);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += w[i * k + t] * x[j * k + t];
      y[j * m + i] = s;
    }
  }
  return y;
}

// Bounds as in test/kernels/matmul.test.ts: quantized formats also quantize
// the activations; float formats only see f32 rounding.
const FORMATS = [
  ['F32', 64, 1e-10], ['F16', 64, 1e-10], ['BF16', 64, 1e-5], ['Q4_0', 64, 1e-4], ['Q4_1', 64, 1e-4],
  ['Q5_0', 64, 1e-4], ['Q8_0', 64, 1e-4], ['Q2_K', 256, 1e-4], ['Q3_K', 256, 1e-4], ['Q4_K', 256, 1e-4],
  ['Q5_K', 256, 1e-4], ['Q6_K', 256, 1e-4],
];
const M = 33; // an odd row count: every kernel's tile remainder runs
const N = 3;

const info = b.cpuInfo();
const levels = info.levels.filter((l) => l.supported).map((l) => l.name);
const checks = [];
for (const [type, k, bound] of FORMATS) {
  const w = randomArray(M * k, 11);
  const x = randomArray(N * k, 12);
  const bytes = b.cpuQuantize(type, w);
  const ref = matmulRef(b.cpuDequantize(type, bytes, M * k), M, k, x, N);
  for (const level of levels) {
    for (const threads of [1, 2]) {
      const y = new Float32Array(N * M).fill(NaN);
      b.cpuMatmul(level, type, bytes, M, k, x, N, y, threads);
      const e = nmse(y, ref);
      checks.push({ level, what: `matmul ${type} threads=${threads}`, nmse: e, bound, ok: e <= bound });
    }
  }
}
// Element-wise ops of each level against generic's.
const v = randomArray(257, 13);
const g = randomArray(257, 14);
for (const level of levels) {
  const pairs = [
    ['rmsnorm', b.cpuRmsNorm(level, v, g, 1e-5), b.cpuRmsNorm('generic', v, g, 1e-5)],
    ['softmax', b.cpuUnary(level, 'softmax', v), b.cpuUnary('generic', 'softmax', v)],
    ['silu', b.cpuUnary(level, 'silu', v), b.cpuUnary('generic', 'silu', v)],
    ['swiglu', b.cpuBinary(level, 'swiglu', v, g), b.cpuBinary('generic', 'swiglu', v, g)],
  ];
  for (const [what, got, ref] of pairs) {
    const e = nmse(got, ref);
    checks.push({ level, what, nmse: e, bound: 1e-9, ok: e <= 1e-9 });
  }
}

// With a model path: the OS file mapping and the plain-read fallback give the same header.
async function fileAccess(model) {
  if (!model) return null;
  const mapped = await b.ggufInspect(model, { useMmap: true });
  const read = await b.ggufInspect(model, { useMmap: false });
  const summary = (g) => ({ mapped: g.mapped, fileSize: g.fileSize, tensors: g.tensors.length, keys: g.metadata.length });
  return { mapped: summary(mapped), read: summary(read) };
}

fileAccess(process.argv[3]).then((files) => {
  process.stdout.write(JSON.stringify({
    platform: process.platform,
    arch: process.arch,
    node: process.version,
    addon: path.relative(pkg, addonPath).split(path.sep).join('/'),
    abiVersion: b.abiVersion,
    cpu: info,
    checks,
    files,
  }) + '\n');
});
