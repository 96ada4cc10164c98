/**
 * Random models with MXFP4 weights, for the MXFP4 differential test.
 * `hearth quantize` has no MXFP4 target (such files come from gpt-oss
 * conversions), so this rewrites model-factory's F32 model itself through
 * the addon's reference quantizer (quantizeRows with type 39): either every
 * 2-D *.weight (embeddings and output included) or, as in gpt-oss files, only
 * the stacked experts (*_exps.weight); norms and biases stay F32.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadBinding } from '../../extension/engine/binding';
import { inspectModel } from '../../extension/engine/gguf';
import { metadataEntry } from '../../extension/engine/gguf-metadata';
import { writeGguf, type GgufMetadataEntry, type GgufTensorSpec } from '../../extension/gguf/writer';
import { randomModel, type RandomModelSpec } from './model-factory';

const MXFP4_TYPE_ID = 39;
const MXFP4_BLOCK = 32;

export type Mxfp4Part = 'matrices' | 'experts';

/** Rewrites the F32 GGUF `input` to `output` with its 2-D weights (or its experts) in MXFP4. */
export async function writeMxfp4Model(input: string, output: string, part: Mxfp4Part = 'matrices'): Promise<void> {
  const info = await inspectModel(input);
  const binding = loadBinding();
  const fd = fs.openSync(input, 'r');
  const tensors: GgufTensorSpec[] = [];
  try {
    for (const t of info.tensors) {
      const raw = new Uint8Array(t.nBytes);
      fs.readSync(fd, raw, 0, t.nBytes, info.containerOffset + info.dataOffset + t.offset);
      const picked = part === 'experts' ? t.name.endsWith('_exps.weight') : t.name.endsWith('.weight') && t.shape.length === 2;
      const convert = t.type === 'F32' && picked && t.shape[0] % MXFP4_BLOCK === 0;
      if (!convert) {
        tensors.push({ name: t.name, type: t.type, shape: t.shape, data: raw });
        continue;
      }
      const f32 = new Float32Array(raw.buffer, raw.byteOffset, t.nElements);
      tensors.push({ name: t.name, type: 'MXFP4', shape: t.shape, data: await binding.quantizeRows(MXFP4_TYPE_ID, f32, t.shape[0]) });
    }
  } finally {
    fs.closeSync(fd);
  }
  const metadata: GgufMetadataEntry[] = [];
  for (const [key, value] of Object.entries(info.metadata)) {
    if (key === 'general.file_type' || key === 'general.alignment') continue;
    metadata.push(metadataEntry(key, info.metadataTypes[key], value));
  }
  await writeGguf(output, { metadata, tensors });
}

/** Path of the cached MXFP4 variant of spec's random model, built on first use beside the F32 one. */
export async function randomModelMxfp4(spec: RandomModelSpec, part: Mxfp4Part = 'matrices'): Promise<string> {
  const f32 = await randomModel(spec);
  const file = path.join(path.dirname(f32), path.basename(f32).replace(/-F32\.gguf$/, `-MXFP4-${part}.gguf`));
  if (fs.existsSync(file)) return file;
  const tmp = `${file}.${process.pid}.tmp`;
  await writeMxfp4Model(f32, tmp, part);
  fs.renameSync(tmp, file);  // atomic: a parallel run never sees half a file
  return file;
}
