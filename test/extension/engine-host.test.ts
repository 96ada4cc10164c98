import { strict as assert } from 'assert';
import * as path from 'path';
import { FakeEngine, fakeCompletionFor, fakeChatReplyFor } from '../../extension/host/fake-engine';
import { inProcessEngine } from '../../extension/host/in-process-engine';
import { EngineProcess, describeExit, restartDelay, type EngineEvent } from '../../extension/host/parent/engine-process';
import type { FimRequest } from '../../extension/host/engine-port';
import { REPO_ROOT } from '../helpers/fixtures';

const MODEL = __filename; // any existing file will do for the fake engine
const req = (prefix: string): FimRequest => ({ path: 'a.ts', chunks: [], prefix, suffix: '', maxTokens: 32, timeBudgetMs: 1000, stop: [] });

async function collect(it: AsyncIterable<string>): Promise<string> {
  let s = '';
  for await (const p of it) s += p;
  return s;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'no error';
}

describe('engine protocol (in-process)', () => {
  it('streams a completion and a chat through client and service', async () => {
    const engine = inProcessEngine(new FakeEngine());
    const info = await engine.load(MODEL, {});
    assert.equal(info.fim, 'qwen');
    assert.equal(await collect(engine.complete(req('const total = '), new AbortController().signal)), fakeCompletionFor(req('const total = ')));
    const msgs = [{ role: 'user' as const, content: 'hi' }];
    assert.equal(await collect(engine.chat(msgs, { maxTokens: 10 }, new AbortController().signal)), fakeChatReplyFor(msgs));
    assert.equal((await engine.status()).state, 'ready');
    await engine.dispose();
  });

  it('carries error codes across and cancels on abort', async () => {
    const engine = inProcessEngine(new FakeEngine(5));
    assert.equal(await codeOf(collect(engine.complete(req('x'), new AbortController().signal))), 'E_NO_MODEL');
    assert.equal(await codeOf(engine.load('/no/such/model.gguf', {})), 'E_IO_NOT_FOUND');
    await engine.load(MODEL, {});
    const ac = new AbortController();
    let got = '';
    const run = (async () => {
      for await (const p of engine.complete(req('x'), ac.signal)) {
        got += p;
        ac.abort();
      }
    })();
    assert.equal(await codeOf(run), 'E_ABORTED');
    assert.ok(got.length > 0 && got.length < fakeCompletionFor(req('x')).length, `got ${got}`);
    assert.equal(engine.inFlight, 0);
    await engine.dispose();
  });
});

describe('engine process', function () {
  this.timeout(30000);
  const script = path.join(REPO_ROOT, 'extension', 'host', 'child', 'engine-host-main.ts');
  const execArgv = ['-r', require.resolve('tsx/cjs')];

  it('plans back-off and explains exits in words', () => {
    assert.deepEqual([1, 2, 3, 10].map((n) => restartDelay(n, 500, 4000)), [500, 1000, 2000, 4000]);
    assert.match(describeExit(null, 'SIGKILL', ''), /killed/);
    assert.match(describeExit(null, 'SIGSEGV', 'boom\n'), /crashed \(SIGSEGV\).*boom/);
  });

  it('runs the engine in a child, restarts it after a kill and reloads the model', async () => {
    const events: EngineEvent[] = [];
    const proc = new EngineProcess({ scriptPath: script, execArgv, env: { HEARTH_ENGINE: 'fake' }, initialDelayMs: 50, onEvent: (e) => events.push(e) });
    try {
      await proc.load(MODEL, {});
      const pid1 = proc.pid;
      assert.ok(pid1 && pid1 !== process.pid);
      assert.equal(await collect(proc.complete(req('let a = '), new AbortController().signal)), fakeCompletionFor(req('let a = ')));
      process.kill(pid1, 'SIGKILL');
      for (let i = 0; i < 200 && !events.some((e) => e.kind === 'restarted'); i++) await new Promise((r) => setTimeout(r, 50));
      const crash = events.find((e) => e.kind === 'crashed');
      assert.ok(crash, 'no crash event');
      assert.match(crash.message, /killed/);
      assert.ok(events.some((e) => e.kind === 'restarted'), 'no restart');
      assert.notEqual(proc.pid, pid1);
      const st = await proc.status();
      assert.equal(st.restarts, 1);
      assert.equal(st.model?.path, MODEL);
      assert.equal(await collect(proc.complete(req('let b = '), new AbortController().signal)), 'b_value + 1;');
    } finally {
      await proc.dispose();
    }
  });

  it('restarts with new load options when given them (Restart Engine with the current settings), throwing their failure', async () => {
    const proc = new EngineProcess({ scriptPath: script, execArgv, env: { HEARTH_ENGINE: 'fake' } });
    try {
      await proc.load(MODEL, { contextTokens: 1024 });
      const pid1 = proc.pid;
      await proc.restart({ modelPath: MODEL, options: { contextTokens: 2048, threads: 1 } });
      assert.notEqual(proc.pid, pid1, 'a fresh process');
      // The fake engine echoes the window it was loaded with.
      assert.equal((await proc.status()).model?.contextLength, 2048);
      assert.equal(await codeOf(proc.restart({ modelPath: '/nowhere/missing.gguf', options: {} })), 'E_IO_NOT_FOUND');
      assert.equal((await proc.status()).model, null);
      // A plain restart (the crash path) reloads the last model that loaded, with its options.
      await proc.restart();
      assert.equal((await proc.status()).model?.contextLength, 2048);
    } finally {
      await proc.dispose();
    }
  });

  it('fails a request in flight with E_ENGINE_EXITED when the process dies', async () => {
    const proc = new EngineProcess({ scriptPath: script, execArgv, env: { HEARTH_ENGINE: 'fake', HEARTH_FAKE_DELAY_MS: '200' }, initialDelayMs: 10000 });
    try {
      await proc.load(MODEL, {});
      const pid = proc.pid as number;
      const run = collect(proc.complete(req('x'), new AbortController().signal));
      setTimeout(() => process.kill(pid, 'SIGKILL'), 100);
      assert.equal(await codeOf(run), 'E_ENGINE_EXITED');
    } finally {
      await proc.dispose();
    }
  });
});
