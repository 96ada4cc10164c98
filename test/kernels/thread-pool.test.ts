/**
 * Thread pool: persistent workers that park when idle. An engine that has
 * run work on a 2-thread pool and then sits idle burns ~no CPU.
 */
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as path from 'path';
import { cpu, randomArray } from './kernel-helpers';
import { buildDir, compile } from './native-build';

describe('kernels: thread pool', () => {
  it('an idle pool uses (almost) no CPU over 2 s', async () => {
    const k = 1024;
    const m = 512;
    const w = cpu.cpuQuantize('Q8_0', randomArray(m * k, 1));
    const x = randomArray(k, 2);
    for (let i = 0; i < 20; i++) cpu.cpuMatmul(null, 'Q8_0', w, m, k, x, 1, null, 2); // workers exist and have run
    await new Promise((r) => setTimeout(r, 100)); // past the brief post-job spin
    const before = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await new Promise((r) => setTimeout(r, 2000));
    const used = process.cpuUsage(before);
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpuMs = (used.user + used.system) / 1000;
    // A spinning worker would show ~wallMs here.
    assert.ok(cpuMs < 100, `idle CPU ${cpuMs.toFixed(1)} ms over ${wallMs.toFixed(0)} ms`);
  });

  it('many small jobs in a row give the same results on 1 and 2 threads', () => {
    const k = 256;
    const m = 100;
    const w = cpu.cpuQuantize('Q4_K', randomArray(m * k, 3));
    for (let i = 0; i < 200; i++) {
      const x = randomArray(k * 3, 100 + i);
      assert.deepEqual(cpu.cpuMatmul(null, 'Q4_K', w, m, k, x, 3, null, 2), cpu.cpuMatmul(null, 'Q4_K', w, m, k, x, 3, null, 1));
    }
  });

  it('survives a million back-to-back jobs of varying size (no lost or double-counted chunk)', function () {
    this.timeout(120000);
    const exe = compile('g++', path.join(buildDir(), 'pool-stress'), [
      'test/kernels/native/pool-stress.cpp',
      'native/src/cpu/thread-pool.cpp',
    ], ['-pthread']);
    // A completion-count bug hangs a job forever: the 60 s limit turns that into a failure.
    const out = execFileSync(exe, ['1000000'], { encoding: 'utf8', timeout: 60000 });
    assert.match(out, /pool-stress: 1000000 jobs ok/);
  });
});
