import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { inspectModel } from '../../extension/engine/gguf';
import { writeGguf, type GgufTensorSpec } from '../../extension/gguf/writer';
import { useTmpDir } from './helpers/tmp';

const MiB = 1024 * 1024;

describe('gguf lazy loading (a >= 1 GiB sparse file)', () => {
  const tmp = useTmpDir('lazy');

  it('inspects without reading tensor data: small RSS growth, millisecond inspect', async () => {
    const file = path.join(tmp(), 'big.gguf');
    // 32 Q4_0 tensors of 4096 x 12288 (27 MiB each) plus F16 embeddings: ~1.1 GiB, all holes.
    const tensors: GgufTensorSpec[] = [{ name: 'token_embd.weight', type: 'F16', shape: [4096, 32000] }];
    for (let i = 0; i < 32; i++) tensors.push({ name: `blk.${i}.ffn_up.weight`, type: 'Q4_0', shape: [4096, 12288] });
    const tokens = Array.from({ length: 32000 }, (_, i) => `tok${i}`);
    const layout = await writeGguf(file, {
      metadata: [
        { key: 'general.architecture', type: 'string', value: 'llama' },
        { key: 'tokenizer.ggml.tokens', type: 'array', value: { itemType: 'string', items: tokens } },
      ],
      tensors,
    });
    assert.ok(layout.fileSize >= 1024 * MiB, `file is ${layout.fileSize} bytes`);
    assert.equal(fs.statSync(file).size, layout.fileSize);

    await inspectModel(file);  // load the addon, warm the page cache for the header
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    const t0 = process.hrtime.bigint();
    const info = await inspectModel(file);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const rss1 = process.memoryUsage().rss;
    assert.equal(info.tensors.length, 33);
    assert.equal(info.fileSize, layout.fileSize);
    const grewMiB = (rss1 - rss0) / MiB;
    console.log(`      ${(layout.fileSize / MiB).toFixed(0)} MiB file: warm inspect ${ms.toFixed(2)} ms, RSS delta ${grewMiB.toFixed(1)} MiB`);
    assert.ok(grewMiB < 64, `RSS grew by ${grewMiB.toFixed(1)} MiB`);
  });
});
