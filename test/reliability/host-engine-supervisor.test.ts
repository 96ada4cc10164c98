/**
 * Defect 8: after a crash the engine restarted without its model. A request
 * during the restart back-off spawned a process of its own and failed with
 * E_NO_MODEL; after "gave up" the next request silently started an engine with
 * no model while the status still showed the old one. The supervisor now
 * restarts with the last model and options, makes requests wait (bounded) for
 * the restart, and after a give-up refuses them with how to recover.
 */
import { strict as assert } from 'assert';
import * as path from 'path';
import { fakeCompletionFor } from '../../extension/host/fake-engine';
import { EngineProcess, type EngineEvent } from '../../extension/host/parent/engine-process';
import type { FimRequest } from '../../extension/host/engine-port';
import { REPO_ROOT } from '../helpers/fixtures';

const MODEL = __filename; // any existing file will do for the fake engine
const SCRIPT = path.join(REPO_ROOT, 'extension', 'host', 'child', 'engine-host-main.ts');
const EXEC_ARGV = ['-r', require.resolve('tsx/cjs')];
const req = (prefix: string): FimRequest => ({ path: 'a.ts', chunks: [], prefix, suffix: '', maxTokens: 32, timeBudgetMs: 1000, stop: [] });

async function collect(it: AsyncIterable<string>): Promise<string> {
  let s = '';
  for await (const p of it) s += p;
  return s;
}

async function errorOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return { code: String((err as { code?: unknown }).code), message: (err as Error).message };
  }
  return { code: 'no error', message: '' };
}

async function until(cond: () => boolean, ms = 20000): Promise<void> {
  for (const t0 = Date.now(); !cond(); ) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('engine supervisor (host)', function () {
  this.timeout(60000);

  it('a request during the restart back-off waits for the restart and runs on the reloaded model, with no extra process', async () => {
    const events: EngineEvent[] = [];
    const proc = new EngineProcess({ scriptPath: SCRIPT, execArgv: EXEC_ARGV, env: { HEARTH_ENGINE: 'fake' }, initialDelayMs: 800, onEvent: (e) => events.push(e) });
    try {
      await proc.load(MODEL, { contextTokens: 321, threads: 1 });
      const pid1 = proc.pid as number;
      process.kill(pid1, 'SIGKILL');
      await until(() => events.some((e) => e.kind === 'crashed'));
      assert.equal((await proc.status()).state, 'restarting');
      // Both arrive inside the back-off window.
      const [text, count] = await Promise.all([collect(proc.complete(req('let a = '), new AbortController().signal)), proc.countTokens('abcd')]);
      assert.equal(text, fakeCompletionFor(req('let a = ')));
      assert.ok(count > 0);
      assert.equal(proc.processesStarted, 2, 'a request started a process of its own');
      const st = await proc.status();
      assert.equal(st.state, 'ready');
      assert.equal(st.restarts, 1);
      assert.equal(st.model?.path, MODEL);
      assert.equal(st.model?.contextLength, 321, 'the restart reloaded with the last options');
      assert.notEqual(st.pid, pid1);
    } finally {
      await proc.dispose();
    }
  });

  it('the wait for a restart is bounded: E_ENGINE_UNAVAILABLE, still no extra process', async () => {
    const proc = new EngineProcess({ scriptPath: SCRIPT, execArgv: EXEC_ARGV, env: { HEARTH_ENGINE: 'fake' }, initialDelayMs: 20000, recoveryWaitMs: 300 });
    try {
      await proc.load(MODEL, {});
      process.kill(proc.pid as number, 'SIGKILL');
      await until(() => proc.pid === null);
      await until(() => proc.processesStarted === 1 && proc.pid === null);
      const t0 = Date.now();
      const e = await errorOf(collect(proc.complete(req('x'), new AbortController().signal)));
      assert.equal(e.code, 'E_ENGINE_UNAVAILABLE');
      assert.match(e.message, /restarting/);
      assert.ok(Date.now() - t0 < 5000);
      assert.equal(proc.processesStarted, 1);
    } finally {
      await proc.dispose();
    }
  });

  it('after giving up it says so, refuses requests with how to recover, starts nothing, and Restart brings the model back', async () => {
    const events: EngineEvent[] = [];
    const proc = new EngineProcess({ scriptPath: SCRIPT, execArgv: EXEC_ARGV, env: { HEARTH_ENGINE: 'fake' }, maxCrashes: 0, onEvent: (e) => events.push(e) });
    try {
      await proc.load(MODEL, { contextTokens: 123 });
      process.kill(proc.pid as number, 'SIGKILL');
      await until(() => events.some((e) => e.kind === 'gave-up'));
      let st = await proc.status();
      assert.equal(st.state, 'failed');
      assert.equal(st.model, null, 'the status must not show a model that is no longer loaded');
      assert.match(st.lastError ?? '', /Hearth: Restart Engine/);
      for (const attempt of [
        collect(proc.complete(req('x'), new AbortController().signal)),
        collect(proc.chat([{ role: 'user', content: 'hi' }], { maxTokens: 4 }, new AbortController().signal)),
        proc.countTokens('x'),
        proc.load(MODEL, {}),
      ]) {
        const e = await errorOf(attempt);
        assert.equal(e.code, 'E_ENGINE_UNAVAILABLE');
        assert.match(e.message, /run 'Hearth: Restart Engine'/i);
      }
      assert.equal(proc.processesStarted, 1, 'a request silently started an engine');
      assert.equal(proc.pid, null);
      await proc.restart();
      st = await proc.status();
      assert.equal(st.state, 'ready');
      assert.equal(st.model?.path, MODEL);
      assert.equal(st.model?.contextLength, 123);
      assert.equal(await collect(proc.complete(req('let b = '), new AbortController().signal)), 'b_value + 1;');
    } finally {
      await proc.dispose();
    }
  });
});
