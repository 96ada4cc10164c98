import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { inspectModel } from '../../extension/engine/gguf';
import { encodeGguf } from '../../extension/gguf/writer';
import { expectCode } from './helpers/expect-code';
import { smallModelSpec } from './helpers/sample-files';
import { useTmpDir } from './helpers/tmp';
import { buildZip } from './helpers/zip';

describe('gguf inside a zip (llamafile)', () => {
  const tmp = useTmpDir('zip');
  const spec = smallModelSpec();
  const gguf = encodeGguf(spec);
  const stub = new TextEncoder().encode("MZqFpD='\n# an APE executable stub would be here\n".repeat(20));
  const readme = { name: 'README.txt', data: new TextEncoder().encode('weights below') };

  async function writeZip(name: string, bytes: Uint8Array): Promise<string> {
    const file = path.join(tmp(), name);
    fs.writeFileSync(file, bytes);
    return file;
  }

  for (const zip64 of [false, true]) {
    it(`maps a stored, aligned .gguf entry in place${zip64 ? ' (zip64 records)' : ''}`, async () => {
      const zip = buildZip([readme, { name: 'model/small.Q4_0.gguf', data: gguf, align: 4096 }], { prefix: stub, zip64 });
      const file = await writeZip(`llamafile${zip64 ? '64' : ''}`, zip.bytes);
      const info = await inspectModel(file);
      const plain = await inspectModel(await writeZip('plain.gguf', gguf));
      assert.equal(info.containerOffset, zip.dataOffsets[1]);
      assert.equal(info.containerOffset % 4096, 0);
      assert.equal(info.fileSize, zip.bytes.length);
      assert.deepStrictEqual(info.metadata, plain.metadata);
      assert.deepStrictEqual(info.tensors, plain.tensors);
      // Offsets point into the archive itself: no copy, no extraction.
      spec.tensors!.forEach((t, i) => {
        const at = info.containerOffset + info.dataOffset + info.tensors[i]!.offset;
        assert.deepStrictEqual(zip.bytes.subarray(at, at + t.data!.length), t.data, t.name);
      });
      const viaRead = await inspectModel(file, { useMmap: false });
      assert.deepStrictEqual({ ...viaRead, mapped: true }, info);
    });
  }

  it('a deflated .gguf entry: E_ZIP_COMPRESSED', async () => {
    const zip = buildZip([{ name: 'm.gguf', data: gguf, method: 8 }]);
    const e = await expectCode(inspectModel(await writeZip('deflated.zip', zip.bytes)), 'E_ZIP_COMPRESSED');
    assert.match(e.message, /m\.gguf/);
  });

  it('a stored entry that is not aligned: E_ZIP_MISALIGNED', async () => {
    const zip = buildZip([{ name: 'm.gguf', data: gguf, align: 32, misalignBy: 4 }]);
    assert.notEqual(zip.dataOffsets[0]! % 32, 0);
    await expectCode(inspectModel(await writeZip('misaligned.zip', zip.bytes)), 'E_ZIP_MISALIGNED');
  });

  it('a zip without a .gguf entry: E_ZIP_NO_GGUF', async () => {
    const zip = buildZip([readme]);
    await expectCode(inspectModel(await writeZip('nogguf.zip', zip.bytes)), 'E_ZIP_NO_GGUF');
  });

  it('a zip whose directory points outside the file: E_ZIP_CORRUPT', async () => {
    const zip = buildZip([{ name: 'm.gguf', data: gguf, align: 32 }]);
    const bytes = zip.bytes.slice();
    // EOCD is the last 22 bytes; its central directory offset is at +16.
    new DataView(bytes.buffer).setUint32(bytes.length - 22 + 16, 0x7fffffff, true);
    await expectCode(inspectModel(await writeZip('corrupt.zip', bytes)), 'E_ZIP_CORRUPT');
  });

  it('a stored entry holding something that is not GGUF: E_GGUF_BAD_MAGIC', async () => {
    const zip = buildZip([{ name: 'm.gguf', data: new Uint8Array(64).fill(7), align: 32 }]);
    await expectCode(inspectModel(await writeZip('notgguf.zip', zip.bytes)), 'E_GGUF_BAD_MAGIC');
  });
});
