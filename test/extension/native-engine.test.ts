/**
 * The real runtime behind the engine port, on the tiny fixture model: a
 * completion is the greedy continuation `hearth generate` gives, chat streams,
 * abort stops a stream, and bad paths fail with codes.
 */
import { strict as assert } from 'assert';
import { NativeEngine } from '../../extension/host/child/native-engine';
import { loadModel } from '../../extension/engine/engine';
import { consume, type FimRequest, type TextStream } from '../../extension/host/engine-port';
import type { StopReason } from '../../extension/engine/engine';
import { fixture } from '../helpers/fixtures';

const STORIES = 'tiny-llama/tinyllamas-stories-260k-f32.gguf';
const req = (prefix: string, maxTokens = 24): FimRequest => ({ path: 'a.txt', chunks: [], prefix, suffix: '', maxTokens, timeBudgetMs: 5000, stop: [] });

async function collect(it: AsyncIterable<string>): Promise<string> {
  let s = '';
  for await (const p of it) s += p;
  return s;
}

describe('native engine behind the engine port', function () {
  this.timeout(30000);
  let engine: NativeEngine;

  before(function () {
    engine = new NativeEngine();
  });
  after(async () => engine?.dispose());

  it('loads and describes the model', async () => {
    const info = await engine.load(fixture(STORIES), { contextTokens: 512 });
    assert.equal(info.architecture, 'llama');
    assert.equal(info.parameters, 292800);
    assert.equal(info.fim, null, 'stories260K has no FIM tokens');
  });

  it('reports where the model computes, and honours backend/gpuLayers', async () => {
    const e = new NativeEngine();
    try {
      const info = await e.load(fixture(STORIES), { contextTokens: 256, backend: 'cpu', gpuLayers: 2 });
      assert.deepEqual(
        { backend: info.compute?.backend, gpuLayers: info.compute?.gpuLayers, nLayer: info.compute?.nLayer },
        { backend: 'cpu', gpuLayers: 2, nLayer: 5 },
      );
      const st = await e.status();
      assert.equal(st.model?.compute?.gpuLayers, 2);
      assert.ok(Array.isArray(st.model?.compute?.reasons));
    } finally {
      await e.dispose();
    }
  });

  it('completes like a greedy generate of the prefix (no FIM: plain continuation)', async () => {
    const got = await collect(engine.complete(req('Once upon a time'), new AbortController().signal));
    const model = await loadModel(fixture(STORIES), { contextLength: 512 });
    try {
      const gen = model.createSession().generate('Once upon a time', { maxTokens: 24, temperature: 0 });
      const ref = (await gen.result).text;
      assert.equal(got, ref);
    } finally {
      model.dispose();
    }
    assert.match(got, /^, there was a little girl named Lily/);
  });

  it('says why a stream ended: the token limit, or past twice the completion\'s time budget', async () => {
    const ended = async (stream: TextStream): Promise<StopReason | undefined> => consume(stream, () => {});
    assert.equal(await ended(engine.complete(req('Once upon a time', 8), new AbortController().signal)), 'length');
    assert.equal(await ended(engine.chat([{ role: 'user', content: 'Tell me a story.' }], { maxTokens: 4 }, new AbortController().signal)), 'length');
    // A 1 ms budget: the engine host stops it at 2 ms, long before 400 tokens.
    const slow = { ...req('Once upon a time', 400), timeBudgetMs: 1 };
    assert.equal(await ended(engine.complete(slow, new AbortController().signal)), 'time-budget');
  });

  it('streams a chat answer and stops on abort', async () => {
    const text = await collect(engine.chat([{ role: 'user', content: 'Tell me a story.' }], { maxTokens: 16 }, new AbortController().signal));
    assert.ok(text.length > 0);
    const ac = new AbortController();
    let pieces = 0;
    await assert.rejects(
      (async () => {
        for await (const _ of engine.complete(req('Once upon a time', 200), ac.signal)) {
          if (++pieces === 3) ac.abort();
        }
      })(),
      (e: { code?: string }) => e.code === 'E_ABORTED',
    );
    assert.ok(pieces <= 4, `${pieces} pieces after abort`);
  });

  it('tokenizes and detokenizes with the model\'s vocabulary; an id outside it is a coded error', async () => {
    const ids = await engine.tokenize('Once upon a time', { addBos: false });
    assert.ok(ids.length >= 3 && ids.length <= 8, JSON.stringify(ids));
    assert.equal((await engine.detokenize(ids)).trim(), 'Once upon a time');
    const withBos = await engine.tokenize('Once upon a time', { addBos: true });
    assert.deepEqual(withBos.slice(1), ids, 'add_special puts BOS first');
    await assert.rejects(engine.detokenize([1e7]), (e: { code?: string }) => e.code === 'E_INVALID_ARGUMENT');
  });

  it('fails with a code for a missing file', async () => {
    await assert.rejects(new NativeEngine().load('/no/such/model.gguf', {}), (e: { code?: string }) => e.code === 'E_IO_NOT_FOUND');
  });
});
