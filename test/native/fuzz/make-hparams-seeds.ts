/**
 * Writes the persistent seed corpus of the hparams fuzz target
 * (test/native/fuzz/hparams-fuzz.cpp) into argv[2] (default:
 * test/native/fuzz/hparams-seeds, which is committed): GGUF headers of tiny
 * valid models (llama, tied and untied, qwen2 with biases, gemma3 with a
 * sliding window, starcoder2 with LayerNorm, phi3 with fused weights,
 * gpt-oss with sinks and biased experts, a head size that is not
 * n_embd / n_head, more layers) and the head-count wrap of issue 15.
 * Headers only: the fuzz target supplies zero bytes for the tensor data.
 *   npx tsx test/native/fuzz/make-hparams-seeds.ts [dir]
 */
import * as fs from 'fs';
import * as path from 'path';
import { encodeGgufHeader, type GgufFileSpec } from '../../../extension/gguf/writer';
import { headCountWrap } from '../../reliability/helpers/hostile-corpus';
import { tinyModel } from '../../reliability/helpers/hostile-models';

const SEEDS: Record<string, GgufFileSpec> = {
  'llama-tiny': tinyModel(),
  'llama-tied': tinyModel({ outputTensor: false }),
  'llama-head8': tinyModel({ nHead: 1, nHeadKv: 1, headDim: 8 }),
  'llama-3-layers-gqa': tinyModel({ nLayer: 3, nHead: 4, nHeadKv: 2, headDim: 2 }),
  'qwen2-tiny': tinyModel({ arch: 'qwen2' }),
  'gemma3-tiny': tinyModel({ arch: 'gemma3' }),
  'starcoder2-tiny': tinyModel({ arch: 'starcoder2' }),
  'phi3-tiny': tinyModel({ arch: 'phi3' }),
  'gpt-oss-tiny': tinyModel({ arch: 'gpt-oss', nExpert: 4, nExpertUsed: 2, nFfExp: 8 }),
  'llama-head-count-wrap': headCountWrap(),
};

function main(): void {
  const dir = process.argv[2] ?? path.join(__dirname, 'hparams-seeds');
  fs.mkdirSync(dir, { recursive: true });
  let total = 0;
  for (const [name, spec] of Object.entries(SEEDS)) {
    // Without tensor data the writer still lays out the offsets.
    const header = encodeGgufHeader({ ...spec, tensors: spec.tensors?.map(({ data: _data, ...t }) => t) }).header;
    fs.writeFileSync(path.join(dir, name), header);
    total += header.length;
  }
  console.log(`hparams fuzz seeds: ${Object.keys(SEEDS).length} files, ${total} bytes in ${dir}`);
}

main();
