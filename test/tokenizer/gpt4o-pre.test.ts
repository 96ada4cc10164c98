/**
 * The o200k pre-tokenizer (tokenizer.ggml.pre "gpt-4o": gpt-4o, gpt-oss)
 * against llama.cpp's, on GPT-2's vocabulary with that pre-tokenizer: every
 * difference in splitting shows as different ids. The strings poke at what
 * the split decides: ASCII case runs (llama.cpp tells upper from lower only
 * in ASCII), contractions after words, digit triples, punctuation with
 * trailing newlines and slashes, whitespace runs, marks, other scripts.
 */
import { strict as assert } from 'assert';
import { loadModel, type Model } from '../../extension/engine/engine';
import { OracleModel } from '../helpers/llama-oracle';
import { randomModel } from '../helpers/model-factory';
import { fixture } from '../helpers/fixtures';

const CASES = [
  'HELLOworld HelloWorld helloWORLD hello WORLD',
  "DON'T I'M we'll They'RE you've she'd it's 'tis",
  'ÉCOLE École école ÀB Ωmega ΣΊΣΥΦΟΣ Привет МИР',
  'McDonald\'s XMLHttpRequest getHTTPResponseCode iOS',
  '1234567 12 3.14159 1,000,000 ①②③ ٣٤٥',
  'a/b/c\nfoo//bar\n\n/* comment */\r\n\tindent',
  '   leading   spaces\t\ttabs  \n  \n trailing   ',
  'e\u0301te\u0301 cafe\u0301 n\u0303o',
  '漢字かなカナ 한국어 😀🚀 👍🏽',
  'def f(x):\n    return x**2  # square\n',
  "'s 't alone ' quote\"double\" [brackets] {braces}",
  'ALLCAPS_WITH_UNDERSCORES camelCaseID snake_case_id',
];

describe('tokenizer: the gpt-4o pre-tokenizer against llama.cpp', function () {
  this.timeout(120000);
  let ours: Model;
  let oracle: OracleModel;
  before(async function () {
    const file = await randomModel({
      arch: 'llama', vocabFrom: fixture('llama.cpp-vocab/ggml-vocab-gpt-2.gguf'), pre: 'gpt-4o',
      nEmbd: 64, nLayer: 1, nHead: 2, nHeadKv: 2, nFf: 128, nCtx: 64, tiedEmbeddings: true, seed: 7,
    });
    ours = await loadModel(file, { threads: 1 });
    oracle = await OracleModel.load(file);
  });
  after(async () => {
    ours?.dispose();
    await oracle?.dispose();
  });

  for (const text of CASES) {
    it(`same ids for ${JSON.stringify(text).slice(0, 40)}`, () => {
      assert.deepEqual(ours.tokenize(text), oracle.tokenize(text));
    });
  }
});
