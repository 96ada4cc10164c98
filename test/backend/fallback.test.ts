/**
 * A stage error at run time (here a simulated device loss from the CPU
 * backend, HEARTH_TEST_STAGE_FAIL) must not fail the request: the model moves
 * to the CPU path, says why in info().reasons, and the session recomputes
 * its cache there, so the tokens match a CPU-only run. Runs the CLI in a
 * child process because the variable is read once per process.
 */
import { strict as assert } from 'assert';
import { randomModel, type RandomModelSpec } from '../helpers/model-factory';
import { runCli } from '../helpers/run-cli';
import { fixture } from '../helpers/fixtures';

const SPEC: RandomModelSpec = {
  arch: 'llama', vocabFrom: fixture('llama.cpp-vocab/ggml-vocab-llama-spm.gguf'),
  nEmbd: 64, nLayer: 4, nHead: 4, nHeadKv: 2, nFf: 128, nCtx: 256, tiedEmbeddings: false, seed: 83,
};

interface GenJson { tokens: number[]; backend: { name: string; gpuLayers: number; reasons: string[] } }

describe('backend: runtime fallback to the CPU', function () {
  this.timeout(180000);
  let file: string;
  before(async function () {
    file = await randomModel(SPEC);
  });

  it('a device loss mid-generation continues on the CPU with the same tokens', async () => {
    const args = ['generate', file, '--prompt', 'Hello there, how are', '--n', '30', '--ctx', '20', '--threads', '1', '--json'];
    const ref = await runCli([...args, '--backend', 'cpu', '--gpu-layers', '0']);
    assert.equal(ref.code, 0, ref.stderr);
    const refDoc = JSON.parse(ref.stdout) as GenJson;
    assert.equal(refDoc.tokens.length, 30);

    const prev = process.env.HEARTH_TEST_STAGE_FAIL;
    process.env.HEARTH_TEST_STAGE_FAIL = '5';
    try {
      const r = await runCli([...args, '--backend', 'cpu', '--gpu-layers', '3']);
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout) as GenJson;
      assert.deepEqual(doc.tokens, refDoc.tokens);
      assert.equal(doc.backend.name, 'cpu');
      assert.equal(doc.backend.gpuLayers, 0);
      assert.ok(doc.backend.reasons.some((x) => /E_BACKEND_DEVICE_LOST: .*simulated device loss.*running on the CPU/.test(x)), doc.backend.reasons.join('\n'));
      assert.match(r.stderr, /falling back to the CPU/);
    } finally {
      if (prev === undefined) delete process.env.HEARTH_TEST_STAGE_FAIL;
      else process.env.HEARTH_TEST_STAGE_FAIL = prev;
    }
  });

  it('a stage that computes wrong results fails the load-time self-check and the model stays on the CPU', async () => {
    const args = ['generate', file, '--prompt', 'Hello', '--n', '6', '--threads', '1', '--json', '--backend', 'cpu', '--gpu-layers', '3'];
    const saved = { ...process.env };
    try {
      process.env.HEARTH_SELF_CHECK = '1';
      const good = await runCli(args);
      assert.equal(good.code, 0, good.stderr);
      assert.equal((JSON.parse(good.stdout) as GenJson).backend.gpuLayers, 3, 'an agreeing stage is kept');
      process.env.HEARTH_TEST_STAGE_SKEW = '1';
      const bad = await runCli(args);
      assert.equal(bad.code, 0, bad.stderr);
      const doc = JSON.parse(bad.stdout) as GenJson;
      assert.equal(doc.backend.gpuLayers, 0);
      assert.ok(doc.backend.reasons.some((x) => /^CPU: self-check against the CPU failed \(relative error [0-9.e+-]+\); running on the CPU$/.test(x)), doc.backend.reasons.join('\n'));
    } finally {
      delete process.env.HEARTH_SELF_CHECK;
      delete process.env.HEARTH_TEST_STAGE_SKEW;
      Object.assign(process.env, saved);
    }
  });
});
