import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { gguf, GGUFValueType } from '@huggingface/gguf';
import { inspectModel, type GgufJsValue } from '../../extension/engine/gguf';
import { GGUF_TYPE_IDS } from '../../extension/gguf/writer';
import { allFixtureGgufs, fixture } from '../helpers/fixtures';
import { useTmpDir } from './helpers/tmp';

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** @huggingface/gguf's values in our documented mapping (bigint -> number or decimal string). */
function hfToOurs(v: unknown, type: number): GgufJsValue {
  if (Array.isArray(v)) return v.map((x) => hfToOurs(x, type));
  if (typeof v === 'bigint') return v > SAFE || v < -SAFE ? v.toString() : Number(v);
  if (type === GGUFValueType.BOOL) return Boolean(v);
  return v as GgufJsValue;
}

/**
 * @huggingface/gguf decodes strings with TextDecoder's default, which drops
 * a leading U+FEFF (Llama-2 has such a token); we keep the exact bytes.
 */
function withoutLeadingBom(v: GgufJsValue | undefined): GgufJsValue | undefined {
  if (typeof v === 'string') return v.startsWith('\uFEFF') ? v.slice(1) : v;
  if (Array.isArray(v)) return v.map((x) => withoutLeadingBom(x) as GgufJsValue);
  return v;
}

const TYPE_NAME_BY_ID = new Map(Object.entries(GGUF_TYPE_IDS).map(([name, id]) => [id, name]));

describe('gguf loader on the fixture models', function () {
  const tmp = useTmpDir('fixtures');
  it('finds the fixture GGUF files', () => {
    assert.ok(allFixtureGgufs().length >= 16, `found ${allFixtureGgufs().length}`);
  });

  for (const file of allFixtureGgufs()) {
    it(`matches @huggingface/gguf on ${path.basename(file)}`, async () => {
      const [ours, hf] = await Promise.all([
        inspectModel(file),
        gguf(file, { allowLocalFile: true, typedMetadata: true }),
      ]);
      assert.equal(ours.version, hf.metadata.version);
      assert.equal(ours.dataOffset, Number(hf.tensorDataOffset));
      assert.equal(ours.fileSize, fs.statSync(file).size);
      const hfKeys = Object.keys(hf.typedMetadata).filter((k) => !['version', 'tensor_count', 'kv_count'].includes(k));
      assert.deepStrictEqual(Object.keys(ours.metadata).sort(), hfKeys.sort());
      for (const key of hfKeys) {
        const { value, type, subType } = hf.typedMetadata[key]!;
        const label = type === GGUFValueType.ARRAY ? `array<${TYPE_NAME_BY_ID.get(subType!)}>` : TYPE_NAME_BY_ID.get(type);
        assert.equal(ours.metadataTypes[key], label, `type of ${key}`);
        assert.deepStrictEqual(withoutLeadingBom(ours.metadata[key]), hfToOurs(value, subType ?? type), `value of ${key}`);
      }
      assert.equal(ours.tensors.length, hf.tensorInfos.length);
      ours.tensors.forEach((t, i) => {
        const h = hf.tensorInfos[i]!;
        assert.equal(t.name, h.name);
        assert.equal(t.typeId, h.dtype);
        assert.deepStrictEqual(t.shape, h.shape.map(Number));
        assert.equal(t.offset, Number(h.offset));
      });
    });
  }

  it('the v1 stories260K file and its v3-derived copy give identical metadata and tensor infos', async () => {
    const v1 = await inspectModel(fixture('tiny-llama/tinyllamas-stories-260k-f32.gguf'));
    const v3 = await inspectModel(fixture('tiny-llama/tinyllamas-stories-260k-f32.v3-derived.gguf'));
    assert.equal(v1.version, 1);
    assert.equal(v3.version, 3);
    assert.deepStrictEqual(v1.metadata, v3.metadata);
    assert.deepStrictEqual(v1.metadataTypes, v3.metadataTypes);
    assert.deepStrictEqual(v1.tensors, v3.tensors);
    assert.equal(v1.tensors.length, 48);
    // Same tensor bytes at the reported offsets.
    const b1 = fs.readFileSync(fixture('tiny-llama/tinyllamas-stories-260k-f32.gguf'));
    const b3 = fs.readFileSync(fixture('tiny-llama/tinyllamas-stories-260k-f32.v3-derived.gguf'));
    const last = v1.tensors[v1.tensors.length - 1]!;
    const end = last.offset + last.nBytes;
    assert.ok(b1.subarray(v1.dataOffset, v1.dataOffset + end).equals(b3.subarray(v3.dataOffset, v3.dataOffset + end)));
  });

  it('an Ollama blob (GGUF under blobs/sha256-<hex>, no extension) loads by content', async () => {
    const blobs = path.join(tmp(), 'models', 'blobs');
    fs.mkdirSync(blobs, { recursive: true });
    const src = fixture('tiny-llama/llama-2-tiny-random.gguf');
    const blob = path.join(blobs, `sha256-${'81f226c62d28ed4a1a9b9fa080fcd9f0cc40e0f9d5680036583ff98fbcd035cb'}`);
    fs.copyFileSync(src, blob);
    const fromBlob = await inspectModel(blob);
    const fromFile = await inspectModel(src);
    assert.deepStrictEqual(fromBlob, fromFile);
    assert.equal(fromBlob.architecture, 'llama');
    assert.equal(fromBlob.tensors.length, 12);
  });

  it('a byte-identical repeated key (the DBRX vocab has one) keeps one copy', async () => {
    const info = await inspectModel(fixture('llama.cpp-vocab-pr7132/ggml-vocab-dbrx.gguf'));
    assert.equal(info.metadata['general.file_type'], 1);
  });
});
