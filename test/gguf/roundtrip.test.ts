import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { inspectModel } from '../../extension/engine/gguf';
import { encodeGguf, encodeGgufHeader, writeGguf, type GgufFileSpec, type GgufMetadataEntry } from '../../extension/gguf/writer';
import { expectedMetadata } from './helpers/expected';
import { EVERY_TYPE_METADATA, smallModelSpec } from './helpers/sample-files';
import { useTmpDir } from './helpers/tmp';

describe('gguf writer -> inspectModel round trip', () => {
  const tmp = useTmpDir('roundtrip');

  for (const version of [1, 2, 3] as const) {
    it(`GGUF v${version}: every metadata type, nested and empty arrays, unicode`, async () => {
      const file = path.join(tmp(), `every-type-v${version}.gguf`);
      const spec: GgufFileSpec = { version, metadata: EVERY_TYPE_METADATA, tensors: smallModelSpec().tensors };
      await writeGguf(file, spec);
      const info = await inspectModel(file);
      const want = expectedMetadata(EVERY_TYPE_METADATA);
      assert.equal(info.version, version);
      assert.equal(info.architecture, 'llama');
      assert.deepStrictEqual(info.metadata, want.metadata);
      assert.deepStrictEqual(info.metadataTypes, want.types);
      assert.deepStrictEqual(Object.keys(info.metadata), EVERY_TYPE_METADATA.map((m) => m.key), 'file order kept');
    });
  }

  it('big arrays (the packed marshalling path) of every element type round-trip exactly', async () => {
    const n = 1000;
    const idx = Array.from({ length: n }, (_, i) => i);
    const metadata: GgufMetadataEntry[] = [
      { key: 'b.uint8', type: 'array', value: { itemType: 'uint8', items: idx.map((i) => i & 0xff) } },
      { key: 'b.int8', type: 'array', value: { itemType: 'int8', items: idx.map((i) => (i & 0xff) - 128) } },
      { key: 'b.uint16', type: 'array', value: { itemType: 'uint16', items: idx.map((i) => i * 65) } },
      { key: 'b.int16', type: 'array', value: { itemType: 'int16', items: idx.map((i) => 0 - i * 32) } },
      { key: 'b.uint32', type: 'array', value: { itemType: 'uint32', items: idx.map((i) => i * 4294967) } },
      { key: 'b.int32', type: 'array', value: { itemType: 'int32', items: idx.map((i) => 0 - i * 2147483) } },
      { key: 'b.float32', type: 'array', value: { itemType: 'float32', items: idx.map((i) => i / 3) } },
      { key: 'b.float64', type: 'array', value: { itemType: 'float64', items: idx.map((i) => 0 - i / 7) } },
      { key: 'b.bool', type: 'array', value: { itemType: 'bool', items: idx.map((i) => i % 3 === 0) } },
      { key: 'b.uint64', type: 'array', value: { itemType: 'uint64', items: idx.map((i) => BigInt(i) << 54n) } },
      { key: 'b.string', type: 'array', value: { itemType: 'string', items: idx.map((i) => ['', 'a', 'ü', '日本', '🦙x', `t${i}`][i % 6]!) } },
    ];
    const file = path.join(tmp(), 'big-arrays.gguf');
    await writeGguf(file, { metadata });
    const info = await inspectModel(file);
    const want = expectedMetadata(metadata);
    assert.deepStrictEqual(info.metadata, want.metadata);
    assert.deepStrictEqual(info.metadataTypes, want.types);
  });

  it('invalid UTF-8 in a big string array decodes as V8 does (U+FFFD), never throws', async () => {
    const n = 300;
    const items = Array.from({ length: n }, () => 'abcd');
    const metadata: GgufMetadataEntry[] = [{ key: 's', type: 'array', value: { itemType: 'string', items } }];
    const bytes = encodeGguf({ metadata });
    // The first string's bytes: header 24, key 8 + 1, value type 4, item type 4, count 8, length 8.
    const at = 24 + 9 + 4 + 4 + 8 + 8;
    const bad = [[0xff, 0x61, 0x62, 0x63], [0xed, 0xa0, 0x80, 0x61], [0xe6, 0x97, 0x61, 0x62]];
    const file = path.join(tmp(), 'bad-utf8.gguf');
    for (const seq of bad) {
      const copy = bytes.slice();
      copy.set(seq, at);
      fs.writeFileSync(file, copy);
      const got = (await inspectModel(file)).metadata['s'] as string[];
      assert.equal(got.length, n);
      assert.equal(got[0], Buffer.from(seq).toString('utf8'));
      assert.ok(got[0]!.includes('\uFFFD'));
      assert.equal(got[1], 'abcd');
    }
  });

  it('tensor infos and bytes: shape, type, offsets into the mapped data', async () => {
    const spec = smallModelSpec();
    const file = path.join(tmp(), 'small.gguf');
    const layout = await writeGguf(file, spec);
    const info = await inspectModel(file);
    const bytes = fs.readFileSync(file);
    assert.equal(info.fileSize, bytes.length);
    assert.equal(info.fileSize, layout.fileSize);
    assert.equal(info.dataOffset, layout.dataOffset);
    assert.equal(info.alignment, 32);
    assert.equal(info.containerOffset, 0);
    assert.equal(info.tensors.length, spec.tensors!.length);
    spec.tensors!.forEach((t, i) => {
      const got = info.tensors[i]!;
      assert.equal(got.name, t.name);
      assert.equal(got.type, t.type);
      assert.deepStrictEqual(got.shape, [...t.shape]);
      assert.equal(got.offset % 32, 0);
      assert.equal(got.nBytes, t.data!.length);
      const at = info.dataOffset + got.offset;
      assert.deepStrictEqual(new Uint8Array(bytes.subarray(at, at + got.nBytes)), t.data, `bytes of ${t.name}`);
    });
  });

  it('general.alignment is honoured for data offset and tensor offsets', async () => {
    const spec = smallModelSpec();
    spec.metadata = [...spec.metadata!, { key: 'general.alignment', type: 'uint32', value: 256 }];
    const file = path.join(tmp(), 'align256.gguf');
    await writeGguf(file, spec);
    const info = await inspectModel(file);
    assert.equal(info.alignment, 256);
    assert.equal(info.dataOffset % 256, 0);
    for (const t of info.tensors) assert.equal(t.offset % 256, 0, t.name);
  });

  it('encodeGguf (in memory) and writeGguf (streamed) produce the same bytes', async () => {
    const spec = smallModelSpec();
    const file = path.join(tmp(), 'same.gguf');
    await writeGguf(file, spec);
    assert.deepStrictEqual(new Uint8Array(fs.readFileSync(file)), encodeGguf(spec));
    assert.equal(encodeGgufHeader(spec).header.length % 32, 0);
  });

  it('the no-mmap fallback (useMmap: false) gives identical results', async () => {
    const file = path.join(tmp(), 'nommap.gguf');
    await writeGguf(file, { metadata: EVERY_TYPE_METADATA, tensors: smallModelSpec().tensors });
    const mapped = await inspectModel(file);
    const read = await inspectModel(file, { useMmap: false });
    assert.equal(mapped.mapped, true);
    assert.equal(read.mapped, false);
    assert.deepStrictEqual({ ...read, mapped: true }, mapped);
  });

  it('the writer refuses specs that would make an invalid file', () => {
    const base = smallModelSpec();
    assert.throws(() => encodeGgufHeader({ ...base, tensors: [{ name: 'x', type: 'Q4_0', shape: [33] }] }), /multiple/);
    assert.throws(() => encodeGgufHeader({ metadata: [base.metadata![0]!, base.metadata![0]!] }), /duplicate metadata/);
    assert.throws(() => encodeGgufHeader({ metadata: [{ key: 'k', type: 'uint8', value: 256 }] }), /out of range/);
    assert.throws(() => encodeGgufHeader({ tensors: [{ name: 'x', type: 'F32', shape: [1, 1, 1, 1, 1] }] }), /1 to 4/);
    assert.throws(() => encodeGgufHeader({ tensors: [{ name: 'x', type: 99, shape: [1] }] }), /unknown ggml type/);
  });

  it('inspectModel validates its arguments', async () => {
    const bad = [inspectModel(''), inspectModel(5 as unknown as string), inspectModel('x', { useMmap: 1 as unknown as boolean })];
    for (const p of bad) await assert.rejects(p, (e: Error & { code?: string }) => e.code === 'E_INVALID_ARGUMENT');
  });
});
