/**
 * Random models with MXFP4 weights, for the MXFP4 differential test.
 * `hearth quantize` has no MXFP4 target (such files come from gpt-oss
 * conversions), so this rewrites model-factory's F32 model through the
 * quantizer's rewriteModel with its own plan: either every
 * 2-D *.weight (embeddings and output included) or, as in gpt-oss files, only
 * the stacked experts (*_exps.weight); norms and biases stay F32.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { TensorInfo } from '../../extension/engine/gguf';
import { rewriteModel } from '../../extension/engine/quantize';
import { randomModel, type RandomModelSpec } from './model-factory';

const MXFP4_BLOCK = 32;

export type Mxfp4Part = 'matrices' | 'experts';

/** Rewrites the F32 GGUF `input` to `output` with its 2-D weights (or its experts) in MXFP4. */
export async function writeMxfp4Model(input: string, output: string, part: Mxfp4Part = 'matrices'): Promise<void> {
  const planFor = (tensors: TensorInfo[]): Map<string, string> => {
    const plan = new Map<string, string>();
    for (const t of tensors) {
      const picked = part === 'experts' ? t.name.endsWith('_exps.weight') : t.name.endsWith('.weight') && t.shape.length === 2;
      if (t.type === 'F32' && picked && t.shape[0] % MXFP4_BLOCK === 0) plan.set(t.name, 'MXFP4');
    }
    return plan;
  };
  await rewriteModel(input, output, planFor, 'MXFP4', undefined);
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
