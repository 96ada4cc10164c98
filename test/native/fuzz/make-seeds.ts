/**
 * Writes the GGUF fuzz seed corpus into the directory given as argv[2]:
 * writer outputs (every value type, v1/v2/v3, a small model, zip and zip64
 * wrappings) plus the header bytes of the GGUFs in test/fixtures. Generated
 * at run time so no seed files are committed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { encodeGguf } from '../../../extension/gguf/writer';
import { EVERY_TYPE_METADATA, smallModelSpec } from '../../gguf/helpers/sample-files';
import { buildZip } from '../../gguf/helpers/zip';
import { allFixtureGgufs } from '../../helpers/fixtures';

const MAX_SEED_BYTES = 16384;  // keep executions fast; matches -max_len in scripts/fuzz-gguf.sh

function main(): void {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: make-seeds.ts <corpus-dir>');
  fs.mkdirSync(dir, { recursive: true });
  const seeds = new Map<string, Uint8Array>();
  for (const version of [1, 2, 3] as const) {
    seeds.set(`every-type-v${version}`, encodeGguf({ version, metadata: EVERY_TYPE_METADATA }));
    seeds.set(`small-model-v${version}`, encodeGguf(smallModelSpec(version)));
  }
  const small = encodeGguf(smallModelSpec());
  seeds.set('zip-stored', buildZip([{ name: 'm.gguf', data: small, align: 32 }]).bytes);
  seeds.set('zip64-stored', buildZip([{ name: 'm.gguf', data: small, align: 32 }], { zip64: true }).bytes);
  seeds.set('zip-deflated', buildZip([{ name: 'm.gguf', data: small, method: 8 }]).bytes);
  for (const file of allFixtureGgufs()) {
    const fd = fs.openSync(file, 'r');
    const head = Buffer.alloc(MAX_SEED_BYTES);
    const n = fs.readSync(fd, head, 0, MAX_SEED_BYTES, 0);
    fs.closeSync(fd);
    seeds.set(`shared-${path.basename(file, '.gguf')}`, head.subarray(0, n));
  }
  for (const [name, bytes] of seeds) fs.writeFileSync(path.join(dir, name), bytes.subarray(0, MAX_SEED_BYTES));
  console.log(`fuzz seeds: ${seeds.size} files in ${dir}`);
}

main();
