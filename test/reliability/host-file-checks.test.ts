/**
 * Defect 10 (host part): a FIFO as the model path hung the host-side
 * pre-check, which opened the path before checking it is a regular file and
 * so blocked the extension host's thread. Each check runs in a child process
 * with a timeout, so the old behaviour fails the test instead of hanging it.
 */
import { strict as assert } from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir, writeGguf } from '../extension/helpers/gguf-fixture';
import { REPO_ROOT } from '../helpers/fixtures';

/** peekGguf(file) in a child: its error code and message, or 'ok'. */
function peekInChild(file: string): { outcome: string; ms: number } {
  const script = `
    const { peekGguf } = require(${JSON.stringify(path.join(REPO_ROOT, 'extension/host/gguf-peek.ts'))});
    try { peekGguf(process.argv[1]); console.log('ok'); }
    catch (e) { console.log(e.code + ': ' + e.message); }`;
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['-r', require.resolve('tsx/cjs'), '-e', script, file], { encoding: 'utf8', timeout: 20000 });
  const ms = Date.now() - t0;
  if (r.error || r.status !== 0) return { outcome: `child failed (${r.error?.message ?? `status ${r.status}`}; hung on open?) ${r.stderr}`, ms };
  return { outcome: r.stdout.trim(), ms };
}

describe('model file checks (host)', function () {
  this.timeout(90000);
  const dir = tempDir('filecheck');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses a FIFO, a link to one and a directory with E_IO_OPEN naming the path, without blocking', function () {
    if (process.platform === 'win32') this.skip();
    const fifo = path.join(dir, 'model.gguf');
    execFileSync('mkfifo', [fifo]);
    const link = path.join(dir, 'link.gguf');
    fs.symlinkSync(fifo, link);
    for (const [p, kind] of [[fifo, /FIFO/], [link, /FIFO/], [dir, /directory/]] as const) {
      const { outcome } = peekInChild(p);
      assert.match(outcome, /^E_IO_OPEN: /, outcome);
      assert.ok(outcome.includes(p), `the message names the path: ${outcome}`);
      assert.match(outcome, kind);
      assert.match(outcome, /not a regular file/);
    }
  });

  it('still reads a regular file and a link to one', () => {
    const model = writeGguf(dir, 'real.gguf', { arch: 'qwen2', tokens: ['<|fim_prefix|>', '<|fim_middle|>'] });
    const link = path.join(dir, 'real-link.gguf');
    fs.symlinkSync(model, link);
    assert.equal(peekInChild(model).outcome, 'ok');
    assert.equal(peekInChild(link).outcome, 'ok');
    assert.match(peekInChild(path.join(dir, 'absent.gguf')).outcome, /^E_IO_NOT_FOUND/);
  });
});
