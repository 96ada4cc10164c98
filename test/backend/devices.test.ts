/**
 * Device listing and backend choice: every backend is listed with devices or
 * a reason; the CPU is always there; `backend: 'auto'` picks the first
 * available in the order CUDA, Vulkan, CPU; `hearth inspect --devices --json`
 * has that shape; asking for a backend without a device is a coded error.
 */
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { autoBackend } from '../../extension/cli/commands/devices';
import { listDevices, loadModel } from '../../extension/engine/engine';
import { randomModel, type RandomModelSpec } from '../helpers/model-factory';
import { runCli } from '../helpers/run-cli';
import { fixture } from '../helpers/fixtures';

const REPO_ROOT = path.resolve(__dirname, '../..');

const SPEC: RandomModelSpec = {
  arch: 'llama', vocabFrom: fixture('llama.cpp-vocab/ggml-vocab-llama-spm.gguf'),
  nEmbd: 64, nLayer: 4, nHead: 4, nHeadKv: 2, nFf: 128, nCtx: 256, tiedEmbeddings: false, seed: 81,
};

describe('backend: devices and auto-detection', function () {
  this.timeout(120000);

  it('lists cuda, vulkan and cpu in auto-detect order, each with devices or a reason', () => {
    const list = listDevices();
    assert.deepEqual(list.map((b) => b.backend), ['cuda', 'vulkan', 'cpu']);
    for (const b of list) {
      if (b.available) {
        assert.equal(b.reason, null);
        assert.ok(b.devices.length > 0, `${b.backend} available without devices`);
        for (const d of b.devices) {
          assert.equal(typeof d.name, 'string');
          assert.ok(d.name.length > 0);
          assert.ok(d.totalMemory > 0, `${b.backend} ${d.name}: totalMemory ${d.totalMemory}`);
          assert.ok(d.freeMemory <= d.totalMemory);
        }
      } else {
        assert.deepEqual(b.devices, []);
        const label = { cuda: 'CUDA: ', vulkan: 'Vulkan: ', cpu: 'CPU: ' }[b.backend];
        assert.ok(b.reason?.startsWith(label), `reason '${b.reason}' should start with '${label}'`);
      }
    }
    const cpu = list[2];
    assert.ok(cpu.available, 'the CPU backend is always available');
    assert.equal(cpu.devices[0].type, 'cpu');
  });

  it('inspect --devices --json gives {backends, auto} matching listDevices()', async () => {
    const r = await runCli(['inspect', '--devices', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { backends: { backend: string; available: boolean; reason: string | null; devices: unknown[] }[]; auto: string };
    assert.deepEqual(doc.backends.map((b) => b.backend), ['cuda', 'vulkan', 'cpu']);
    assert.equal(doc.auto, autoBackend(listDevices()));
    const human = await runCli(['inspect', '--devices']);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^cpu +0 +CPU/m);
    assert.match(human.stdout, new RegExp(`^auto -> ${doc.auto}$`, 'm'));
    for (const b of doc.backends) if (!b.available) assert.ok(human.stdout.includes(b.reason as string));
  });

  it('inspect --devices refuses a file argument', async () => {
    const r = await runCli(['inspect', '--devices', 'x.gguf']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /--devices takes no <file>/);
  });

  describe('loading', () => {
    let file: string;
    before(async function () {
      file = await randomModel(SPEC);
    });

    it("auto picks the first available backend and reports the others' reasons", async () => {
      const list = listDevices();
      const model = await loadModel(file, { threads: 1 });
      try {
        const info = model.info;
        const auto = autoBackend(list);
        if (auto === 'cpu') {
          assert.equal(info.backend, 'cpu');
          assert.equal(info.gpuLayers, 0);
          assert.equal(info.outputOnDevice, false);
        } else {
          assert.equal(info.backend, auto);
          assert.ok(info.gpuLayers > 0);
        }
        for (const b of list) if (!b.available) assert.ok(info.reasons.includes(b.reason as string), `${info.reasons} lacks ${b.reason}`);
        // A backend passed by although it has devices (lavapipe) says why.
        for (const b of list) {
          if (b.available && b.backend !== 'cpu' && b.backend !== auto && list.indexOf(b) < list.findIndex((x) => x.backend === auto)) {
            assert.ok(info.reasons.some((r) => r.includes('only CPU-emulated devices')), `${info.reasons} lacks why ${b.backend} was passed by`);
          }
        }
        assert.equal(typeof info.device, 'string');
      } finally {
        model.dispose();
      }
    });

    for (const name of ['cuda', 'vulkan'] as const) {
      it(`backend '${name}' without a device fails with E_BACKEND_UNAVAILABLE and its reason`, async function () {
        const b = listDevices().find((x) => x.backend === name);
        if (b?.available) {
          console.log(`      skipped: ${name} has a device here`);
          this.skip();
        }
        await assert.rejects(loadModel(file, { backend: name }), (e: Error & { code?: string }) => {
          assert.equal(e.code, 'E_BACKEND_UNAVAILABLE');
          assert.equal(e.message, b?.reason);
          return true;
        });
      });
    }

    it('rejects unknown backends and bad gpuLayers with E_INVALID_ARGUMENT', async () => {
      const bad: [object, RegExp][] = [
        [{ backend: 'metal' }, /backend must be 'auto', 'cpu', 'cuda' or 'vulkan', got 'metal'/],
        [{ gpuLayers: -1 }, /gpuLayers must be .* got -1/],
        [{ gpuLayers: 1.5 }, /gpuLayers must be .* got 1.5/],
        [{ gpuLayers: 'most' }, /gpuLayers must be .* got 'most'/],
        [{ gpuLayers: '' }, /gpuLayers must be/],
      ];
      for (const [opts, re] of bad) {
        await assert.rejects(loadModel(file, opts), (e: Error & { code?: string }) => {
          assert.equal(e.code, 'E_INVALID_ARGUMENT', JSON.stringify(opts));
          assert.match(e.message, re);
          return true;
        });
      }
    });
  });
});

describe('backend: a named backend probes only itself and the CPU', function () {
  this.timeout(120000);

  // In a fresh process each: another test may already have opened Vulkan in this one.
  function vulkanMappedAfterLoad(backend: 'auto' | 'cpu'): boolean {
    const engine = path.join(REPO_ROOT, 'extension', 'engine', 'engine.ts');
    const model = fixture('tiny-llama/tinyllamas-stories-260k-f32.gguf');
    const script =
      `const { loadModel } = require(${JSON.stringify(engine)});` +
      `loadModel(${JSON.stringify(model)}, { backend: '${backend}', contextLength: 64 }).then((m) => {` +
      `  process.stdout.write(/libvulkan\\.so/.test(require('fs').readFileSync('/proc/self/maps', 'utf8')) ? 'mapped' : 'not mapped');` +
      '  m.dispose();' +
      '});';
    const out = execFileSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8' });
    return out.trim() === 'mapped';
  }

  before(function () {
    if (!fs.existsSync('/proc/self/maps')) {
      console.log('    skipped: no /proc/self/maps to see the loaded libraries in (Linux only)');
      this.skip();
    }
  });

  it("backend 'cpu' does not load the Vulkan loader; 'auto' does where Vulkan is built and installed", function () {
    assert.equal(vulkanMappedAfterLoad('cpu'), false, "backend 'cpu' mapped libvulkan");
    const vulkan = listDevices().find((b) => b.backend === 'vulkan');
    // The control shows the check can see the library: only where the addon has Vulkan and libvulkan.so.1 exists.
    if (vulkan && !/not built|not found/.test(vulkan.reason ?? '')) {
      assert.equal(vulkanMappedAfterLoad('auto'), true, "backend 'auto' did not map libvulkan: the check cannot see it");
    }
  });
});
