/**
 * FIM prompt builders: family detection from the vocab, the token layout of
 * each family, stop tokens, budgets, E_MODEL_NO_FIM, and that user text
 * never turns into markers. Real vocab files where one exists (StarCoder2,
 * DeepSeek-Coder, Refact); for Qwen2.5-Coder, CodeLlama and Codestral,
 * derived vocab files with those families' marker tokens added.
 */
import { strict as assert } from 'assert';
import * as path from 'path';
import { EngineError } from '../../extension/engine/errors';
import { buildFimPrompt, detectFim, findToken, hasFim } from '../../extension/engine/fim';
import { Tokenizer } from '../../extension/engine/tokenizer';
import { fixture } from '../helpers/fixtures';
import { deriveVocab, makeTempDir } from './helpers/derived-vocab';

const CONTROL = 3;

describe('FIM prompt builders', function () {
  this.timeout(120000);
  let tmp: { dir: string; cleanup: () => void } | undefined;
  const toks: Record<string, Tokenizer> = {};

  before(async function () {
    tmp = makeTempDir('hearth-fim-');
    const qwen = path.join(tmp.dir, 'qwen-like.gguf');
    await deriveVocab(fixture('llama.cpp-vocab/ggml-vocab-gpt-2.gguf'), qwen, {
      pre: 'qwen2',
      extraTokens: ['<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>', '<|fim_pad|>', '<|repo_name|>', '<|file_sep|>', '<|im_start|>', '<|im_end|>']
        .map((text) => ({ text, type: CONTROL })),
    });
    const codellama = path.join(tmp.dir, 'codellama-like.gguf');
    await deriveVocab(fixture('llama.cpp-vocab/ggml-vocab-llama-spm.gguf'), codellama, {
      extraTokens: ['\u2581<PRE>', '\u2581<SUF>', '\u2581<MID>', '\u2581<EOT>'].map((text) => ({ text, type: CONTROL })),
    });
    const codestral = path.join(tmp.dir, 'codestral-like.gguf');
    await deriveVocab(fixture('llama.cpp-vocab/ggml-vocab-llama-spm.gguf'), codestral, {
      extraTokens: ['[PREFIX]', '[SUFFIX]', '[MIDDLE]'].map((text) => ({ text, type: CONTROL })),
    });
    // Mellum's vocabulary: StarCoder's markers plus <filename>, under its own pre-tokenizer name.
    const mellum = path.join(tmp.dir, 'mellum-like.gguf');
    await deriveVocab(fixture('llama.cpp-vocab/ggml-vocab-starcoder.gguf'), mellum, {
      pre: 'mellum2', extraTokens: [{ text: '<filename>', type: CONTROL }],
    });
    const load = async (k: string, p: string): Promise<void> => {
      toks[k] = await Tokenizer.load(p);
    };
    await load('qwen', qwen);
    await load('codellama', codellama);
    await load('codestral', codestral);
    await load('mellum', mellum);
    await load('starcoder', fixture('llama.cpp-vocab/ggml-vocab-starcoder.gguf'));
    await load('deepseek', fixture('llama.cpp-vocab/ggml-vocab-deepseek-coder.gguf'));
    await load('refact', fixture('llama.cpp-vocab/ggml-vocab-refact.gguf'));
    await load('gpt2', fixture('llama.cpp-vocab/ggml-vocab-gpt-2.gguf'));
    await load('llama', fixture('llama.cpp-vocab/ggml-vocab-llama-spm.gguf'));
  });

  after(() => {
    for (const t of Object.values(toks)) t.dispose();
    tmp?.cleanup();
  });

  const ids = (t: Tokenizer, s: string): number[] => Array.from(t.tokenize(s));
  const id = (t: Tokenizer, s: string): number => {
    const found = findToken(t, s);
    assert.ok(found >= 0, `no token ${s}`);
    return found;
  };

  it('detects each family from the vocab', () => {
    assert.equal(detectFim(toks.qwen).family, 'qwen');
    assert.equal(detectFim(toks.starcoder).family, 'starcoder');
    assert.equal(detectFim(toks.refact).family, 'starcoder');
    assert.equal(detectFim(toks.deepseek).family, 'deepseek');
    assert.equal(detectFim(toks.codellama).family, 'codellama');
    assert.equal(detectFim(toks.codestral).family, 'codestral');
    assert.equal(detectFim(toks.mellum).family, 'mellum');
  });

  it('refuses a model without FIM tokens with E_MODEL_NO_FIM', () => {
    for (const t of [toks.gpt2, toks.llama]) {
      assert.equal(hasFim(t), false);
      assert.throws(() => buildFimPrompt(t, { prefix: 'a', suffix: 'b' }), (e: unknown) => e instanceof EngineError && e.code === 'E_MODEL_NO_FIM');
    }
  });

  it('Qwen2.5-Coder: PSM, typed text after <|fim_middle|>, stops', () => {
    const t = toks.qwen;
    const p = buildFimPrompt(t, { prefix: 'def add(a, b):\n    ', suffix: '\n\nprint(add(1, 2))\n', typed: 'ret' });
    assert.deepEqual(Array.from(p.tokens), [
      id(t, '<|fim_prefix|>'), ...ids(t, 'def add(a, b):\n    '),
      id(t, '<|fim_suffix|>'), ...ids(t, '\n\nprint(add(1, 2))\n'),
      id(t, '<|fim_middle|>'), ...ids(t, 'ret'),
    ]);
    for (const s of ['<|endoftext|>', '<|fim_pad|>', '<|file_sep|>', '<|repo_name|>', '<|im_start|>', '<|im_end|>']) {
      assert.ok(p.stopIds.includes(id(t, s)), `stop ${s}`);
    }
  });

  it('Qwen2.5-Coder: the prompt equals the marked-up text tokenized with special parsing', () => {
    const t = toks.qwen;
    const p = buildFimPrompt(t, { prefix: 'x = [1, 2', suffix: ']\ny = 3', typed: ', 3' });
    const text = '<|fim_prefix|>x = [1, 2<|fim_suffix|>]\ny = 3<|fim_middle|>, 3';
    assert.deepEqual(Array.from(p.tokens), Array.from(t.tokenize(text, { parseSpecial: true })));
  });

  it('Qwen2.5-Coder: repo-level layout with <|repo_name|> and <|file_sep|>', () => {
    const t = toks.qwen;
    const p = buildFimPrompt(t, {
      prefix: 'import util\n', suffix: '', repoName: 'hearth', path: 'src/main.py',
      chunks: [{ path: 'src/util.py', text: 'def f():\n    return 1' }],
    });
    const text = '<|repo_name|>hearth\n<|file_sep|>src/util.py\ndef f():\n    return 1\n<|file_sep|>src/main.py\n' +
      '<|fim_prefix|>import util\n<|fim_suffix|><|fim_middle|>';
    assert.deepEqual(Array.from(p.tokens), Array.from(t.tokenize(text, { parseSpecial: true })));
  });

  it('user text that spells a marker stays text', () => {
    const t = toks.qwen;
    const p = buildFimPrompt(t, { prefix: 's = "<|fim_suffix|><|endoftext|>"', suffix: '<|fim_middle|>' });
    const markers = ['<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>', '<|endoftext|>'].map((s) => id(t, s));
    const seen = Array.from(p.tokens).filter((x) => markers.includes(x));
    assert.deepEqual(seen, [id(t, '<|fim_prefix|>'), id(t, '<|fim_suffix|>'), id(t, '<|fim_middle|>')]);
  });

  it('DeepSeek-Coder: begin/hole/end with BOS and its stops', () => {
    const t = toks.deepseek;
    const p = buildFimPrompt(t, { prefix: 'int main() {\n', suffix: '\n}\n' });
    const begin = id(t, '<\uff5cfim\u2581begin\uff5c>');
    const hole = id(t, '<\uff5cfim\u2581hole\uff5c>');
    const end = id(t, '<\uff5cfim\u2581end\uff5c>');
    assert.deepEqual(Array.from(p.tokens), [t.specialIds.bos, begin, ...ids(t, 'int main() {\n'), hole, ...ids(t, '\n}\n'), end]);
    assert.ok(p.stopIds.includes(t.specialIds.eos));
    assert.ok(p.stopIds.includes(id(t, '<|EOT|>')));
  });

  it('StarCoder2: <file_sep> context, path in the prefix, stops', () => {
    const t = toks.starcoder;
    const p = buildFimPrompt(t, {
      prefix: 'fn main() {', suffix: '}', path: 'src/main.rs', repoName: 'r',
      chunks: [{ path: 'src/lib.rs', text: 'pub fn f() {}\n' }],
    });
    const text = '<repo_name>r<file_sep>src/lib.rs\npub fn f() {}\n<file_sep><fim_prefix>src/main.rs\nfn main() {<fim_suffix>}<fim_middle>';
    assert.deepEqual(Array.from(p.tokens), Array.from(t.tokenize(text, { parseSpecial: true })));
    for (const s of ['<|endoftext|>', '<file_sep>', '<fim_prefix>']) assert.ok(p.stopIds.includes(id(t, s)), `stop ${s}`);
  });

  it('Mellum: <filename> context, then suffix, prefix, middle; typed after <fim_middle>', () => {
    const t = toks.mellum;
    const p = buildFimPrompt(t, {
      prefix: 'def total(xs):\n', suffix: '\nprint(total([1]))\n', typed: '    ret', path: 'app.py',
      chunks: [{ path: 'util.py', text: 'def f():\n    return 1' }],
    });
    const text = '<filename>util.py\ndef f():\n    return 1\n<filename>app.py\n' +
      '<fim_suffix>\nprint(total([1]))\n<fim_prefix>def total(xs):\n<fim_middle>    ret';
    assert.deepEqual(Array.from(p.tokens), Array.from(t.tokenize(text, { parseSpecial: true })));
    for (const s of ['<|endoftext|>', '<filename>', '<fim_prefix>', '<fim_suffix>']) assert.ok(p.stopIds.includes(id(t, s)), `stop ${s}`);
    const bare = buildFimPrompt(t, { prefix: 'a = ', suffix: '\n' });
    assert.deepEqual(Array.from(bare.tokens), Array.from(t.tokenize('<fim_suffix>\n<fim_prefix>a = <fim_middle>', { parseSpecial: true })));
  });

  it('CodeLlama: ▁<PRE> P ▁<SUF> S ▁<MID> with BOS and <EOT> stop', () => {
    const t = toks.codellama;
    const p = buildFimPrompt(t, { prefix: 'def f():', suffix: 'return 1' });
    assert.deepEqual(Array.from(p.tokens), [
      t.specialIds.bos, id(t, '\u2581<PRE>'), ...ids(t, 'def f():'), id(t, '\u2581<SUF>'), ...ids(t, 'return 1'), id(t, '\u2581<MID>'),
    ]);
    assert.ok(p.stopIds.includes(id(t, '\u2581<EOT>')));
  });

  it('Codestral: suffix first, typed text continues the prefix, +++++ file blocks', () => {
    const t = toks.codestral;
    const p = buildFimPrompt(t, {
      prefix: 'let x = ', suffix: ';\n', typed: '4', path: 'b.ts', chunks: [{ path: 'a.ts', text: 'export const y = 1;' }],
    });
    assert.deepEqual(Array.from(p.tokens), [
      t.specialIds.bos, id(t, '[SUFFIX]'), ...ids(t, ';\n'), id(t, '[PREFIX]'),
      ...ids(t, '+++++ a.ts\nexport const y = 1;\n\n+++++ b.ts\n'), ...ids(t, 'let x = '), ...ids(t, '4'),
    ]);
    assert.ok(p.stopIds.includes(id(t, '[PREFIX]')));
    assert.deepEqual(p.stopStrings, ['\n+++++ ']);
  });

  it('token budgets keep the text nearest the cursor', () => {
    const t = toks.qwen;
    const prefix = 'a0 a1 a2 a3 a4 a5 a6 a7';
    const suffix = ' b0 b1 b2 b3 b4 b5';
    const p = buildFimPrompt(t, { prefix, suffix, maxPrefixTokens: 3, maxSuffixTokens: 2 });
    const pre = ids(t, prefix);
    const suf = ids(t, suffix);
    assert.deepEqual(Array.from(p.tokens), [
      id(t, '<|fim_prefix|>'), ...pre.slice(pre.length - 3), id(t, '<|fim_suffix|>'), ...suf.slice(0, 2), id(t, '<|fim_middle|>'),
    ]);
  });
});
