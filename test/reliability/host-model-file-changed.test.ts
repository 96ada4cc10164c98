/**
 * A model file overwritten while it is loaded (`cp new.gguf over.gguf`
 * truncates it first): through the real engine process, the request that
 * meets the change fails with E_MODEL_FILE_CHANGED, the engine lives on, and
 * the supervisor loads the model again from the file once it is whole, so the
 * next request is served. Before, the engine died of SIGBUS.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EngineProcess, type EngineEvent } from '../../extension/host/parent/engine-process';
import { fixture, REPO_ROOT } from '../helpers/fixtures';

describe('model file changed under the engine (host)', function () {
  this.timeout(120000);

  it('fails the request with E_MODEL_FILE_CHANGED, then reloads the model and serves the next one', async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-changed-'));
    const file = path.join(dir, 'model.gguf');
    const original = fixture('tiny-llama/tinyllamas-stories-260k-f32.gguf');
    fs.copyFileSync(original, file);
    const events: EngineEvent[] = [];
    const proc = new EngineProcess({
      scriptPath: path.join(REPO_ROOT, 'extension', 'host', 'child', 'engine-host-main.ts'),
      execArgv: ['-r', require.resolve('tsx/cjs')],
      env: { HEARTH_ENGINE: 'native' },
      maxCrashes: 0,
      onEvent: (e) => events.push(e),
    });
    const complete = async (): Promise<string> => {
      let s = '';
      for await (const p of proc.complete({ path: 'a.txt', prefix: 'Once upon a time', suffix: '', chunks: [], maxTokens: 4, timeBudgetMs: 10_000, stop: [] }, new AbortController().signal)) s += p;
      return s;
    };
    try {
      await proc.load(file, { contextTokens: 128, threads: 1 });
      const pid = proc.pid;
      await complete();
      // The copy over it: truncated, the pages gone from the mapping.
      fs.truncateSync(file, 4096);
      await assert.rejects(complete(), (err: { code?: string }) => err.code === 'E_MODEL_FILE_CHANGED');
      // ...then written whole again, before the supervisor's reload.
      fs.copyFileSync(original, file);
      const text = await complete();
      assert.equal(typeof text, 'string');
      assert.equal(proc.pid, pid, 'the same engine process serves (no crash, no restart)');
      assert.ok(events.some((e) => e.kind === 'model-reloaded' && /loaded it again/.test(e.message)), JSON.stringify(events));
      assert.equal((await proc.status()).state, 'ready');
    } finally {
      await proc.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
