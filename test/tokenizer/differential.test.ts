/**
 * Differential tests against llama.cpp (node-llama-cpp, vocab-only models):
 * the same ids for prose, source code and adversarial Unicode, with and
 * without special-token parsing, the same piece for every token, and
 * detokenize(tokenize(text)) === text.
 *
 * Every vocab file under test/fixtures is tested through a derived copy
 * (helpers/derived-vocab.ts) so llama.cpp can load each of them; two more
 * copies of the DBRX vocab switch tokenizer.ggml.pre to llama-bpe (Llama 3)
 * and qwen2, which no fixture file has. Prose is the first 1 MiB of
 * war-and-peace.txt per vocab (the whole 3.2 MB takes llama.cpp ~5-9 s per
 * vocab, too slow for CI on 2 cores).
 */
import { strict as assert } from 'assert';
import * as path from 'path';
import { Tokenizer } from '../../extension/engine/tokenizer';
import { allFixtureGgufs, fixture } from '../helpers/fixtures';
import { ADVERSARIAL, codeCorpus, prose } from './helpers/corpus';
import { deriveVocab, makeTempDir } from './helpers/derived-vocab';

const PROSE_BYTES = 1 << 20;
const CODE_BYTES_PER_EXT = 24 * 1024;

interface LlamaModelLike {
  tokenize(text: string, specialTokens?: boolean): number[];
  detokenize(tokens: readonly number[], specialTokens?: boolean): string;
  dispose(): Promise<void>;
}
interface LlamaLike {
  loadModel(o: { modelPath: string; vocabOnly: boolean }): Promise<LlamaModelLike>;
}

interface Target {
  label: string;
  source: string;
  pre?: string;
}

function targets(): Target[] {
  const list: Target[] = allFixtureGgufs().map((f) => ({ label: path.basename(f), source: f }));
  const dbrx = fixture('llama.cpp-vocab-pr7132/ggml-vocab-dbrx.gguf');
  list.push({ label: 'dbrx vocab as llama-bpe (Llama 3)', source: dbrx, pre: 'llama-bpe' });
  list.push({ label: 'dbrx vocab as qwen2', source: dbrx, pre: 'qwen2' });
  return list;
}

function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
}

function describeDiff(what: string, ours: ArrayLike<number>, theirs: ArrayLike<number>): string {
  const i = firstDiff(ours, theirs);
  const slice = (x: ArrayLike<number>): string => Array.from(x).slice(Math.max(0, i - 3), i + 5).join(' ');
  return `${what}: first difference at id #${i} (ours ${ours.length}, llama.cpp ${theirs.length} ids)\n  ours  ... ${slice(ours)}\n  llama ... ${slice(theirs)}`;
}

describe('tokenizer: differential vs llama.cpp (node-llama-cpp)', function () {
  this.timeout(10 * 60 * 1000);
  let llama: LlamaLike;
  let tmp: { dir: string; cleanup: () => void } | undefined;
  let proseText = '';
  let code: { name: string; text: string }[] = [];
  const derived = new Map<string, string>();
  const all = targets();

  before(async function () {
    const { getLlama } = await import('node-llama-cpp');
    llama = (await getLlama({ gpu: false, build: 'never', usePrebuiltBinaries: true, logLevel: 'fatal' as never })) as unknown as LlamaLike;
    tmp = makeTempDir('hearth-tok-diff-');
    for (const [i, t] of all.entries()) {
      const dst = path.join(tmp.dir, `${i}-${path.basename(t.source)}`);
      await deriveVocab(t.source, dst, { pre: t.pre });
      derived.set(t.label, dst);
    }
    proseText = prose(PROSE_BYTES);
    code = codeCorpus(CODE_BYTES_PER_EXT);
  });

  after(() => tmp?.cleanup());

  it('the code corpus covers several languages', function () {
    const exts = new Set(code.map((c) => path.extname(c.name)));
    for (const ext of ['.js', '.ts', '.md', '.json', '.h']) assert.ok(exts.has(ext), `no ${ext} files in node_modules`);
    assert.ok(code.length >= 20, `only ${code.length} code files`);
  });

  for (const target of all) {
    it(`${target.label}: same ids, pieces and round trip`, async function () {
      const file = derived.get(target.label)!;
      const model = await llama.loadModel({ modelPath: file, vocabOnly: true });
      const ours = await Tokenizer.load(file);
      try {
        const failures: string[] = [];
        const check = (what: string, text: string, special: boolean): Int32Array => {
          const a = ours.tokenize(text, { parseSpecial: special });
          const b = model.tokenize(text, special);
          if (firstDiff(a, b) >= 0) failures.push(describeDiff(what, a, b));
          return a;
        };
        const proseIds = check('prose', proseText, false);
        let nCode = 0;
        for (const c of code) {
          check(`code ${c.name}`, c.text, false);
          nCode += c.text.length;
        }
        for (const [i, s] of ADVERSARIAL.entries()) {
          check(`unicode #${i}`, s, false);
          check(`unicode #${i} (special)`, s, true);
        }
        // Special-token text: stays text without parse_special, becomes the token with it.
        const specials: string[] = [];
        for (let id = 0; id < ours.nVocab && specials.length < 8; id++) {
          if (ours.isControl(id)) specials.push(ours.tokenText(id));
        }
        const withSpecials = specials.map((s, i) => `word${i} ${s}text\n`).join('') + ' tail';
        check('special text, parse off', withSpecials, false);
        check('special text, parse on', withSpecials, true);
        // And whole texts the way llama.cpp renders them.
        const shown = ours.detokenize(proseIds.subarray(0, 5000), { cleanSpaces: true });
        if (shown !== model.detokenize(Array.from(proseIds.subarray(0, 5000)), false)) failures.push('prose detokenize (cleanSpaces) differs');

        // Every token alone (special on, llama.cpp's space clean-up) as llama.cpp renders it.
        let pieceDiffs = 0;
        let firstPieceDiff = '';
        for (let id = 0; id < ours.nVocab; id++) {
          const a = ours.detokenize([id], { special: true, cleanSpaces: true });
          const b = model.detokenize([id], true);
          if (a !== b) {
            if (pieceDiffs++ === 0) firstPieceDiff = `id ${id} ${JSON.stringify(ours.tokenText(id))}: ours ${JSON.stringify(a)} llama ${JSON.stringify(b)}`;
          }
        }
        if (pieceDiffs > 0) failures.push(`${pieceDiffs} token pieces differ, first: ${firstPieceDiff}`);

        // Round trip (WordPiece lowercases and drops spaces, so it cannot).
        if (ours.info.model !== 'bert') {
          if (ours.detokenize(proseIds) !== proseText) failures.push('prose does not round-trip');
          for (const c of code) {
            if (ours.detokenize(ours.tokenize(c.text)) !== c.text) failures.push(`code ${c.name} does not round-trip`);
          }
        }
        console.log(`      ${ours.info.model}/${ours.info.pre}: ${proseIds.length} prose ids, ${code.length} code files (${nCode} chars), ${ADVERSARIAL.length} unicode cases, ${ours.nVocab} pieces`);
        assert.deepEqual(failures, []);
      } finally {
        ours.dispose();
        await model.dispose();
      }
    });
  }
});
