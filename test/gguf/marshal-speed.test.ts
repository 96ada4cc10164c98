import { strict as assert } from 'assert';
import * as path from 'path';
import { inspectModel } from '../../extension/engine/gguf';
import { writeGguf } from '../../extension/gguf/writer';
import { useTmpDir } from './helpers/tmp';

// Prints how long marshalling a 150k-entry vocabulary takes; asserts only
// correctness (benchmarks are never timed tests).
describe('gguf marshalling of big string arrays', () => {
  const tmp = useTmpDir('marshal');

  it('a 150k-token vocabulary (tokens, scores, token types) arrives complete', async () => {
    const n = 150_000;
    const tokens = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? `▁word${i}` : `Ġtok${i}ü`));
    const file = path.join(tmp(), 'vocab150k.gguf');
    await writeGguf(file, {
      metadata: [
        { key: 'general.architecture', type: 'string', value: 'qwen2' },
        { key: 'tokenizer.ggml.tokens', type: 'array', value: { itemType: 'string', items: tokens } },
        { key: 'tokenizer.ggml.scores', type: 'array', value: { itemType: 'float32', items: tokens.map((_, i) => -i) } },
        { key: 'tokenizer.ggml.token_type', type: 'array', value: { itemType: 'int32', items: tokens.map(() => 1) } },
      ],
    });
    await inspectModel(file);
    const times: number[] = [];
    let info = await inspectModel(file);
    for (let i = 0; i < 5; i++) {
      const t0 = process.hrtime.bigint();
      info = await inspectModel(file);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const got = info.metadata['tokenizer.ggml.tokens'] as string[];
    assert.equal(got.length, n);
    assert.equal(got[n - 1], tokens[n - 1]);
    assert.equal(got[7], tokens[7]);
    assert.equal((info.metadata['tokenizer.ggml.scores'] as number[])[n - 1], -(n - 1));
    times.sort((a, b) => a - b);
    console.log(`      inspect of a 150k-token vocab (3 arrays): median ${times[2]!.toFixed(1)} ms, best ${times[0]!.toFixed(1)} ms`);
  });
});
