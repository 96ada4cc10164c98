import { strict as assert } from 'assert';
import { execFile } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';
import { inspectCommand } from '../../extension/cli/commands/inspect';
import { UsageError } from '../../extension/cli/command';
import { writeGguf } from '../../extension/gguf/writer';
import { fixture, REPO_ROOT } from '../helpers/fixtures';
import { EVERY_TYPE_METADATA, smallModelTensors } from './helpers/sample-files';
import { useTmpDir } from './helpers/tmp';

async function runInspect(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await inspectCommand.run(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('hearth inspect', () => {
  const tmp = useTmpDir('cli');
  let file = '';
  before(async () => {
    file = path.join(tmp(), 'model.gguf');
    await writeGguf(file, {
      metadata: [
        ...EVERY_TYPE_METADATA,
        { key: 'llama.context_length', type: 'uint32', value: 2048 },
        { key: 'tokenizer.ggml.model', type: 'string', value: 'gpt2' },
        { key: 'tokenizer.chat_template', type: 'string', value: '{{ messages }}' },
        { key: 't.nan', type: 'float32', value: NaN },
      ],
      tensors: smallModelTensors(),
    });
  });

  it('prints a human summary', async () => {
    const r = await runInspect([file]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^architecture:\s+llama$/m);
    assert.match(r.out, /^name:\s+round trip ✓ 日本語 🦙$/m);
    assert.match(r.out, /^parameters:\s+520$/m);
    assert.match(r.out, /^context length:\s+2048$/m);
    assert.match(r.out, /^tokenizer:\s+gpt2$/m);
    assert.match(r.out, /^chat template:\s+yes$/m);
    assert.match(r.out, /^FIM tokens:\s+pre=5 suf=6 mid=7$/m);
    assert.match(r.out, /^tensors:\s+5 \(F32 x1, Q4_0 x1, Q4_K x1, F16 x1, Q8_0 x1\)$/m);
    assert.match(r.out, /GGUF v3/);
    assert.match(r.out, /^runs on Hearth:\s+yes$/m);
  });

  it('says when Hearth cannot run a file: its architecture, or tensors without kernels', async () => {
    const mamba = path.join(tmp(), 'mamba2.gguf');
    await writeGguf(mamba, {
      metadata: [{ key: 'general.architecture', type: 'string', value: 'mamba2' }],
      tensors: [{ name: 'token_embd.weight', type: 'F32', shape: [8, 4], data: new Uint8Array(128) }],
    });
    const a = await runInspect([mamba]);
    assert.equal(a.code, 0, a.err);
    assert.match(a.out, /^runs on Hearth:\s+no: architecture "mamba2" is not supported \(supported: llama, .*gpt-oss\)$/m);
    const iq2 = path.join(tmp(), 'iq2.gguf');
    await writeGguf(iq2, {
      metadata: [{ key: 'general.architecture', type: 'string', value: 'qwen3' }],
      tensors: [
        { name: 'token_embd.weight', type: 'Q8_0', shape: [32, 2], data: new Uint8Array(68) },
        { name: 'blk.0.ffn_up.weight', type: 'IQ2_XXS', shape: [256, 1], data: new Uint8Array(66) },
      ],
    });
    const b = await runInspect([iq2]);
    assert.match(b.out, /^runs on Hearth:\s+no: no kernels for its IQ2_XXS tensors$/m);
  });

  it('--json prints exactly version, architecture, metadata, tensors, fileSize', async () => {
    const r = await runInspect([file, '--json']);
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out);
    assert.deepStrictEqual(Object.keys(doc), ['version', 'architecture', 'metadata', 'tensors', 'fileSize']);
    assert.equal(doc.version, 3);
    assert.equal(doc.architecture, 'llama');
    assert.deepStrictEqual(Object.keys(doc.tensors[0]), ['name', 'type', 'shape', 'offset']);
    assert.deepStrictEqual(doc.tensors[1], { name: 'blk.0.attn_q.weight', type: 'Q4_0', shape: [64, 2], offset: 128 });
    assert.equal(doc.metadata['t.uint64.big'], '18446744073709551615');
    assert.equal(doc.metadata['t.int64.small'], -9007199254740991);
    assert.equal(doc.metadata['t.nan'], 'NaN');
    assert.deepStrictEqual(doc.metadata['t.arr.nested'][2], [[true], []]);
  });

  it('--json includes big arrays in full (32000 tokens)', async function () {
    const r = await runInspect(['--json', fixture('tiny-llama/llama-2-tiny-random.gguf')]);
    const doc = JSON.parse(r.out);
    assert.equal(doc.metadata['tokenizer.ggml.tokens'].length, 32000);
    assert.equal(doc.metadata['tokenizer.ggml.tokens'][15043], '▁Hello');
    assert.equal(doc.tensors.length, 12);
  });

  it('engine errors: exit 2, `hearth: CODE: message` on stderr, and {"error"} with --json', async () => {
    const missing = path.join(tmp(), 'missing.gguf');
    const plain = await runInspect([missing]);
    assert.equal(plain.code, 2);
    assert.equal(plain.out, '');
    assert.match(plain.err, /^hearth: E_IO_NOT_FOUND: .*missing\.gguf/);
    const json = await runInspect([missing, '--json']);
    assert.equal(json.code, 2);
    const doc = JSON.parse(json.out);
    assert.equal(doc.error.code, 'E_IO_NOT_FOUND');
    assert.match(doc.error.message, /missing\.gguf/);
  });

  it('usage mistakes are UsageErrors', async () => {
    await assert.rejects(runInspect([]), UsageError);
    await assert.rejects(runInspect([file, '--jsn']), UsageError);
    await assert.rejects(runInspect([file, file]), UsageError);
  });

  it('runs end to end as a process with exit code 2 on error', async () => {
    const main = path.join(REPO_ROOT, 'extension', 'cli', 'main.ts');
    const run = promisify(execFile);
    const ok = await run(process.execPath, ['-r', 'tsx/cjs', main, 'inspect', file, '--json'], { cwd: REPO_ROOT });
    assert.equal(JSON.parse(ok.stdout).architecture, 'llama');
    await assert.rejects(
      run(process.execPath, ['-r', 'tsx/cjs', main, 'inspect', tmp()], { cwd: REPO_ROOT }),
      (e: { code: number; stderr: string }) => e.code === 2 && /^hearth: E_IO_OPEN: /.test(e.stderr),
    );
  });
});
