/**
 * llama.cpp's tokenizer test vectors (test-tokenizer-0): every .inp case,
 * tokenized with no BOS and no special parsing, must equal its .out line.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import { Tokenizer } from '../../extension/engine/tokenizer';
import { allFixtureGgufs } from '../helpers/fixtures';

const SEPARATOR = '\n__ggml_vocab_test__\n';

export function readVectors(gguf: string): { text: string; ids: number[] }[] {
  const inp = fs.readFileSync(`${gguf}.inp`, 'utf8');
  const out = fs.readFileSync(`${gguf}.out`, 'utf8').split('\n');
  const cases = inp.split(SEPARATOR);
  cases.pop();  // the file ends with a separator
  return cases.map((text, i) => ({
    text,
    ids: (out[i] ?? '').trim().split(/\s+/).filter((s) => s.length > 0).map(Number),
  }));
}

describe('tokenizer: llama.cpp test vectors', function () {
  const files = allFixtureGgufs().filter((f) => fs.existsSync(`${f}.inp`) && fs.existsSync(`${f}.out`));

  it('finds the vector files', function () {
    // 10 in llama.cpp-vocab (all but baichuan and gpt-neox) + dbrx
    assert.equal(files.length, 11, files.join('\n'));
  });

  for (const file of files) {
    const name = file.split('/').pop()!;
    it(`${name}: every case matches`, async function () {
      const tok = await Tokenizer.load(file);
      const cases = readVectors(file);
      assert.equal(cases.length, name.includes('dbrx') ? 43 : 46);
      const failures: string[] = [];
      for (const [i, c] of cases.entries()) {
        const got = Array.from(tok.tokenize(c.text));
        if (got.join(' ') !== c.ids.join(' ')) {
          failures.push(`case ${i} ${JSON.stringify(c.text)}\n  got ${got.join(' ')}\n  exp ${c.ids.join(' ')}`);
        }
      }
      console.log(`      ${name}: ${cases.length - failures.length}/${cases.length} (${tok.info.model}/${tok.info.pre})`);
      assert.deepEqual(failures, []);
      tok.dispose();
    });
  }
});
