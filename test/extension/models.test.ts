import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { peekGguf } from '../../extension/host/gguf-peek';
import { vetModel } from '../../extension/models/model-check';
import { discoverModels, discoverOllama } from '../../extension/models/discovery';
import { discoverOffThread } from '../../extension/models/discover-off-thread';
import { describeModel } from '../../extension/models/model-describe';
import { tempDir, writeGguf, ggufBytes } from './helpers/gguf-fixture';
import { fixture } from '../helpers/fixtures';

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'no error';
};

describe('model vetting (GGUF header peek)', () => {
  const dir = tempDir('vet');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads architecture, parameters and the FIM family', () => {
    const p = writeGguf(dir, 'qwen.gguf', { arch: 'qwen2', dims: [8, 4], tensors: 2, tokens: ['a', '<|fim_prefix|>', '<|fim_middle|>', '<|file_sep|>'] });
    const s = peekGguf(p);
    assert.equal(s.architecture, 'qwen2');
    assert.equal(s.parameters, 64);
    assert.equal(s.fim, 'qwen');
    assert.equal(s.repoLevelFim, true);
    assert.equal(s.contextLength, 256);
  });

  it("tells Mellum (StarCoder's markers, S-P-M) from StarCoder by its pre-tokenizer", () => {
    const tokens = ['a', '<fim_prefix>', '<fim_middle>', '<fim_suffix>', '<filename>'];
    const mellum = peekGguf(writeGguf(dir, 'mellum.gguf', { arch: 'mellum', dims: [8, 4], tokens, pre: 'mellum2' }));
    assert.deepEqual([mellum.fim, mellum.repoLevelFim], ['mellum', true]);
    const starcoder = peekGguf(writeGguf(dir, 'sc.gguf', { arch: 'starcoder2', dims: [8, 4], tokens, pre: 'starcoder' }));
    assert.deepEqual([starcoder.fim, starcoder.repoLevelFim], ['starcoder', false]);
  });

  it('refuses missing, corrupt, truncated, unsupported, weightless and too-big files with codes', () => {
    assert.equal(codeOf(() => vetModel(path.join(dir, 'nope.gguf'), { maxBytes: 1e9 })), 'E_IO_NOT_FOUND');
    fs.writeFileSync(path.join(dir, 'text.gguf'), 'hello, this is not a model file at all');
    assert.equal(codeOf(() => vetModel(path.join(dir, 'text.gguf'), { maxBytes: 1e9 })), 'E_GGUF_BAD_MAGIC');
    fs.writeFileSync(path.join(dir, 'cut.gguf'), ggufBytes().subarray(0, 60));
    assert.equal(codeOf(() => vetModel(path.join(dir, 'cut.gguf'), { maxBytes: 1e9 })), 'E_GGUF_TRUNCATED');
    const bert = writeGguf(dir, 'bert.gguf', { arch: 'bert' });
    assert.equal(codeOf(() => vetModel(bert, { maxBytes: 1e9 })), 'E_MODEL_UNSUPPORTED');
    const vocab = writeGguf(dir, 'vocab.gguf', { tensors: 0 });
    assert.equal(codeOf(() => vetModel(vocab, { maxBytes: 1e9 })), 'E_MODEL_UNSUPPORTED');
    const ok = writeGguf(dir, 'ok.gguf');
    assert.equal(codeOf(() => vetModel(ok, { maxBytes: 10 })), 'E_MODEL_TOO_BIG');
    assert.equal(vetModel(ok, { maxBytes: 1e9 }).architecture, 'llama');
  });

  it('finds the GGUF inside a llamafile-style archive', () => {
    const p = path.join(dir, 'x.llamafile');
    fs.writeFileSync(p, Buffer.concat([Buffer.from('\x7fELF fake executable and zip headers '), ggufBytes({ name: 'inside' })]));
    const s = peekGguf(p);
    assert.equal(s.name, 'inside');
    assert.ok(s.offset > 0);
  });

  it('agrees with the tiny fixture models (v1 and v3 headers)', function () {
    const v1 = peekGguf(fixture('tiny-llama/tinyllamas-stories-260k-f32.gguf'));
    assert.deepEqual([v1.version, v1.architecture, v1.parameters, v1.contextLength], [1, 'llama', 292800, 512]);
    const v3 = peekGguf(fixture('tiny-llama/tinyllamas-stories-260k-f32.v3-derived.gguf'));
    assert.deepEqual([v3.version, v3.parameters], [3, 292800]);
    assert.equal(peekGguf(fixture('llama.cpp-vocab/ggml-vocab-starcoder.gguf')).fim, 'starcoder');
    assert.equal(peekGguf(fixture('llama.cpp-vocab/ggml-vocab-deepseek-coder.gguf')).fim, 'deepseek');
  });
});

describe('model discovery (no network)', () => {
  const home = tempDir('home');
  after(() => fs.rmSync(home, { recursive: true, force: true }));

  before(() => {
    // Ollama: manifest -> blob
    const digest = 'a'.repeat(64);
    const ollama = path.join(home, '.ollama', 'models');
    fs.mkdirSync(path.join(ollama, 'blobs'), { recursive: true });
    fs.writeFileSync(path.join(ollama, 'blobs', `sha256-${digest}`), ggufBytes());
    const man = path.join(ollama, 'manifests', 'registry.ollama.ai', 'library', 'qwen2.5-coder');
    fs.mkdirSync(man, { recursive: true });
    fs.writeFileSync(path.join(man, '1.5b'), JSON.stringify({ layers: [{ mediaType: 'application/vnd.ollama.image.license', digest: 'sha256:' + 'b'.repeat(64) }, { mediaType: 'application/vnd.ollama.image.model', digest: `sha256:${digest}` }] }));
    fs.writeFileSync(path.join(man, 'broken'), '{not json');
    writeGguf(path.join(home, '.lmstudio', 'models', 'pub', 'repo'), 'lm.gguf');
    writeGguf(path.join(home, '.cache', 'llama.cpp'), 'cached.gguf');
    writeGguf(path.join(home, '.cache', 'huggingface', 'hub', 'models--Qwen--Coder-GGUF', 'snapshots', 'abc'), 'q8.gguf');
    writeGguf(path.join(home, 'models', 'deep', 'er'), 'mine.gguf');
    fs.writeFileSync(path.join(home, 'models', 'tool.llamafile'), Buffer.concat([Buffer.from('MZ'), ggufBytes()]));
    writeGguf(path.join(home, 'ws', 'node_modules', 'x'), 'skipped.gguf');
    writeGguf(path.join(home, 'ws', 'weights'), 'local.gguf');
  });

  it('finds models in every known store with a label and source', () => {
    const found = discoverModels({ home, env: {}, workspaceFolders: [path.join(home, 'ws')] });
    const bySource = Object.fromEntries(found.map((m) => [m.source + ':' + m.label, m.format]));
    assert.deepEqual(Object.keys(bySource).sort(), [
      'huggingface:Qwen/Coder-GGUF/q8.gguf',
      'llama.cpp:cached.gguf',
      'lmstudio:pub/repo/lm.gguf',
      'models-folder:deep/er/mine.gguf',
      'models-folder:tool.llamafile',
      'ollama:qwen2.5-coder:1.5b',
      'workspace:weights/local.gguf',
    ]);
    assert.equal(bySource['models-folder:tool.llamafile'], 'llamafile');
  });

  it('finds and describes the same models in a worker thread, off the caller\'s thread', async () => {
    const roots = { home, env: {}, workspaceFolders: [path.join(home, 'ws')] };
    const inline = discoverModels(roots).map((m) => ({ m, d: describeModel(m) }));
    let ticks = 0;
    const beat = setInterval(() => ticks++, 1);
    try {
      const found = await discoverOffThread(roots);
      assert.deepEqual(found, inline);
      assert.ok(found.some((f) => f.d.usable), 'headers were read');
    } finally {
      clearInterval(beat);
    }
    assert.ok(ticks > 0, 'this thread kept running while the worker looked');
    await assert.rejects(discoverOffThread(roots, 1), /looking for models took over 0 s/);
  });

  it('honours OLLAMA_MODELS and ignores manifests without a model blob', () => {
    assert.equal(discoverOllama(path.join(home, 'nowhere')).length, 0);
    const found = discoverModels({ home: path.join(home, 'empty'), env: { OLLAMA_MODELS: path.join(home, '.ollama', 'models') }, workspaceFolders: [] });
    assert.deepEqual(found.map((m) => m.label), ['qwen2.5-coder:1.5b']);
  });
});
