import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { inspectModel } from '../../extension/engine/gguf';
import { encodeGguf, type GgufFileSpec, type GgufMetadataEntry, type GgufTensorSpec } from '../../extension/gguf/writer';
import { expectCode } from './helpers/expect-code';
import { smallModelSpec } from './helpers/sample-files';
import { useTmpDir } from './helpers/tmp';

const ARCH: GgufMetadataEntry = { key: 'general.architecture', type: 'string', value: 'llama' };
const F32_TENSOR: GgufTensorSpec = { name: 'ok.weight', type: 'F32', shape: [8], data: new Uint8Array(32) };

/** A file from a spec the writer would refuse (validate: false). */
function broken(spec: GgufFileSpec): Uint8Array {
  return encodeGguf({ ...spec, validate: false });
}

function setU64(bytes: Uint8Array, at: number, v: bigint): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setBigUint64(at, v, true);
  return out;
}

function setU32(bytes: Uint8Array, at: number, v: number): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setUint32(at, v, true);
  return out;
}

describe('gguf loader on hostile input', () => {
  const tmp = useTmpDir('corrupt');
  let n = 0;
  async function inspectBytes(bytes: Uint8Array): Promise<unknown> {
    const file = path.join(tmp(), `case-${n++}.gguf`);
    fs.writeFileSync(file, bytes);
    return inspectModel(file);
  }

  it('truncation at every byte offset fails with a truncation code; only complete files load', async () => {
    const whole = encodeGguf(smallModelSpec());
    const file = path.join(tmp(), 'truncated.gguf');
    const info = (await inspectBytes(whole)) as { dataOffset: number; tensors: { offset: number; nBytes: number }[] };
    // The writer pads after the last tensor too; that padding is optional.
    const dataEnd = info.dataOffset + Math.max(...info.tensors.map((t) => t.offset + t.nBytes));
    const headerCodes = new Set(['E_GGUF_TRUNCATED', 'E_GGUF_TOO_MANY', 'E_GGUF_BAD_STRING']);
    const seen = new Map<string, number>();
    for (let len = 0; len < whole.length; len++) {
      fs.writeFileSync(file, whole.subarray(0, len));
      let code = 'resolved';
      try {
        await inspectModel(file);
      } catch (err) {
        code = (err as { code: string }).code;
      }
      seen.set(code, (seen.get(code) ?? 0) + 1);
      if (len < info.dataOffset) {
        assert.ok(headerCodes.has(code) || (len <= 24 && code === 'E_GGUF_TRUNCATED'), `prefix ${len}: ${code}`);
      } else if (len < dataEnd) {
        assert.equal(code, 'E_GGUF_TENSOR_BOUNDS', `prefix ${len} (data section)`);
      } else {
        assert.equal(code, 'resolved', `prefix ${len} (only trailing padding missing)`);
      }
    }
    assert.ok((seen.get('E_GGUF_TRUNCATED') ?? 0) > 0);
    console.log(`      ${whole.length} prefixes: ${[...seen].map(([c, k]) => `${c} x${k}`).join(', ')}`);
  });

  it('empty file: E_GGUF_TRUNCATED; bad magic: E_GGUF_BAD_MAGIC', async () => {
    await expectCode(inspectBytes(new Uint8Array(0)), 'E_GGUF_TRUNCATED');
    await expectCode(inspectBytes(new TextEncoder().encode('GGU')), 'E_GGUF_TRUNCATED');
    const good = encodeGguf(smallModelSpec());
    const bad = good.slice();
    bad[3] = 'X'.charCodeAt(0);
    await expectCode(inspectBytes(bad), 'E_GGUF_BAD_MAGIC');
    await expectCode(inspectBytes(new TextEncoder().encode('{"not":"gguf"}')), 'E_GGUF_BAD_MAGIC');
  });

  it('bad version (0, 4, byte-swapped 3): E_GGUF_BAD_VERSION', async () => {
    const good = encodeGguf(smallModelSpec());
    await expectCode(inspectBytes(setU32(good, 4, 0)), 'E_GGUF_BAD_VERSION');
    await expectCode(inspectBytes(setU32(good, 4, 4)), 'E_GGUF_BAD_VERSION');
    const e = await expectCode(inspectBytes(setU32(good, 4, 0x03000000)), 'E_GGUF_BAD_VERSION');
    assert.match(e.message, /big-endian/);
  });

  it('huge tensor, metadata and array counts: E_GGUF_TOO_MANY (nothing reserved)', async () => {
    const good = encodeGguf(smallModelSpec());
    await expectCode(inspectBytes(setU64(good, 8, 1n << 62n)), 'E_GGUF_TOO_MANY');
    await expectCode(inspectBytes(setU64(good, 16, 0xffffffffffffffffn)), 'E_GGUF_TOO_MANY');
    const withArray = encodeGguf({ metadata: [{ key: 'a', type: 'array', value: { itemType: 'uint32', items: [1] } }] });
    // magic 4, version 4, counts 16, key length 8 + "a", value type 4, item type 4, then the count.
    const e = await expectCode(inspectBytes(setU64(withArray, 24 + 9 + 4 + 4, 1n << 60n)), 'E_GGUF_TOO_MANY');
    assert.match(e.message, /'a'/);
    const strings = encodeGguf({ metadata: [{ key: 's', type: 'array', value: { itemType: 'string', items: ['x'] } }] });
    await expectCode(inspectBytes(setU64(strings, 24 + 9 + 4 + 4, 1n << 40n)), 'E_GGUF_TOO_MANY');
  });

  it('string length past the end: E_GGUF_BAD_STRING naming the key', async () => {
    const good = encodeGguf({ metadata: [ARCH, { key: 'general.name', type: 'string', value: 'abc' }] });
    await expectCode(inspectBytes(setU64(good, 24, 1n << 40n)), 'E_GGUF_BAD_STRING');
    // general.name's value length: after the first KV (8 + 20 + 4 + 8 + 5) and its key (8 + 12) and type (4).
    const at = 24 + 8 + 20 + 4 + 8 + 5 + 8 + 12 + 4;
    const e = await expectCode(inspectBytes(setU64(good, at, 4096n)), 'E_GGUF_BAD_STRING');
    assert.match(e.message, /general\.name/);
  });

  it('unknown value type: E_GGUF_BAD_VALUE_TYPE; nesting deeper than 8: E_GGUF_NESTING; > 65536 nested arrays: E_GGUF_TOO_MANY', async () => {
    const good = encodeGguf({ metadata: [{ key: 'k', type: 'uint8', value: 1 }] });
    await expectCode(inspectBytes(setU32(good, 24 + 9, 13)), 'E_GGUF_BAD_VALUE_TYPE');
    let deep: GgufMetadataEntry['value'] = { itemType: 'uint8', items: [1] };
    for (let i = 0; i < 8; i++) deep = { itemType: 'array', items: [deep] };
    const e = await expectCode(inspectBytes(encodeGguf({ metadata: [{ key: 'deep', type: 'array', value: deep }] })), 'E_GGUF_NESTING');
    assert.match(e.message, /deep/);
    const empty = { itemType: 'uint8' as const, items: [] };
    const wide: GgufMetadataEntry = { key: 'wide', type: 'array', value: { itemType: 'array', items: new Array(65537).fill(empty) } };
    const e2 = await expectCode(inspectBytes(encodeGguf({ metadata: [wide] })), 'E_GGUF_TOO_MANY');
    assert.match(e2.message, /nested arrays/);
    let ok: GgufMetadataEntry['value'] = { itemType: 'uint8', items: [1] };
    for (let i = 0; i < 7; i++) ok = { itemType: 'array', items: [ok] };
    await inspectBytes(encodeGguf({ metadata: [{ key: 'deep', type: 'array', value: ok }] }));
  });

  it('duplicate key with another value: E_GGUF_DUPLICATE_KEY; duplicate tensor: E_GGUF_DUPLICATE_TENSOR', async () => {
    const dupKey = broken({ metadata: [ARCH, { key: 'general.architecture', type: 'string', value: 'gpt2' }] });
    const e1 = await expectCode(inspectBytes(dupKey), 'E_GGUF_DUPLICATE_KEY');
    assert.match(e1.message, /general\.architecture/);
    const dupTensor = broken({ metadata: [ARCH], tensors: [F32_TENSOR, { ...F32_TENSOR }] });
    const e2 = await expectCode(inspectBytes(dupTensor), 'E_GGUF_DUPLICATE_TENSOR');
    assert.match(e2.message, /ok\.weight/);
  });

  it('general.alignment not a power of two, zero, or not uint32: E_GGUF_BAD_ALIGNMENT', async () => {
    for (const value of [48, 0]) {
      const f = broken({ metadata: [{ key: 'general.alignment', type: 'uint32', value }], tensors: [F32_TENSOR] });
      await expectCode(inspectBytes(f), 'E_GGUF_BAD_ALIGNMENT');
    }
    const wrongType = broken({ metadata: [{ key: 'general.alignment', type: 'uint64', value: 32 }] });
    await expectCode(inspectBytes(wrongType), 'E_GGUF_BAD_ALIGNMENT');
  });

  it('tensor shape errors: zero dim, n_dims 0 or 5, overflow, row not a block multiple, unknown type', async () => {
    const cases: [Partial<GgufTensorSpec>, string][] = [
      [{ shape: [0, 4] }, 'E_GGUF_BAD_DIMS'],
      [{ shape: [] }, 'E_GGUF_BAD_DIMS'],
      [{ shape: [1, 1, 1, 1, 1] }, 'E_GGUF_BAD_DIMS'],
      [{ shape: [2 ** 32, 2 ** 32, 2 ** 32], nBytes: 0 }, 'E_GGUF_BAD_DIMS'],
      [{ type: 'Q4_0', shape: [33, 1], nBytes: 0 }, 'E_GGUF_BAD_SHAPE'],
      [{ type: 4, shape: [8] }, 'E_GGUF_UNKNOWN_TYPE'],
      [{ type: 1000, shape: [8] }, 'E_GGUF_UNKNOWN_TYPE'],
    ];
    for (const [patch, code] of cases) {
      const t = { ...F32_TENSOR, name: 'blk.7.bad', ...patch };
      const e = await expectCode(inspectBytes(broken({ metadata: [ARCH], tensors: [t] })), code);
      assert.match(e.message, /blk\.7\.bad/, `${code} names the tensor`);
    }
  });

  it('tensor offsets: misaligned, out of the file, overlapping', async () => {
    const a = { ...F32_TENSOR, name: 'a' };
    const b = { ...F32_TENSOR, name: 'b' };
    await expectCode(inspectBytes(broken({ tensors: [{ ...a, offset: 16 }] })), 'E_GGUF_TENSOR_MISALIGNED');
    // b's offset field: header 24, a's info 33, then b's name 9, n_dims 4, dim 8, type 4.
    const far = setU64(broken({ tensors: [a, b] }), 24 + 33 + 9 + 4 + 8 + 4, 1n << 20n);
    const e = await expectCode(inspectBytes(far), 'E_GGUF_TENSOR_BOUNDS');
    assert.match(e.message, /'b'/);
    const past = setU64(broken({ tensors: [a] }), 24 + 8 + 1 + 4 + 8 + 4, 0xffffffffffffffe0n);
    await expectCode(inspectBytes(past), 'E_GGUF_TENSOR_BOUNDS');
    const overlap = broken({ tensors: [{ ...a, shape: [16], data: new Uint8Array(64) }, { ...b, offset: 32 }] });
    const e2 = await expectCode(inspectBytes(overlap), 'E_GGUF_TENSOR_OVERLAP');
    assert.match(e2.message, /'b'.*'a'|'a'.*'b'/);
  });

  it('missing file: E_IO_NOT_FOUND; a directory: E_IO_OPEN', async () => {
    await expectCode(inspectModel(path.join(tmp(), 'no-such.gguf')), 'E_IO_NOT_FOUND');
    await expectCode(inspectModel(tmp()), 'E_IO_OPEN');
    await expectCode(inspectModel(tmp(), { useMmap: false }), 'E_IO_OPEN');
  });

  it('a hostile key named __proto__ stays plain data', async () => {
    const info = await inspectBytes(encodeGguf({ metadata: [{ key: '__proto__', type: 'string', value: 'x' }] }));
    const meta = (info as { metadata: Record<string, unknown> }).metadata;
    assert.equal(Object.getPrototypeOf(meta), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(meta, '__proto__')?.value, 'x');
  });
});
