/**
 * The dense FFN runs a long batch 128 tokens at a time (decoder-layer.cpp
 * FFN_ROWS): a 300-token prompt in one batch must continue exactly as the
 * same prompt fed in batches of 64, which never split.
 */
import { strict as assert } from 'assert';
import { loadModel } from '../../extension/engine/engine';
import { fixture } from '../helpers/fixtures';

describe('runtime: FFN passes over a long batch', function () {
  this.timeout(60000);
  it('a 300-token batch continues like batches of 64', async () => {
    const model = await loadModel(fixture('tiny-llama/tinyllamas-stories-260k-f32.gguf'), { contextLength: 512 });
    try {
      const prompt = 'Once upon a time, there was a little girl named Lily. She liked to play in the park with her dog. '.repeat(12);
      const run = async (batchSize: number) => {
        const gen = model.createSession({ contextLength: 512, batchSize }).generate(prompt, { maxTokens: 24, temperature: 0 });
        return gen.result;
      };
      const one = await run(512);
      assert.ok(one.promptTokens.length > 256, `${one.promptTokens.length} prompt tokens: more than two FFN passes`);
      assert.deepEqual(one.tokens, (await run(64)).tokens);
    } finally {
      model.dispose();
    }
  });
});
