/**
 * Dispatch: one table chosen at start-up from cpuid, HEARTH_CPU forcing a
 * lower level (and refusing one the CPU lacks), the debug log line, and the
 * objdump scan proving the baseline objects hold no AVX instructions.
 */
import { strict as assert } from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { cpu, runnableLevels } from './kernel-helpers';
import { REPO_ROOT } from '../helpers/fixtures';
import { testingAddonExpression } from '../helpers/testing-binding';

const X64 = process.arch === 'x64';

/** Runs a snippet in a fresh node with env; returns stdout, stderr and status. */
function runNode(code: string, env: Record<string, string>, wrapper: string[] = []): { out: string; err: string; status: number | null } {
  // The test hooks (hearth_testing.addon): the same dispatch code as hearth.node, which has no cpuInfo.
  const script = `const b = ${testingAddonExpression()};\n${code}`;
  const argv = [...wrapper, process.execPath, '-e', script];
  const r = spawnSync(argv[0], argv.slice(1), { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120000 });
  return { out: r.stdout, err: r.stderr, status: r.status };
}

describe('kernels: dispatch', () => {
  it('cpuInfo reports features, physical cores and the best supported level', () => {
    const info = cpu.cpuInfo();
    assert.ok(info.physicalCores >= 1);
    const supported = runnableLevels();
    const expected = process.env.HEARTH_CPU || supported[supported.length - 1];
    assert.equal(info.selected, expected);
    if (X64) {
      assert.ok(info.features.includes('sse2'));
      assert.deepEqual(info.levels.map((l) => l.name), ['generic', 'sse2', 'avx2', 'avx512', 'avx512vnni', 'avx512bf16']);
      // a level is supported only with every feature it is compiled for
      const has = (f: string): boolean => info.features.includes(f);
      const avx2 = has('avx2') && has('fma') && has('f16c');
      assert.equal(info.levels[2].supported, avx2);
      assert.equal(info.levels[3].supported, avx2 && has('avx512f') && has('avx512bw') && has('avx512vl') && has('avx512dq'));
    }
  });

  it('HEARTH_CPU forces each supported level; HEARTH_LOG=debug logs the choice once', () => {
    for (const level of runnableLevels()) {
      const r = runNode('b.cpuInfo(); console.log(b.cpuInfo().selected)', { HEARTH_CPU: level, HEARTH_LOG: 'debug' });
      assert.equal(r.status, 0, r.err);
      assert.equal(r.out.trim(), level);
      const lines = r.err.split('\n').filter((l) => l.includes('cpu kernels'));
      assert.deepEqual(lines, [`hearth: cpu kernels: ${level} (HEARTH_CPU)`]);
    }
    const quiet = runNode('b.cpuInfo()', {});
    assert.equal(quiet.err, '', 'no log without HEARTH_LOG=debug');
  });

  it('HEARTH_CPU refuses a level this CPU lacks (E_CPU_UNSUPPORTED) and unknown names', () => {
    const info = cpu.cpuInfo();
    const missing = info.levels.find((l) => !l.supported)?.name ?? (X64 ? 'neon' : 'avx2');
    const probe = "try { b.cpuInfo(); console.log('ok') } catch (e) { console.log(e.code) }";
    assert.equal(runNode(probe, { HEARTH_CPU: missing }).out.trim(), 'E_CPU_UNSUPPORTED');
    assert.equal(runNode(probe, { HEARTH_CPU: X64 ? 'dotprod' : 'avx512' }).out.trim(), 'E_CPU_UNSUPPORTED');
    assert.equal(runNode(probe, { HEARTH_CPU: 'pentium4' }).out.trim(), 'E_INVALID_ARGUMENT');
    assert.throws(() => cpu.cpuMatmul(X64 ? 'neon' : 'avx2', 'F32', new Uint8Array(4), 1, 1, new Float32Array(1), 1), {
      code: 'E_CPU_UNSUPPORTED',
    });
  });

  it('baseline objects (generic, sse2, dispatch and ops code) contain no AVX / VEX instructions', function () {
    if (!X64) this.skip();
    const obj = path.join(REPO_ROOT, 'build', 'Release', 'obj.target');
    const baseline = [
      'hearth_cpu_generic/native/src/cpu/kernels-generic.o',
      'hearth_cpu_sse2/native/src/cpu/x86/kernels-sse2.o',
      'hearth_cpu/native/src/cpu/cpu-ops.o',
      'hearth_cpu/native/src/cpu/dispatch.o',
      'hearth_cpu/native/src/cpu/features.o',
      'hearth_cpu/native/src/cpu/thread-pool.o',
      'hearth_cpu/native/src/tensor/quants-ref.o',
    ];
    // VEX/EVEX-encoded instructions are exactly the mnemonics that start with
    // "v" in objdump's AT&T output; ymm/zmm/k-mask registers only exist there.
    const offending = (file: string): string[] => {
      const text = execFileSync('objdump', ['-d', '--no-show-raw-insn', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
      const bad: string[] = [];
      for (const line of text.split('\n')) {
        const m = /^\s+[0-9a-f]+:\s+(\S+)\s*(.*)$/.exec(line);
        if (!m) continue;
        if (/^v/.test(m[1]) || /%[yz]mm\d|%k[0-7]\b/.test(m[2])) bad.push(line.trim());
      }
      return bad;
    };
    for (const rel of baseline) {
      const file = path.join(obj, rel);
      assert.ok(fs.existsSync(file), `${file} exists (built by node-gyp)`);
      const bad = offending(file);
      assert.deepEqual(bad.slice(0, 5), [], `${rel}: ${bad.length} AVX instructions`);
    }
    // The scan must be able to fail: the AVX2 and AVX-512 objects are full of them.
    assert.ok(offending(path.join(obj, 'hearth_cpu_avx2/native/src/cpu/x86/kernels-avx2.o')).length > 100);
    assert.ok(offending(path.join(obj, 'hearth_cpu_avx512/native/src/cpu/x86/kernels-avx512.o')).some((l) => /zmm/.test(l)));
  });
});

describe('kernels: dispatch under qemu-x86_64 (Nehalem -> sse2, Haswell -> avx2)', () => {
  // qemu cannot execute AVX-512, so the addon is driven with HEARTH-free
  // dispatch on reduced CPU models; results must match the generic table.
  const code = `
    const info = b.cpuInfo();
    const k = 256, m = 33, n = 3;
    const w = new Float32Array(m * k).map((_, i) => Math.sin(i * 0.7));
    const x = new Float32Array(n * k).map((_, i) => Math.cos(i * 0.3));
    let worst = 0;
    for (const t of ['F32', 'F16', 'BF16', 'Q4_0', 'Q5_1', 'Q8_0', 'Q2_K', 'Q4_K', 'Q6_K', 'IQ4_NL', 'IQ4_XS', 'MXFP4']) {
      const W = b.cpuQuantize(t, w);
      const a = b.cpuMatmul(null, t, W, m, k, x, n, null, 2);
      const g = b.cpuMatmul('generic', t, W, m, k, x, n);
      let e = 0, s = 0;
      for (let i = 0; i < a.length; i++) { e += (a[i] - g[i]) ** 2; s += g[i] ** 2; }
      worst = Math.max(worst, Number.isNaN(e) ? Infinity : e / s);
    }
    console.log(JSON.stringify({ selected: info.selected, worst }));`;

  for (const [model, want] of [['Nehalem', 'sse2'], ['Haswell', 'avx2']]) {
    it(`-cpu ${model} selects ${want} and matches generic`, function () {
      if (!X64) this.skip();
      const r = runNode(code, {}, ['qemu-x86_64', '-cpu', model]);
      assert.equal(r.status, 0, `qemu-x86_64 (apt: qemu-user) failed: ${r.err}`);
      const res = JSON.parse(r.out.trim()) as { selected: string; worst: number };
      assert.equal(res.selected, want);
      assert.ok(res.worst < 1e-9, `nmse vs generic ${res.worst}`);
    });
  }
});
