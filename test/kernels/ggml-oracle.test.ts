/**
 * Our reference quantizers, dequantizers and f16/bf16 conversions against
 * llama.cpp's own, byte for byte: test/kernels/native/ggml-oracle.cpp loads
 * the libggml-base.so that ships in node-llama-cpp's prebuilt binaries.
 */
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from '../helpers/fixtures';
import { buildDir, compile } from './native-build';

function ggmlBase(): string {
  const p = path.join(REPO_ROOT, 'node_modules', '@node-llama-cpp', `${process.platform}-${process.arch}`, 'bins',
    `${process.platform}-${process.arch}`, 'libggml-base.so');
  return p;
}

describe('kernels: byte-exact against ggml (node-llama-cpp libggml-base)', () => {
  it('every quantizer, dequantizer and f16/bf16 conversion matches', function () {
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      console.log('    skipped: the oracle library is wired for linux-x64 only');
      this.skip();
    }
    const lib = ggmlBase();
    assert.ok(fs.existsSync(lib), `${lib} (devDependency node-llama-cpp) must exist`);
    const exe = compile('g++', path.join(buildDir(), 'ggml-oracle'), [
      'test/kernels/native/ggml-oracle.cpp',
      'native/src/tensor/quants-ref.cpp',
      'native/src/tensor/quants-ref-nl.cpp',
      'native/src/tensor/ggml-type.cpp',
      'native/src/common/status.cpp',
    ], ['-ldl']);
    const out = execFileSync(exe, [lib], { encoding: 'utf8' });
    assert.match(out, /all formats byte-identical to ggml/);
    for (const t of ['Q4_0', 'Q4_1', 'Q5_0', 'Q5_1', 'Q8_0', 'Q8_1', 'Q2_K', 'Q3_K', 'Q4_K', 'Q5_K', 'Q6_K', 'Q8_K', 'F16', 'BF16',
      'IQ4_NL', 'IQ4_XS', 'MXFP4']) {
      assert.match(out, new RegExp(`^${t} `, 'm'), `${t} was checked`);
    }
  });
});
