/**
 * Defect 9 (host part): NativeEngine.load disposed the old model while a chat
 * could still be streaming from it. Now a load (and dispose) aborts running
 * generations and waits for them to end before the model goes.
 */
import { strict as assert } from 'assert';
import { NativeEngine } from '../../extension/host/child/native-engine';
import { fixture } from '../helpers/fixtures';

const MODEL = fixture('tiny-llama/tinyllamas-stories-260k-f32.gguf');

describe('NativeEngine.load while a chat streams (host)', function () {
  this.timeout(60000);

  it('aborts the running chat and waits for it before disposing the old model', async function () {
    const engine = new NativeEngine();
    try {
      await engine.load(MODEL, { contextTokens: 256, threads: 1 });
      // Record, at the moment the old model is disposed, whether its native generation had ended.
      const inner = engine as unknown as { model: { dispose(): void }; chatSession: { generate(...a: unknown[]): { result: Promise<unknown> } } };
      const old = inner.model;
      const session = inner.chatSession;
      let generationEnded = false;
      const realGenerate = session.generate.bind(session);
      session.generate = (...a: unknown[]) => {
        const gen = realGenerate(...a);
        void gen.result.then(() => (generationEnded = true), () => (generationEnded = true));
        return gen;
      };
      let endedBeforeDispose: boolean | null = null;
      const realDispose = old.dispose.bind(old);
      old.dispose = () => {
        endedBeforeDispose = generationEnded;
        realDispose();
      };
      let pieces = 0;
      let outcome = 'done';
      let reload: Promise<unknown> | null = null;
      const chat = (async () => {
        try {
          for await (const _ of engine.chat([{ role: 'user', content: 'Once upon a time' }], { maxTokens: 200, temperature: 0.8 }, new AbortController().signal)) {
            pieces++;
            // Replace the model mid-stream; keep consuming until the stream ends.
            if (pieces === 2) reload = engine.load(MODEL, { contextTokens: 256, threads: 1 });
          }
        } catch (err) {
          outcome = String((err as { code?: unknown }).code);
        }
      })();
      await chat;
      assert.ok(reload, `the chat ended after ${pieces} pieces, before the reload could start`);
      await reload;
      assert.ok(pieces < 200, 'the chat was aborted by the load');
      assert.ok(['done', 'E_ABORTED'].includes(outcome), `the chat ended with ${outcome}`);
      assert.equal(endedBeforeDispose, true, 'the old model was disposed while its chat was still generating');
      // The new model serves.
      let text = '';
      for await (const p of engine.chat([{ role: 'user', content: 'Hi' }], { maxTokens: 4 }, new AbortController().signal)) text += p;
      assert.ok(text.length > 0);
    } finally {
      await engine.dispose();
    }
  });
});
