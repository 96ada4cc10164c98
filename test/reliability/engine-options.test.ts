/**
 * Numeric options at the binding (issue 15, defects 5 and 11). The old
 * binding cast any double to an integer (undefined behaviour past the
 * range): maxTokens 1e20 came out negative ("must be >= 0"), seed 1e30 was
 * accepted, contextLength 1 printed a token then failed with E_INTERNAL, and
 * threads 1000 started a thousand threads. Now every integer option is a
 * finite integer in its stated range or E_INVALID_ARGUMENT naming both, and
 * the thread count is clamped to the CPUs present, reported next to the
 * count asked for.
 */
import { strict as assert } from 'assert';
import * as os from 'os';
import { loadBinding } from '../../extension/engine/binding';
import type { NativeGenerateOptions, NativeModel, NativeSession } from '../../extension/engine/native-model';
import { fixture } from '../helpers/fixtures';

const MODEL = fixture('tiny-llama/tinyllamas-stories-260k-f32.gguf');

function cpusAllowed(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

async function generateOnce(session: NativeSession, tokens: number[], options: NativeGenerateOptions): Promise<{ type: string; code?: string; message?: string; reason?: string }> {
  return new Promise((resolve) => {
    try {
      session.generate(tokens, options, (ev) => {
        if (ev.type === 'done') resolve({ type: 'done', reason: ev.reason });
        else if (ev.type === 'error') resolve({ type: 'error', code: (ev.error as Error & { code?: string }).code, message: ev.error.message });
      });
    } catch (err) {
      const e = err as Error & { code?: string };
      resolve({ type: 'thrown', code: e.code, message: e.message });
    }
  });
}

describe('reliability: numeric options in the binding', function () {
  this.timeout(60000);
  let model: NativeModel;
  let session: NativeSession;
  let prompt: number[];

  before(async function () {
    model = await loadBinding().loadModel(MODEL, { threads: 1 });
    session = model.createSession({ contextLength: 64 });
    prompt = Array.from(model.tokenize('Once upon a time', true, false));
  });
  after(() => model?.dispose());

  const badGenerate: Array<[string, NativeGenerateOptions, RegExp]> = [
    ['maxTokens 1e20', { maxTokens: 1e20 }, /maxTokens must be an integer in \[0, 16777216\], got 1e\+20/],
    ['maxTokens -1', { maxTokens: -1 }, /maxTokens must be an integer in \[0, /],
    ['maxTokens 2.5', { maxTokens: 2.5 }, /maxTokens must be an integer/],
    ['maxTokens NaN', { maxTokens: NaN }, /maxTokens must be an integer/],
    ['seed 1e30', { seed: 1e30 }, /seed must be an integer in \[0, 9007199254740991\]/],
    ['seed -1', { seed: -1 }, /seed must be an integer/],
    ['topK Infinity', { topK: Infinity }, /topK must be an integer/],
    ['repeatLastN 1e10', { repeatLastN: 1e10 }, /repeatLastN must be an integer/],
    ['spliceDrift 1e300', { spliceDrift: 1e300 }, /spliceDrift must be an integer/],
    ['temperature NaN', { temperature: NaN }, /temperature must be a finite number/],
    ['topP 2', { topP: 2 }, /topP must be a finite number in \[0, 1\]/],
    ['minP -Infinity', { minP: -Infinity }, /minP must be a finite number/],
  ];
  for (const [name, options, message] of badGenerate) {
    it(`generate rejects ${name} with E_INVALID_ARGUMENT naming the option and range`, async () => {
      const r = await generateOnce(session, prompt, options);
      assert.equal(r.type, 'thrown', JSON.stringify(r));
      assert.equal(r.code, 'E_INVALID_ARGUMENT');
      assert.match(r.message ?? '', message);
    });
  }

  it('evaluate rejects out-of-range spliceDrift and token ids outside the vocab', async () => {
    await assert.rejects(async () => session.evaluate(prompt, { spliceDrift: 1e20 }), (e: Error & { code?: string }) => e.code === 'E_INVALID_ARGUMENT' && /spliceDrift/.test(e.message));
    await assert.rejects(async () => session.evaluate([1, 1e6]), (e: Error & { code?: string }) => e.code === 'E_INVALID_ARGUMENT' && /outside the vocab/.test(e.message));
  });

  it('createSession rejects a context too small to hold and shift a prompt (was E_INTERNAL after one token)', () => {
    for (const contextLength of [1, 2, 7]) {
      assert.throws(() => model.createSession({ contextLength }), (e: Error & { code?: string }) =>
        e.code === 'E_INVALID_ARGUMENT' && /contextLength must be 0 \(the model's\) or at least 8/.test(e.message));
    }
    for (const [opt, v] of [['contextLength', 1e20], ['batchSize', 0], ['batchSize', 1e9], ['keepTokens', -2], ['contextLength', NaN]] as const) {
      assert.throws(() => model.createSession({ [opt]: v }), (e: Error & { code?: string }) =>
        e.code === 'E_INVALID_ARGUMENT' && e.message.startsWith(`${opt} must be an integer in [`), `${opt} ${v}`);
    }
  });

  it('loadModel\'s contextLength is the default of its sessions (and what LongRoPE picks its factors by); out of range: E_INVALID_ARGUMENT', async () => {
    const m = await loadBinding().loadModel(MODEL, { threads: 1, contextLength: 100 });
    try {
      assert.equal(m.createSession({}).info().contextLength, 100);
      assert.equal(m.createSession({ contextLength: 64 }).info().contextLength, 64);
    } finally {
      m.dispose();
    }
    assert.equal(model.createSession({}).info().contextLength, 512, 'without one: context_length, at most 4096');
    for (const contextLength of [2, 2 ** 20 + 1]) {
      await assert.rejects(async () => loadBinding().loadModel(MODEL, { threads: 1, contextLength }), (e: Error & { code?: string }) =>
        e.code === 'E_INVALID_ARGUMENT' && /context length \d+ is outside 8\.\.1048576 tokens/.test(e.message), String(contextLength));
    }
    await assert.rejects(async () => loadBinding().loadModel(MODEL, { threads: 1, contextLength: 1.5 }), (e: Error & { code?: string }) =>
      e.code === 'E_INVALID_ARGUMENT' && /contextLength must be an integer/.test(e.message));
  });

  it('the smallest context generates past its end (shifting), no E_INTERNAL', async () => {
    const s = model.createSession({ contextLength: 8 });
    const r = await generateOnce(s, prompt, { maxTokens: 40 });
    assert.deepEqual(r, { type: 'done', reason: 'length' });
    assert.ok(s.info().contextShifts > 0);
    s.dispose();
  });

  it('loadModel clamps threads to the CPUs present and reports both; rejects non-integers', async () => {
    const m = await loadBinding().loadModel(MODEL, { threads: 1000 });
    try {
      const info = m.info();
      assert.equal(info.threadsRequested, 1000);
      assert.ok(info.threads >= 1 && info.threads <= cpusAllowed(), `threads ${info.threads} with ${cpusAllowed()} CPUs`);
    } finally {
      m.dispose();
    }
    assert.equal(model.info().threadsRequested, 1);
    assert.equal(model.info().threads, 1);
    for (const threads of [1e20, -1, 1.5]) {
      await assert.rejects(async () => loadBinding().loadModel(MODEL, { threads }), (e: Error & { code?: string }) =>
        e.code === 'E_INVALID_ARGUMENT' && /threads must be an integer in \[0, 65536\]/.test(e.message));
    }
  });
});
