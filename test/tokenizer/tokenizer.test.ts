/**
 * Tokenizer behaviour beyond the vectors: special-token parsing, BOS,
 * invalid UTF-8, streaming detokenization (C++ and TS), async tokenize,
 * special ids, and coded errors.
 */
import { strict as assert } from 'assert';
import * as path from 'path';
import { EngineError } from '../../extension/engine/errors';
import { Tokenizer } from '../../extension/engine/tokenizer';
import { writeGguf } from '../../extension/gguf/writer';
import { fixture } from '../helpers/fixtures';
import { loadTestingBinding } from '../helpers/testing-binding';
import { deriveVocab, makeTempDir } from './helpers/derived-vocab';

const CONTROL = 3;

async function rejectsWithCode(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof EngineError && e.code === code);
}

describe('C++ Utf8StreamDecoder', () => {
  const decode = (chunks: number[][]): string[] =>
    loadTestingBinding().utf8StreamDecode(chunks.map((c) => Uint8Array.from(c))).map((b) => Buffer.from(b).toString('latin1'));
  const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

  it('holds back a character split across pieces', () => {
    // "é" = C3 A9, "中" = E4 B8 AD, "😀" = F0 9F 98 80
    assert.deepEqual(decode([[0x61, 0xc3], [0xa9, 0xe4, 0xb8], [0xad], [0xf0, 0x9f], [0x98], [0x80, 0x62]]),
      [utf8('a'), utf8('é'), utf8('中'), '', '', utf8('😀b'), '']);
  });

  it('turns invalid bytes into U+FFFD and flushes an unfinished character as one', () => {
    const fffd = utf8('\uFFFD');
    assert.deepEqual(decode([[0x80, 0x41], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe4, 0xb8, 0x41], [0xe4, 0xb8]]),
      [fffd + 'A', fffd + fffd, fffd + fffd + fffd, fffd + 'A', '', fffd]);
    // The same replacements as TextDecoder (one U+FFFD per maximal ill-formed subpart).
    const all = [0x80, 0x41, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xe4, 0xb8, 0x41, 0xe4, 0xb8];
    assert.equal(decode([all]).join(''), utf8(new TextDecoder().decode(Uint8Array.from(all))));
  });
});

describe('tokenizer behaviour', function () {
  this.timeout(60000);
  let tmp: { dir: string; cleanup: () => void } | undefined;
  let qwen: Tokenizer;
  let gpt2: Tokenizer;
  let spm: Tokenizer;
  let starcoder: Tokenizer;

  before(async function () {
    tmp = makeTempDir('hearth-tok-');
    const q = path.join(tmp.dir, 'qwen-like.gguf');
    await deriveVocab(fixture('llama.cpp-vocab/ggml-vocab-gpt-2.gguf'), q, {
      pre: 'qwen2',
      extraTokens: ['<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>', '<|im_end|>'].map((text) => ({ text, type: CONTROL })),
    });
    qwen = await Tokenizer.load(q);
    gpt2 = await Tokenizer.load(fixture('llama.cpp-vocab/ggml-vocab-gpt-2.gguf'));
    spm = await Tokenizer.load(fixture('llama.cpp-vocab/ggml-vocab-llama-spm.gguf'));
    starcoder = await Tokenizer.load(fixture('llama.cpp-vocab/ggml-vocab-starcoder.gguf'));
  });

  after(() => {
    for (const t of [qwen, gpt2, spm, starcoder]) t?.dispose();
    tmp?.cleanup();
  });

  it('<|fim_prefix|> in user text stays text unless special parsing is on', () => {
    const fimPre = qwen.specialIds.fimPre;
    assert.ok(fimPre >= 0);
    assert.equal(qwen.tokenText(fimPre), '<|fim_prefix|>');
    const text = 'a<|fim_prefix|>b';
    const plain = Array.from(qwen.tokenize(text));
    assert.ok(!plain.includes(fimPre));
    assert.equal(qwen.detokenize(plain), text);
    const parsed = Array.from(qwen.tokenize(text, { parseSpecial: true }));
    assert.deepEqual(parsed, [...qwen.tokenize('a'), fimPre, ...qwen.tokenize('b')]);
    // Control tokens render only when asked.
    assert.equal(qwen.detokenize(parsed), 'ab');
    assert.equal(qwen.detokenize(parsed, { special: true }), text);
    assert.equal(qwen.isControl(fimPre), true);
  });

  it('the text-based fallbacks find FIM and EOT ids, and EOG tokens', () => {
    assert.equal(qwen.tokenText(qwen.specialIds.fimSuf), '<|fim_suffix|>');
    assert.equal(qwen.tokenText(qwen.specialIds.fimMid), '<|fim_middle|>');
    // <|im_end|> is preferred for EOT over <|endoftext|>
    assert.equal(qwen.tokenText(qwen.specialIds.eot), '<|im_end|>');
    assert.ok(qwen.isEog(qwen.specialIds.eot));
    assert.ok(qwen.isEog(qwen.specialIds.eos));
    assert.ok(!qwen.isEog(qwen.tokenize('hello')[0]));
    assert.deepEqual(
      [starcoder.specialIds.fimPre, starcoder.specialIds.fimSuf, starcoder.specialIds.fimMid, starcoder.specialIds.fimPad],
      [1, 3, 2, 4],
    );
  });

  it('SPM: BOS on request, the space prefix, byte fallback', () => {
    assert.deepEqual(spm.specialIds.bos, 1);
    assert.deepEqual(spm.specialIds.eos, 2);
    assert.equal(spm.specialIds.addBos, true);
    assert.deepEqual(Array.from(spm.tokenize('Hello world', { addBos: true })), [1, 15043, 3186]);
    assert.deepEqual(Array.from(spm.tokenize('Hello world')), [15043, 3186]);
    assert.equal(spm.tokenText(15043), '\u2581Hello');
    // U+10FFFF is not in the vocab: four <0xXX> byte tokens
    const ids = Array.from(spm.tokenize('\u{10FFFF}'));
    assert.deepEqual(ids.slice(-4).map((i) => spm.tokenText(i)), ['<0xF4>', '<0x8F>', '<0xBF>', '<0xBF>']);
    assert.equal(spm.detokenize(spm.tokenize(' two  spaces ')), ' two  spaces ');
    assert.equal(spm.specialIds.nl, 13);  // <0x0A>
  });

  it('invalid UTF-8: BPE reads it as U+FFFD, SPM falls back to byte tokens (as llama.cpp)', () => {
    const bytes = Uint8Array.from([0x41, 0x80, 0xc3, 0x42, 0xff]);
    assert.deepEqual(Array.from(gpt2.tokenize(bytes)), Array.from(gpt2.tokenize('A\uFFFD\uFFFDB\uFFFD')));
    // SPM works on bytes: C3 claims the next byte as its continuation, so "B" goes out as <0x42> too.
    assert.deepEqual(Array.from(spm.tokenize(bytes)).map((id) => spm.tokenText(id)),
      ['\u2581A', '<0x80>', '<0xC3>', '<0x42>', '<0xFF>']);
    // A lone surrogate from JS becomes U+FFFD on the way to UTF-8.
    assert.deepEqual(Array.from(gpt2.tokenize('x\uD800y')), Array.from(gpt2.tokenize('x\uFFFDy')));
  });

  it('NUL and empty text', () => {
    assert.deepEqual(Array.from(gpt2.tokenize('')), []);
    assert.deepEqual(Array.from(spm.tokenize('', { addBos: true })), [1]);
    assert.equal(gpt2.detokenize(gpt2.tokenize('a\0b')), 'a\0b');
  });

  it('streams detokenized text without breaking characters', () => {
    const text = 'naïve café 中文 😀👨‍👩‍👧 done';
    for (const t of [gpt2, spm]) {
      const ids = t.tokenize(text);
      const dec = t.streamDecoder();
      let out = '';
      const pieces: string[] = [];
      for (const id of ids) {
        const s = dec.push(id);
        pieces.push(s);
        out += s;
      }
      out += dec.flush();
      assert.equal(out, text);
      for (const p of pieces) assert.ok(!p.includes('\uFFFD'), 'no replacement characters mid-stream');
    }
    // GPT-2 splits multi-byte characters across tokens, so some pushes must return ''.
    const dec = gpt2.streamDecoder();
    assert.ok(Array.from(gpt2.tokenize('😀')).map((id) => dec.push(id)).includes(''));
  });

  it('tokenizeAsync equals tokenize, also with many calls in flight on one tokenizer', async () => {
    const text = 'The quick brown fox. '.repeat(5000);
    const expected = gpt2.tokenize(text);
    assert.deepEqual(await gpt2.tokenizeAsync(text), expected);
    const texts = Array.from({ length: 8 }, (_, i) => `${i} ${text.slice(i * 100)}`);
    const results = await Promise.all(texts.map((t) => gpt2.tokenizeAsync(t)));
    results.forEach((r, i) => assert.deepEqual(r, gpt2.tokenize(texts[i])));
  });

  it('tokenPiece gives raw bytes, possibly part of a character', () => {
    const ids = Array.from(gpt2.tokenize('😀'));
    const bytes = Buffer.concat(ids.map((id) => Buffer.from(gpt2.tokenPiece(id))));
    assert.deepEqual([...bytes], [0xf0, 0x9f, 0x98, 0x80]);
  });

  it('coded errors', async () => {
    await rejectsWithCode(Tokenizer.load(path.join(tmp!.dir, 'missing.gguf')), 'E_IO_NOT_FOUND');
    const noTok = path.join(tmp!.dir, 'no-tokenizer.gguf');
    await writeGguf(noTok, { metadata: [{ key: 'general.architecture', type: 'string', value: 'llama' }] });
    await rejectsWithCode(Tokenizer.load(noTok), 'E_TOKENIZER');
    const badPre = path.join(tmp!.dir, 'bad-pre.gguf');
    await deriveVocab(fixture('llama.cpp-vocab/ggml-vocab-gpt-2.gguf'), badPre, { pre: 'no-such-pre' });
    await rejectsWithCode(Tokenizer.load(badPre), 'E_TOKENIZER');
    assert.throws(() => gpt2.detokenize([gpt2.nVocab]), (e: unknown) => e instanceof EngineError && e.code === 'E_INVALID_ARGUMENT');
    assert.throws(() => gpt2.tokenText(-1), (e: unknown) => e instanceof EngineError && e.code === 'E_INVALID_ARGUMENT');
    const t = await Tokenizer.load(fixture('llama.cpp-vocab/ggml-vocab-gpt-2.gguf'));
    t.dispose();
    assert.throws(() => t.tokenize('x'), /disposed/);
  });

  it('reports model and pre-tokenizer names', () => {
    assert.equal(gpt2.info.model, 'gpt2');
    assert.equal(gpt2.info.pre, 'gpt-2');
    assert.equal(spm.info.model, 'llama');
    assert.equal(spm.info.addSpacePrefix, true);
    assert.equal(qwen.info.pre, 'qwen2');
  });
});
