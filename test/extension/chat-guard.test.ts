/** The chat guard: counts chat answers streaming per model, waits for them, stops them. */
import { strict as assert } from 'assert';
import { ChatGuard } from '../../extension/models/chat-guard';
import { FakeEngine } from '../../extension/host/fake-engine';
import { isAbort } from '../../extension/engine/errors';

async function drain(it: AsyncIterable<string>): Promise<string> {
  let s = '';
  for await (const p of it) s += p;
  return s;
}

describe('chat guard', () => {
  it('is busy while an answer streams, and idle() resolves when it ends', async () => {
    const engine = new FakeEngine(5);
    await engine.load(__filename, {});
    const guard = new ChatGuard();
    const tracked = guard.track('/m/a', engine);
    assert.equal(guard.busy('/m/a'), false);
    await guard.idle('/m/a'); // nothing running: at once
    const answer = drain(tracked.chat([{ role: 'user', content: 'hi' }], { maxTokens: 8 }, new AbortController().signal));
    await new Promise((r) => setTimeout(r, 2));
    assert.equal(guard.busy('/m/a'), true);
    assert.equal(guard.busy('/m/b'), false);
    let idle = false;
    const waited = guard.idle('/m/a').then(() => (idle = true));
    assert.match(await answer, /Fake answer to: hi/);
    await waited;
    assert.equal(idle, true);
    assert.equal(guard.busy('/m/a'), false);
  });

  it('stop() ends the answers of one model as stopped; the caller\'s own abort still works', async () => {
    const engine = new FakeEngine(5);
    await engine.load(__filename, {});
    const guard = new ChatGuard();
    const tracked = guard.track('/m/a', engine);
    const a = drain(tracked.chat([{ role: 'user', content: 'one' }], { maxTokens: 8 }, new AbortController().signal)).catch((e) => e);
    const own = new AbortController();
    const b = drain(tracked.chat([{ role: 'user', content: 'two' }], { maxTokens: 8 }, own.signal)).catch((e) => e);
    await new Promise((r) => setTimeout(r, 8));
    own.abort();
    assert.ok(isAbort(await b));
    assert.equal(guard.busy('/m/a'), true);
    guard.stop('/m/a');
    assert.ok(isAbort(await a));
    assert.equal(guard.busy('/m/a'), false);
  });

  it('passes completions and the rest straight through', async () => {
    const engine = new FakeEngine();
    const guard = new ChatGuard();
    const tracked = guard.track('/m/a', engine);
    await tracked.load(__filename, { contextTokens: 512 });
    assert.equal((await tracked.status()).model?.contextLength, 512);
    const text = await drain(tracked.complete({ path: 'a.ts', chunks: [], prefix: 'x = ', suffix: '', maxTokens: 8, timeBudgetMs: 1000, stop: [] }, new AbortController().signal));
    assert.equal(text, 'x_value + 1;');
    assert.equal(guard.busy('/m/a'), false);
  });
});
