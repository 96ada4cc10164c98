// Runs inside the platform under test (qemu-aarch64, qemu-x86_64 -cpu X, wine
// + node.exe), so it is plain CommonJS with no dependencies. Loads the
// prebuild of a staged package the way node-gyp-build picks it and reports
// the kernels it picked (listDevices); then, with the test hooks built with
// that prebuild (<packageDir>/testing/hearth_testing.addon: the same engine
// libraries, see platform-run.ts), checks every kernel level this CPU runs
// against a float64 reference. The shipped addon has no kernel hooks.
// Usage: node probe.js <packageDir> [model.gguf]    Prints one JSON line:
//   {platform, arch, addon, abiVersion, kernels: the CPU device's level,
//    cpu: cpuInfo() | null, checks: [{level, what, nmse, bound, ok}] | null (no hooks),
//    files: {mapped, read} (the model's header through mmap and through plain reads) | null}
'use strict';
const fs = require('fs');
const path = require('path');

const pkg = path.resolve(process.argv[2] || '.');
const addonPath = path.join(pkg, 'prebuilds', `${process.platform}-${process.arch}`, 'hearth.node');
const product = require(addonPath);
const hooksPath = path.join(pkg, 'testing', 'hearth_testing.addon');
let hooks = null;
if (fs.existsSync(hooksPath)) {
  const mod = { exports: {} };
  process.dlopen(mod, hooksPath);  // not require(): the file is not named .node
  hooks = mod.exports;
}

// The level the shipped addon's dispatch picked: its CPU device says "kernels <level>".
function shippedKernels() {
  const cpu = product.listDevices().find((d) => d.backend === 'cpu');
  const m = cpu && cpu.devices[0] && /kernels (\w+)/.exec(cpu.devices[0].detail);
  return m ? m[1] : null;
}

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

// Every level this CPU runs, through the test hooks, against float64 and generic.
function selfChecks() {
  const info = hooks.cpuInfo();
  const levels = info.levels.filter((l) => l.supported).map((l) => l.name);
  const checks = [];
  for (const [type, k, bound] of FORMATS) {
    const w = randomArray(M * k, 11);
    const x = randomArray(N * k, 12);
    const bytes = hooks.cpuQuantize(type, w);
    const ref = matmulRef(hooks.cpuDequantize(type, bytes, M * k), M, k, x, N);
    for (const level of levels) {
      for (const threads of [1, 2]) {
        const y = new Float32Array(N * M).fill(NaN);
        hooks.cpuMatmul(level, type, bytes, M, k, x, N, y, threads);
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
      ['rmsnorm', hooks.cpuRmsNorm(level, v, g, 1e-5), hooks.cpuRmsNorm('generic', v, g, 1e-5)],
      ['softmax', hooks.cpuUnary(level, 'softmax', v), hooks.cpuUnary('generic', 'softmax', v)],
      ['silu', hooks.cpuUnary(level, 'silu', v), hooks.cpuUnary('generic', 'silu', v)],
      ['swiglu', hooks.cpuBinary(level, 'swiglu', v, g), hooks.cpuBinary('generic', 'swiglu', v, g)],
    ];
    for (const [what, got, ref] of pairs) {
      const e = nmse(got, ref);
      checks.push({ level, what, nmse: e, bound: 1e-9, ok: e <= 1e-9 });
    }
  }
  return { info, checks };
}
const { info, checks } = hooks ? selfChecks() : { info: null, checks: null };

// With a model path: the OS file mapping and the plain-read fallback give the same header.
async function fileAccess(model) {
  if (!model) return null;
  const mapped = await product.ggufInspect(model, { useMmap: true });
  const read = await product.ggufInspect(model, { useMmap: false });
  const summary = (g) => ({ mapped: g.mapped, fileSize: g.fileSize, tensors: g.tensors.length, keys: g.metadata.length });
  return { mapped: summary(mapped), read: summary(read) };
}

fileAccess(process.argv[3]).then((files) => {
  process.stdout.write(JSON.stringify({
    platform: process.platform,
    arch: process.arch,
    node: process.version,
    addon: path.relative(pkg, addonPath).split(path.sep).join('/'),
    abiVersion: product.abiVersion,
    kernels: shippedKernels(),
    cpu: info,
    checks,
    files,
  }) + '\n');
});
