/**
 * The engine-side pieces of work before the key, on fakes: the scheduler
 * (a request preempts a prefetch at its next batch, the prefetch resumes
 * after, newer positions replace older ones) and the session pool (the cache
 * that keeps most of a prompt, a new one while there is room, the count
 * bounded by KV memory).
 */
import { strict as assert } from 'assert';
import { PrefetchScheduler } from '../../extension/host/child/prefetch-scheduler';
import { SessionPool, kvBytesPerToken, poolSize, reusableTokens } from '../../extension/host/child/session-pool';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * A fake evaluation of `total` batches, one per tick, that keeps its progress
 * when stopped (as the engine's batches stay in the KV cache).
 */
function batches(total: number, log: string[], name: string): { job: (s: AbortSignal) => Promise<boolean>; done: () => number } {
  let done = 0;
  return {
    done: () => done,
    job: async (signal) => {
      log.push(`${name} start@${done}`);
      while (done < total) {
        if (signal.aborted) {
          log.push(`${name} stopped@${done}`);
          return false;
        }
        await tick();
        done++;
      }
      log.push(`${name} done`);
      return true;
    },
  };
}

describe('completion prefetch scheduler', () => {
  it('a request preempts a running prefetch at its next batch; the prefetch resumes after', async () => {
    const s = new PrefetchScheduler();
    const log: string[] = [];
    const p = batches(10, log, 'prefetch');
    s.prefetch('a.ts', p.job);
    await tick();
    await tick();
    await tick();
    const release = await s.acquire();
    log.push('request runs');
    const at = p.done();
    assert.ok(at > 0 && at < 10, `stopped part way (${at} of 10)`);
    await tick();
    await tick();
    assert.equal(p.done(), at, 'nothing of the prefetch runs while the request holds the engine');
    release();
    await s.idle();
    assert.equal(p.done(), 10);
    assert.deepEqual(log, ['prefetch start@0', `prefetch stopped@${at}`, 'request runs', `prefetch start@${at}`, 'prefetch done']);
  });

  it('resumes a prefetch that ends its stop with an abort error (as the engine stream does); drops one that failed', async () => {
    const s = new PrefetchScheduler();
    let runs = 0;
    let failures = 0;
    s.prefetch('a.ts', async (signal) => {
      runs++;
      if (runs === 1) {
        await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
        throw Object.assign(new Error('request cancelled'), { code: 'E_ABORTED' });
      }
      return true;
    });
    s.prefetch('b.ts', async () => {
      failures++;
      throw new Error('broken');
    }, 5);
    await tick();
    const release = await s.acquire();
    release();
    await s.idle();
    assert.equal(runs, 2, 'the stopped prefetch ran again');
    assert.equal(failures, 1, 'the failed one was not retried');
  });

  it('resumes only a while after the last request, but starts new work at once', async () => {
    const s = new PrefetchScheduler(40);
    const log: string[] = [];
    const p = batches(50, log, 'p');
    s.prefetch('a.ts', p.job);
    assert.deepEqual(log, ['p start@0'], 'new work while idle starts at once');
    await tick();
    (await s.acquire())();
    await tick();
    await tick();
    const at = p.done();
    assert.deepEqual(log, ['p start@0', `p stopped@${at}`], 'not resumed right after the request');
    (await s.acquire())(); // another key within the delay restarts it
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(log.length, 2);
    await s.idle();
    assert.deepEqual(log, ['p start@0', `p stopped@${at}`, `p start@${at}`, 'p done']);
    // New work after a request does not wait for the delay.
    const q = batches(1, log, 'q');
    (await s.acquire())();
    s.prefetch('b.ts', q.job);
    assert.equal(log[log.length - 1], 'q start@0');
    await s.idle();
  });

  it('runs requests one after another and starts no prefetch while one waits', async () => {
    const s = new PrefetchScheduler();
    const log: string[] = [];
    const r1 = await s.acquire();
    const second = s.acquire().then((release) => {
      log.push('second');
      return release;
    });
    s.prefetch('a.ts', batches(2, log, 'prefetch').job);
    await tick();
    assert.deepEqual(log, []);
    r1();
    const r2 = await second;
    assert.deepEqual(log, ['second']);
    r2();
    await s.idle();
    assert.deepEqual(log, ['second', 'prefetch start@0', 'prefetch done']);
  });

  it('a newer prefetch under the same key replaces the older; lower rank runs first', async () => {
    const s = new PrefetchScheduler();
    const log: string[] = [];
    const release = await s.acquire();
    s.prefetch('a.ts full', batches(1, log, 'old full').job, 1);
    s.prefetch('a.ts full', batches(1, log, 'new full').job, 1);
    s.prefetch('a.ts short', batches(1, log, 'short').job, 0);
    assert.deepEqual(s.pending, ['a.ts short', 'a.ts full']);
    release();
    await s.idle();
    assert.deepEqual(log, ['short start@0', 'short done', 'new full start@0', 'new full done']);
  });

  it('drop() forgets waiting work and stops it when it runs', async () => {
    const s = new PrefetchScheduler();
    const log: string[] = [];
    s.prefetch('a.ts', batches(5, log, 'a').job);
    await tick();
    s.drop('a.ts');
    await s.idle();
    assert.ok(log.includes('a start@0') && !log.includes('a done'));
    assert.deepEqual(s.pending, []);
  });
});

describe('completion session pool', () => {
  const created: string[] = [];
  const pool = (capacity: number): SessionPool<string> => {
    let n = 0;
    return new SessionPool(() => {
      const name = `s${n++}`;
      created.push(name);
      return name;
    }, capacity);
  };

  it('gives a prompt the cache that shares most of it', () => {
    const p = pool(3);
    const a = p.pick([1, 2, 3, 4]).entry;
    a.tokens = [1, 2, 3, 4];
    p.touch(a);
    const b = p.pick([9, 9, 9, 9]).entry;
    assert.notEqual(b, a, 'an unrelated prompt gets a new cache while there is room');
    b.tokens = [9, 9, 9, 9];
    p.touch(b);
    const again = p.pick([1, 2, 3, 5]);
    assert.equal(again.entry, a);
    assert.equal(again.reuse, 3);
  });

  it('evicts the least recently used cache once full', () => {
    const p = pool(2);
    const a = p.pick([1, 1]).entry;
    a.tokens = [1, 1];
    p.touch(a);
    const b = p.pick([2, 2]).entry;
    b.tokens = [2, 2];
    p.touch(b);
    p.touch(a);
    const c = p.pick([3, 3]);
    assert.equal(p.size, 2);
    assert.equal(c.entry, b, 'b was used longest ago');
  });

  it('background work does not take the cache the user types in, though it is the cheapest to lose', () => {
    const p = pool(2);
    // The full window of a site that has nothing in common with either cache.
    const full = [7, 7, 7, 7, 7, 7];
    const old = p.pick([1, 1, 1, 1, 1, 1, 1, 1]).entry;
    old.tokens = [1, 1, 1, 1, 1, 1, 1, 1];
    p.touch(old);
    const short = p.pick([2, 2, 2]).entry;
    short.tokens = [2, 2, 2];
    assert.equal(p.pick(full).entry, short, 'without an active cache, the smaller loss wins');
    p.activate(short);
    assert.equal(p.pick(full).entry, old, 'the short window the last request used is kept');
    // A request that shares the active cache still gets it.
    assert.equal(p.pick([2, 2, 2, 3]).entry, short);
  });

  it('counts the suffix run a splice can move as reusable', () => {
    // cached: P1 P2 <suf> S1 S2 S3 <mid> g1 g2 ; prompt: P1 P2 X <suf> S1 S2 S3 <mid>
    const cached = [1, 2, 100, 11, 12, 13, 200, 50, 51];
    const prompt = [1, 2, 7, 100, 11, 12, 13, 200];
    assert.equal(reusableTokens(cached, prompt, 0), 2);
    assert.equal(reusableTokens(cached, prompt, 256), 2 + 5);
  });

  it('sizes the pool from the KV bytes per token and a budget', () => {
    // Qwen2.5 0.5B: 24 layers, 2 KV heads of 64: 12 KiB per token.
    const perToken = kvBytesPerToken({ nLayer: 24, nHeadKv: 2, nHead: 14, nEmbd: 896 });
    assert.equal(perToken, 12288);
    assert.equal(poolSize(perToken, 1024, 64 * 1024 * 1024, 8), 5);
    assert.equal(poolSize(perToken, 1024, 64 * 1024 * 1024, 4), 4);
    assert.equal(poolSize(perToken, 1 << 20, 1, 4), 1, 'always at least one');
  });
});
