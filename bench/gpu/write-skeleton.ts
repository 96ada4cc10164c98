/**
 * Writes the small half of a benchmark model for a machine without Node:
 * DIR/<name>.head (the exact GGUF header bytes, vocab included) and
 * DIR/<name>.plan (a text manifest of the tensors), where <name> is the
 * file name `npm run bench` caches the model under. There, build/fill-model
 * (bench/gpu/fill-model.cpp) draws and quantizes the tensor data the way
 * bench/model/write-model.ts does and writes the whole file.
 *
 *   npx tsx bench/gpu/write-skeleton.ts --shape 1.5b --format q4_k_m,q8_0 --out DIR
 *
 * Plan format (one line each, space separated; names have no spaces):
 *   hearth-skeleton 2 <fileSize> <dataOffset> <nTensors> <textTokens>
 *   <tensorIndex> <ggml type id> <cols> <rows> <absolute data offset> <matrix|vocab|norm|bias> <name>
 * (rows of a vocab tensor from textTokens on are drawn quieter: write-model.ts's rowStd;
 * a vocab whose text rows do not start at 0, StarCoder2's, is refused)
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { ggmlType } from '../../extension/gguf/ggml-types';
import { FORMATS, SHAPES, type ModelShape } from '../model/shapes';
import { shapeVocabPath } from '../model/vocab';
import { benchModelLayout, modelFileName } from '../model/write-model';

const USAGE = `npx tsx bench/gpu/write-skeleton.ts --shape 0.5b,1.5b --format q4_0,q8_0,q4_k_m,f16 --out DIR [--vocab FILE]`;

function listOf(value: string | undefined, allowed: readonly string[], flag: string): string[] {
  const items = (value ?? '').split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  if (items.length === 0) throw new Error(`${flag} is required\n${USAGE}`);
  for (const it of items) {
    if (!allowed.includes(it)) throw new Error(`unknown ${flag} ${it} (one of ${allowed.join(', ')})`);
  }
  return items;
}

export interface Skeleton {
  /** DIR/<name>: the .head and .plan files are this plus the extension; fill-model writes <name>. */
  base: string;
  tensors: number;
  headerBytes: number;
  fileSize: number;
}

/** Writes DIR/<name>.head and DIR/<name>.plan for one shape and format. */
export async function writeSkeleton(s: ModelShape, format: string, vocabFile: string, outDir: string): Promise<Skeleton> {
  const name = modelFileName(s, format, vocabFile);
  const { tensors, layout, text } = await benchModelLayout(s, format, vocabFile);
  // fill-model.cpp knows only text rows from 0 (quiet from textTokens on).
  if (text.begin !== 0) throw new Error(`${s.id}: its vocab's text rows start at ${text.begin}, which fill-model cannot draw (write it with npm run bench)`);
  const lines = [`hearth-skeleton 2 ${layout.fileSize} ${layout.dataOffset} ${tensors.length} ${text.end}`];
  for (const [ti, t] of tensors.entries()) {
    const geom = ggmlType(t.type);
    if (!geom) throw new Error(`no geometry for ${t.type}`);
    if (/\s/.test(t.name)) throw new Error(`tensor name "${t.name}" has whitespace`);
    const cols = t.shape[0];
    const rows = t.shape.slice(1).reduce((a, b) => a * b, 1);
    const offset = layout.dataOffset + layout.tensorOffsets[ti];
    lines.push(`${ti} ${geom.id} ${cols} ${rows} ${offset} ${t.role} ${t.name}`);
  }
  const base = path.join(outDir, name);
  fs.writeFileSync(`${base}.head`, layout.header);
  fs.writeFileSync(`${base}.plan`, lines.join('\n') + '\n');
  return { base, tensors: tensors.length, headerBytes: layout.dataOffset, fileSize: layout.fileSize };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      shape: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      vocab: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const shapes = listOf(values.shape, Object.keys(SHAPES), '--shape');
  const formats = listOf(values.format, Object.keys(FORMATS), '--format');
  if (!values.out) throw new Error(`--out is required\n${USAGE}`);
  fs.mkdirSync(values.out, { recursive: true });
  for (const id of shapes) {
    const vocabFile = values.vocab ?? shapeVocabPath(SHAPES[id]);
    if (!fs.existsSync(vocabFile)) throw new Error(`vocab file ${vocabFile} not found (--vocab FILE)`);
    for (const format of formats) {
      const k = await writeSkeleton(SHAPES[id], format, vocabFile, values.out);
      console.log(`${k.base}.{head,plan}: ${k.tensors} tensors, header ${k.headerBytes} B, file ${k.fileSize} B`);
    }
  }
}

if (require.main === module) {
  main().catch((err: Error) => {
    console.error(`write-skeleton: ${err.message}`);
    process.exit(1);
  });
}
