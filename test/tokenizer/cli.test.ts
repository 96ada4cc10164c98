import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from '../../extension/cli/command';
import { detokenizeCommand } from '../../extension/cli/commands/detokenize';
import { tokenizeCommand } from '../../extension/cli/commands/tokenize';
import { fixture } from '../helpers/fixtures';
import { makeTempDir } from './helpers/derived-vocab';

type Run = { code: number; out: string; err: string };

async function run(cmd: typeof tokenizeCommand, argv: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const code = await cmd.run(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('hearth tokenize / detokenize', function () {
  let model = '';
  let spm = '';
  let tmp: { dir: string; cleanup: () => void } | undefined;

  before(function () {
    model = fixture('llama.cpp-vocab/ggml-vocab-starcoder.gguf');
    spm = fixture('llama.cpp-vocab/ggml-vocab-llama-spm.gguf');
    tmp = makeTempDir('hearth-cli-tok-');
  });
  after(() => tmp?.cleanup());

  it('--json prints {"tokens":[...]}; control text stays text without --special', async () => {
    const plain = await run(tokenizeCommand, [model, '--text', 'x<fim_prefix>', '--json']);
    assert.equal(plain.code, 0, plain.err);
    const ids = (JSON.parse(plain.out) as { tokens: number[] }).tokens;
    assert.ok(!ids.includes(1));
    const special = await run(tokenizeCommand, [model, '--text', 'x<fim_prefix>', '--special', '--json']);
    assert.deepEqual(JSON.parse(special.out), { tokens: [125, 1] });
  });

  it('--bos prepends BOS', async () => {
    const r = await run(tokenizeCommand, [spm, '--text=Hello world', '--bos', '--json']);
    assert.deepEqual(JSON.parse(r.out), { tokens: [1, 15043, 3186] });
  });

  it('prints a readable listing without --json', async () => {
    const r = await run(tokenizeCommand, [spm, '--text', 'Hello world']);
    assert.equal(r.code, 0);
    assert.match(r.out, /^0\s+15043\s+"▁Hello"\s+" Hello"$/m);
    assert.match(r.out, /^2 tokens \(llama\/default, vocab 32000\)$/m);
  });

  it('--text-file reads UTF-8 text (and - reads stdin)', async () => {
    const f = path.join(tmp!.dir, 'in.txt');
    fs.writeFileSync(f, Buffer.from([0x48, 0x69, 0x0a]));
    const a = await run(tokenizeCommand, [model, '--text-file', f, '--json']);
    const b = await run(tokenizeCommand, [model, '--text', 'Hi\n', '--json']);
    assert.equal(a.code, 0, a.err);
    assert.deepEqual(JSON.parse(a.out), JSON.parse(b.out));
  });

  it('detokenize round-trips and renders control tokens only with --special', async () => {
    const r = await run(detokenizeCommand, [model, '--tokens', '125,1,125', '--json']);
    assert.deepEqual(JSON.parse(r.out), { text: 'xx' });
    const s = await run(detokenizeCommand, [model, '--tokens', '125 1 125', '--special']);
    assert.equal(s.out, 'x<fim_prefix>x\n');
  });

  it('engine errors exit 2 with a code; usage errors throw UsageError', async () => {
    const missing = await run(tokenizeCommand, [path.join(tmp!.dir, 'nope.gguf'), '--text', 'x', '--json']);
    assert.equal(missing.code, 2);
    assert.equal((JSON.parse(missing.out) as { error: { code: string } }).error.code, 'E_IO_NOT_FOUND');
    assert.match(missing.err, /^hearth: E_IO_NOT_FOUND/);
    const bad = await run(detokenizeCommand, [model, '--tokens', '99999999']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /E_INVALID_ARGUMENT/);
    await assert.rejects(run(tokenizeCommand, [model]), UsageError);
    await assert.rejects(run(tokenizeCommand, [model, '--text', 'a', '--text-file', 'b']), UsageError);
    await assert.rejects(run(detokenizeCommand, [model, '--tokens', '1,x']), UsageError);
    await assert.rejects(run(detokenizeCommand, [model]), UsageError);
  });
});
