/**
 * Fuzz: frames from the parent into the engine process (engine-inbox.ts, then
 * EngineService). Random values and near-protocol requests with wrong params:
 * the inbox never throws, refuses bad frames with E_INVALID_ARGUMENT under
 * their id, and every accepted request is answered once with done or a coded
 * error. Then the same frames go to a real engine child process, which must
 * stay up and answer a status request afterwards.
 */
import { strict as assert } from 'assert';
import { fork } from 'child_process';
import * as path from 'path';
import { SeededRandom, fuzzSeed } from './helpers/seeded-random';
import { checkFrame } from '../../extension/host/child/engine-inbox';
import { EngineService } from '../../extension/host/child/engine-service';
import { FakeEngine } from '../../extension/host/fake-engine';
import { HOST_TO_ENGINE_METHODS, type EngineReply } from '../../extension/host/engine-protocol';
import { REPO_ROOT } from '../helpers/fixtures';

const METHODS: readonly string[] = HOST_TO_ENGINE_METHODS;
const BUDGET_MS = 6000;

function frame(r: SeededRandom, id: number): unknown {
  if (r.chance(0.15)) return r.value(3);
  const method = r.chance(0.9) ? r.pick(METHODS) : r.string(6);
  const good: Record<string, unknown> = {
    load: { modelPath: __filename, options: { contextTokens: 64 } },
    complete: { request: { path: 'a.ts', chunks: [{ path: 'b.ts', text: 'x' }], prefix: 'let a = ', suffix: '', maxTokens: 4, timeBudgetMs: 100, stop: [] } },
    chat: { messages: [{ role: 'user', content: 'hi' }], options: { maxTokens: 4 } },
    generate: { prompt: 'Once', options: { maxTokens: 4, stop: ['.'], parseSpecial: false } },
    prefetch: { request: { path: 'a.ts', chunks: [], prefix: 'let a = ', suffix: '', maxTokens: 4, timeBudgetMs: 100, stop: [] } },
    countTokens: { text: 'abc' },
    tokenize: { text: 'abc', options: { addBos: true } },
    detokenize: { tokens: [97, 98] },
    status: {},
    cancel: {},
  };
  let params: unknown = structuredClone(good[method] ?? {});
  // Mutate: replace, drop or retype a field somewhere in params.
  for (let i = r.int(0, 3); i > 0; i--) {
    let target = params as Record<string, unknown>;
    if (typeof target !== 'object' || target === null) break;
    const keys = Object.keys(target);
    if (keys.length && r.chance(0.5)) {
      const k = r.pick(keys);
      if (typeof target[k] === 'object' && target[k] !== null && r.chance(0.5)) target = target[k] as Record<string, unknown>;
    }
    const keys2 = Object.keys(target);
    const k = keys2.length && r.chance(0.7) ? r.pick(keys2) : r.string(5);
    if (r.chance(0.3)) delete target[k];
    else target[k] = r.value(2);
  }
  if (r.chance(0.05)) params = r.value(1);
  const f: Record<string, unknown> = { id: r.chance(0.9) ? id : r.value(1), method, params };
  if (r.chance(0.05)) delete f.id;
  try {
    return JSON.parse(JSON.stringify(f)); // as process.send (json serialization) delivers it
  } catch {
    return f;
  }
}

describe('js fuzz: engine process frames', function () {
  this.timeout(60000);

  it('the inbox and service answer every frame with a result or a coded error, never throwing', async () => {
    const seed = fuzzSeed(0xe6e1e5);
    const r = new SeededRandom(seed);
    const replies = new Map<number, EngineReply[]>();
    const service = new EngineService(new FakeEngine(), (reply) => {
      const list = replies.get(reply.id) ?? [];
      list.push(reply);
      replies.set(reply.id, list);
    });
    const failures: string[] = [];
    let runs = 0;
    let accepted = 0;
    const pending: number[] = [];
    for (const t0 = Date.now(); Date.now() - t0 < BUDGET_MS && runs < 30000; runs++) {
      // Far above any id the generator makes at random, so replies cannot mix.
      const id = 10_000_000 + runs;
      const f = frame(r, id);
      let checked: ReturnType<typeof checkFrame>;
      try {
        checked = checkFrame(f);
      } catch (err) {
        failures.push(`checkFrame threw: ${String(err)}`);
        continue;
      }
      if (!checked.ok) {
        const rep = checked.reply;
        if (rep.kind !== 'error' || rep.code !== 'E_INVALID_ARGUMENT') failures.push(`bad refusal ${JSON.stringify(rep)}`);
        const fid = (f as { id?: unknown } | null)?.id;
        if (Number.isSafeInteger(fid) && rep.id !== fid) failures.push(`refusal lost the id ${String(fid)}`);
        continue;
      }
      accepted++;
      try {
        service.handle(checked.msg);
      } catch (err) {
        failures.push(`service threw on ${JSON.stringify(f).slice(0, 200)}: ${String(err)}`);
      }
      if (checked.msg.method !== 'cancel' && checked.msg.id === id) pending.push(id);
      if (runs % 50 === 0) await new Promise((res) => setTimeout(res, 0));
      if (failures.length > 5) break;
    }
    await new Promise((res) => setTimeout(res, 200));
    for (const id of pending) {
      const got = replies.get(id) ?? [];
      const ends = got.filter((x) => x.kind !== 'chunk');
      if (ends.length !== 1) failures.push(`request ${id}: ${ends.length} final replies`);
      else if (ends[0].kind === 'error' && !/^E_[A-Z_]+$/.test(ends[0].code)) failures.push(`request ${id}: error without a code: ${JSON.stringify(ends[0])}`);
      else if (ends[0].kind === 'error' && ends[0].code === 'E_INTERNAL') failures.push(`request ${id}: E_INTERNAL (${ends[0].message})`);
    }
    console.log(`      fuzz engine-frames (in-process): ${runs} executions, ${failures.length} failures (seed ${seed}, ${accepted} accepted)`);
    assert.deepEqual(failures.slice(0, 5), []);
    assert.ok(accepted > 50 && accepted < runs);
  });

  it('a real engine process survives random frames and still answers', async () => {
    const seed = fuzzSeed(0xe6e1e6);
    const r = new SeededRandom(seed);
    const child = fork(path.join(REPO_ROOT, 'extension', 'host', 'child', 'engine-host-main.ts'), [], {
      execArgv: ['-r', require.resolve('tsx/cjs')],
      env: { ...process.env, HEARTH_ENGINE: 'fake' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    let stderr = '';
    child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
    const replies: EngineReply[] = [];
    let hello = false;
    child.on('message', (m: unknown) => {
      if ((m as { kind?: string }).kind === 'hello') hello = true;
      else replies.push(m as EngineReply);
    });
    let exited: string | null = null;
    child.on('exit', (code, signal) => (exited = `exit ${code} ${signal}`));
    try {
      for (let i = 0; i < 400 && !hello; i++) await new Promise((res) => setTimeout(res, 50));
      assert.ok(hello, 'the engine process did not start');
      const n = 3000;
      for (let i = 0; i < n; i++) child.send((frame(r, 10_000_000 + i) ?? null) as never);
      // A fuzz frame may carry any id, this one's too: the status answer is the 'done' with an EngineStatus.
      const STATUS_ID = 1_234_567_891;
      child.send({ id: STATUS_ID, method: 'status', params: {} });
      const isStatus = (x: EngineReply): boolean => x.id === STATUS_ID && x.kind === 'done' && typeof (x.result as { state?: unknown })?.state === 'string';
      for (let i = 0; i < 400 && !replies.some(isStatus); i++) await new Promise((res) => setTimeout(res, 25));
      assert.equal(exited, null, `the engine process died: ${stderr.slice(-500)}`);
      assert.ok(replies.some(isStatus), 'no status answer after the fuzz frames');
      const uncoded = replies.filter((x) => x.kind === 'error' && !/^E_[A-Z_]+$/.test(x.code));
      assert.deepEqual(uncoded, []);
      console.log(`      fuzz engine-frames (child process): ${n} executions, 0 failures (seed ${seed}, ${replies.filter((x) => x.kind === 'error').length} coded errors)`);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
