/**
 * The Node-less tools a GPU machine runs (bench/gpu/): write-skeleton.ts +
 * fill-model must write the same bytes as the Node writer, and model-check
 * must run a real file through the engine and compare a GPU backend with the
 * CPU (Vulkan here: lavapipe in CI). They only run on a lent GPU machine, so
 * this is what keeps them from rotting between loans.
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ModelShape } from '../../bench/model/shapes';
import { gpt2VocabPath, shapeVocabPath } from '../../bench/model/vocab';
import { writeBenchModel } from '../../bench/model/write-model';
import { writeSkeleton } from '../../bench/gpu/write-skeleton';
import { fixture } from '../helpers/fixtures';
import { skipWithoutVulkan } from '../backend-vulkan/vulkan-binding';

const ROOT = path.resolve(__dirname, '..', '..');
const SMALL: ModelShape = { id: 'small', arch: 'qwen2', nEmbd: 256, nLayer: 2, nHead: 4, nHeadKv: 2, headDim: 64, nFf: 512, nVocab: 50304, nCtxTrain: 2048, tiedEmbeddings: true };
// gpt-oss in mxfp4: biases, sinks and MXFP4 experts go through the C++ filler too.
const SMALL_OSS: ModelShape = {
  ...SMALL, id: 'small-oss', arch: 'gpt-oss', tiedEmbeddings: false, nExpert: 4, nExpertUsed: 2, nFfExp: 256, slidingWindow: 8,
};

function run(cmd: string, args: string[]): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: 180000 });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

describe('bench: Node-less tools (fill-model, model-check, llama-ref)', function () {
  this.timeout(300000);
  let dir: string;
  before(function () {
    if (!fs.existsSync(path.join(ROOT, 'build', 'Release', 'hearth_core.a'))) {
      console.log('    skipped: build/Release has no static libraries (run npx node-gyp build)');
      this.skip();
    }
    const b = run('bash', ['bench/gpu/build.sh', 'fill-model', 'model-check']);
    assert.equal(b.status, 0, b.out);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-gpu-tools-'));
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const [shape, format] of [[SMALL, 'q4_0'], [SMALL, 'q4_k_m'], [SMALL_OSS, 'mxfp4']] as const) {
    it(`${shape.arch} ${format}: skeleton + fill-model give the Node writer's bytes`, async () => {
      const js = path.join(dir, `js-${format}.gguf`);
      await writeBenchModel(shape, format, js);
      const k = await writeSkeleton(shape, format, gpt2VocabPath(), dir);
      const out = path.join(dir, `cpp-${format}.gguf`);
      const r = run(path.join(ROOT, 'build', 'fill-model'), [`${k.base}.plan`, `${k.base}.head`, out]);
      assert.equal(r.status, 0, r.out);
      const a = fs.readFileSync(js), b = fs.readFileSync(out);
      assert.equal(b.length, k.fileSize);
      assert.equal(a.length, b.length);
      let differ = 0;
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differ++;
      assert.equal(differ, 0, `${differ} bytes differ`);
    });
  }

  it('write-skeleton: a vocab whose text rows do not start at 0 (StarCoder2\'s) is refused', async () => {
    const sc2: ModelShape = { ...SMALL, id: 'small-sc2', arch: 'starcoder2', nVocab: 49152, vocab: 'ggml-vocab-starcoder.gguf' };
    await assert.rejects(writeSkeleton(sc2, 'q4_0', shapeVocabPath(sc2), dir), /text rows start at 38/);
  });

  it('fill-model: a plan that does not match its header is refused, no file left', () => {
    const plan = path.join(dir, 'bad.plan'), head = path.join(dir, 'bad.head'), out = path.join(dir, 'bad.gguf');
    fs.writeFileSync(plan, 'hearth-skeleton 2 4096 64 0 0\n');
    fs.writeFileSync(head, Buffer.alloc(32));
    const r = run(path.join(ROOT, 'build', 'fill-model'), [plan, head, out]);
    assert.equal(r.status, 1, r.out);
    assert.match(r.out, /fill-model: /);
    assert.ok(!fs.existsSync(out));
  });

  it('model-check: stories260K on Vulkan matches the CPU (all layers and half)', function () {
    skipWithoutVulkan(this);
    const model = fixture('tiny-llama/tinyllamas-stories-260k-f32.gguf');
    const r = run(path.join(ROOT, 'build', 'model-check'), ['--model', model, '--compare-cpu', '--backend', 'vulkan', '--greedy', '12']);
    assert.equal(r.status, 0, r.out);
    const pass = r.out.split('\n').filter((l) => l.startsWith('PASS model'));
    assert.equal(pass.length, 2, r.out);
    assert.match(r.out, /gpu-layers all \(5 on vulkan\)/);
  });

  it('llama-ref (libllama, no Node) and model-check (our engine) agree on greedy tokens', function () {
    const lib = path.join(ROOT, 'node_modules', '@node-llama-cpp', 'linux-x64', 'bins', 'linux-x64');
    if (process.platform !== 'linux' || process.arch !== 'x64' || !fs.existsSync(lib)) {
      console.log(`    skipped: llama.cpp's linux-x64 build not installed (${lib})`);
      this.skip();
    }
    const b = run('bash', ['bench/gpu/build-llama-ref.sh']);
    assert.equal(b.status, 0, b.out);
    const model = fixture('tiny-llama/llama-2-tiny-random.gguf');
    const ids = '1,450,4996,17354,1701';
    const ours = run(path.join(ROOT, 'build', 'model-check'), ['--model', model, '--compare-cpu', '--backend', 'cpu', '--prompt-ids', ids, '--greedy', '16']);
    assert.equal(ours.status, 0, ours.out);
    const theirs = run(path.join(ROOT, 'build', 'llama-ref'), ['--lib', lib, '--model', model, '--prompt-ids', ids, '--greedy', '16', '--threads', '1']);
    assert.equal(theirs.status, 0, theirs.out);
    const line = (out: string, re: RegExp) => (out.split('\n').find((l) => re.test(l)) ?? '').split(' ').pop();
    const a = line(ours.out, /^greedy cpu /), c = line(theirs.out, /^greedy /);
    assert.ok(a && a.split(',').length === 16, ours.out);
    assert.equal(a, c);
  });

  it('model-check: an unknown backend and a missing file are coded errors', () => {
    const model = fixture('tiny-llama/tinyllamas-stories-260k-f32.gguf');
    let r = run(path.join(ROOT, 'build', 'model-check'), ['--model', model, '--bench', '--backend', 'metal']);
    assert.equal(r.status, 1, r.out);
    assert.match(r.out, /E_INVALID_ARGUMENT/);
    r = run(path.join(ROOT, 'build', 'model-check'), ['--model', path.join(dir, 'none.gguf'), '--bench', '--backend', 'cpu']);
    assert.equal(r.status, 1, r.out);
    assert.match(r.out, /FAIL .*none\.gguf: E_IO/);
  });
});
