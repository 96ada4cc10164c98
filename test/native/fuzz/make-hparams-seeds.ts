/**
 * Writes the persistent seed corpus of the hparams fuzz target
 * (test/native/fuzz/hparams-fuzz.cpp) into argv[2] (default:
 * test/native/fuzz/hparams-seeds, which is committed): GGUF headers of tiny
 * valid models (llama, tied and untied, qwen2 with biases, gemma3 with a
 * sliding window, starcoder2 with LayerNorm, phi3 with fused weights and
 * with LongRoPE, gpt-oss with sinks and biased experts, a head size that is
 * not n_embd / n_head, more layers) and the head-count wrap of issue 15.
 * Headers only, the fuzz target supplying zero bytes for the tensor data;
 * but LongRoPE's factors must be positive, so that seed also carries the
 * bytes of its first two tensors (the factors).
 *   npx tsx test/native/fuzz/make-hparams-seeds.ts [dir]
 */
import * as fs from 'fs';
import * as path from 'path';
import { encodeGguf, encodeGgufHeader, type GgufFileSpec } from '../../../extension/gguf/writer';
import { headCountWrap } from '../../reliability/helpers/hostile-corpus';
import { tinyModel } from '../../reliability/helpers/hostile-models';

/** Seeds that carry the data of their first n tensors (the rest is the fuzz target's zeros). */
const WITH_DATA: Record<string, number> = { 'phi3-longrope-tiny': 2 };

const SEEDS: Record<string, GgufFileSpec> = {
  'llama-tiny': tinyModel(),
  'llama-tied': tinyModel({ outputTensor: false }),
  'llama-head8': tinyModel({ nHead: 1, nHeadKv: 1, headDim: 8 }),
  'llama-3-layers-gqa': tinyModel({ nLayer: 3, nHead: 4, nHeadKv: 2, headDim: 2 }),
  'qwen2-tiny': tinyModel({ arch: 'qwen2' }),
  'gemma3-tiny': tinyModel({ arch: 'gemma3' }),
  'starcoder2-tiny': tinyModel({ arch: 'starcoder2' }),
  'phi3-tiny': tinyModel({ arch: 'phi3' }),
  'phi3-longrope-tiny': tinyModel({ arch: 'phi3', longRope: true }),
  'gpt-oss-tiny': tinyModel({ arch: 'gpt-oss', nExpert: 4, nExpertUsed: 2, nFfExp: 8 }),
  'llama-head-count-wrap': headCountWrap(),
};

function main(): void {
  const dir = process.argv[2] ?? path.join(__dirname, 'hparams-seeds');
  fs.mkdirSync(dir, { recursive: true });
  let total = 0;
  for (const [name, spec] of Object.entries(SEEDS)) {
    // Without tensor data the writer still lays out the offsets.
    const layout = encodeGgufHeader({ ...spec, tensors: spec.tensors?.map(({ data: _data, ...t }) => t) });
    let bytes = layout.header;
    const n = WITH_DATA[name] ?? 0;
    if (n > 0) {
      const end = layout.dataOffset + layout.tensorOffsets[n - 1] + layout.tensorBytes[n - 1];
      bytes = encodeGguf(spec).subarray(0, end);
    }
    fs.writeFileSync(path.join(dir, name), bytes);
    total += bytes.length;
  }
  console.log(`hparams fuzz seeds: ${Object.keys(SEEDS).length} files, ${total} bytes in ${dir}`);
}

main();
