/**
 * The model file under a loaded model (issue 15, defects 4 and 10):
 * truncating the mapped file (`cp new.gguf over.gguf` does) killed the old
 * process with SIGBUS; now the request fails with E_MODEL_FILE_CHANGED, so
 * does every later one on that model, and the process lives. A FIFO as the
 * model path hung the old loader forever (open() waits for a writer); now it
 * is refused with E_IO_OPEN naming the path and what it is.
 */
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fixture } from '../helpers/fixtures';
import { runChild } from './engine-child';

const MODEL = fixture('tiny-llama/tinyllamas-stories-260k-f32.gguf');

describe('reliability: the model file under the engine', function () {
  this.timeout(120000);
  let dir: string;
  before(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-engine-file-'));
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a truncated mapped model file gives E_MODEL_FILE_CHANGED, not SIGBUS', function () {
    if (process.platform === 'win32') this.skip();  // a mapped file cannot shrink there
    const r = runChild('truncate-mapped', [MODEL, path.join(dir, 'copy.gguf')]);
    assert.deepEqual(r.before, { type: 'done', reason: 'length' });
    for (const k of ['first', 'second', 'fresh']) {
      const ev = r[k] as { type: string; code?: string; message?: string };
      assert.equal(ev.type, 'error', `${k}: ${JSON.stringify(ev)}`);
      assert.equal(ev.code, 'E_MODEL_FILE_CHANGED', `${k}: ${JSON.stringify(ev)}`);
    }
  });

  it('a FIFO as the model path is refused with E_IO_OPEN at once (the old loader hung)', function () {
    if (process.platform === 'win32') this.skip();
    const fifo = path.join(dir, 'model.gguf');
    execFileSync('mkfifo', [fifo]);
    const r = runChild('load-special', [fifo], 15000);
    assert.equal(r.loaded, false);
    assert.equal(r.code, 'E_IO_OPEN');
    assert.match(String(r.message), /model\.gguf/);
    assert.match(String(r.message), /FIFO/);
  });

  it('a directory and a character device are refused with E_IO_OPEN saying what they are', async function () {
    if (process.platform === 'win32') this.skip();
    const r1 = runChild('load-special', [dir], 15000);
    assert.equal(r1.code, 'E_IO_OPEN');
    assert.match(String(r1.message), /directory/);
    const r2 = runChild('load-special', ['/dev/zero'], 15000);
    assert.equal(r2.code, 'E_IO_OPEN');
    assert.match(String(r2.message), /character device/);
  });
});
