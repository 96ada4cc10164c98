/** The latency replay loop with a fake driver and a fake clock (bench/latency/replay.ts). */
import { strict as assert } from 'assert';
import { replay } from '../../bench/latency/replay';
import type { CompletionDriver, DriverResult } from '../../bench/latency/driver';
import type { EditorDocument } from '../../bench/latency/editor';
import type { Trace } from '../../bench/latency/trace';

/** Shows `suggestion` `delayMs` after each key; logs every call. */
function fakeDriver(clock: { t: number }, suggestion: string, delayMs: number): CompletionDriver & { calls: string[]; docs: EditorDocument[] } {
  const calls: string[] = [];
  const docs: EditorDocument[] = [];
  return {
    name: 'fake',
    calls,
    docs,
    async begin() {},
    fileOpened: (d) => void calls.push(`open ${d.relPath}`),
    activeChanged: (_p, n) => void calls.push(`active ${n.relPath}`),
    cursorMoved: (d) => void calls.push(`moved ${d.relPath}@${d.offset}`),
    edited: () => undefined,
    saved: (d) => void calls.push(`saved ${d.relPath}`),
    accepted: (before, shown) => void calls.push(`accepted ${JSON.stringify(before.text.slice(0, before.offset))} ${shown}`),
    complete(doc, signal): Promise<DriverResult> {
      docs.push(doc);
      const due = clock.t + delayMs;
      return new Promise((resolve) => {
        const poll = (): void => {
          if (signal.aborted) resolve({ suggestion: null, fromCache: false });
          else if (clock.t >= due) resolve({ suggestion: { text: suggestion, replaceChars: 0 }, fromCache: false });
          else setImmediate(poll);
        };
        poll();
      });
    },
    async end() {
      return { requests: [], totalCpuMs: 0 };
    },
  };
}

function fakeTime(): { clock: { t: number }; now: () => number; sleep: (ms: number) => Promise<void> } {
  const clock = { t: 0 };
  return {
    clock,
    now: () => clock.t,
    // Time moves in small steps so the driver's polls see it pass.
    sleep: async (ms) => {
      const end = clock.t + ms;
      while (clock.t < end) {
        clock.t = Math.min(end, clock.t + 10);
        await new Promise((r) => setImmediate(r));
      }
    },
  };
}

const files = [{ relPath: 'a.ts', text: 'let x = 1;\nconst value = compute();\nend();\n' }, { relPath: 'b.py', text: 'x = 1\ny = 2\n' }];

describe('bench: latency replay', () => {
  it('Tab on shown ghost text inserts it, tells the pipeline, and leaves the site', async () => {
    const trace: Trace = {
      seed: 1,
      files,
      ops: [
        { kind: 'jump', gapMs: 0, jump: 'file', file: 0, line: 1, lines: 1 },
        { kind: 'key', gapMs: 500, text: 'c' },
        { kind: 'accept', gapMs: 600, mode: 'tab', typeGapsMs: [100] },
        { kind: 'key', gapMs: 100, text: 'o' }, // skipped: the user left after Tab
        { kind: 'jump', gapMs: 300, jump: 'file', file: 1, line: 1, lines: 1 },
        { kind: 'key', gapMs: 500, text: 'z' },
      ],
    };
    const time = fakeTime();
    const d = fakeDriver(time.clock, 'onst v = 2;', 200);
    const r = await replay(trace, d, { tailMs: 1000, now: time.now, sleep: time.sleep });
    assert.deepEqual(r.keys.map((k) => k.kind), ['key', 'tab', 'key']);
    assert.deepEqual(r.accepts, { offered: 1, tab: 1, typeThrough: 0 });
    assert.ok(d.calls.includes('accepted "let x = 1;\\nc" onst v = 2;'));
    assert.equal(d.docs[1].text, 'let x = 1;\nconst v = 2;\nend();\n');
    assert.deepEqual(d.calls.filter((c) => c.startsWith('active')), ['active b.py']);
    assert.equal(r.keys[0].shownMs, 200);
    assert.deepEqual(r.jumps.map((j) => j.site), [0, 1]);
    assert.equal(r.keys[2].site, 1);
    assert.equal(d.docs[2].text, 'x = 1\nz\n');
    assert.deepEqual([r.keys[2].relPath, r.keys[2].offset], ['b.py', 7]);
  });

  it('typing through: the first characters of the shown text, one key each; nothing shown: no accept', async () => {
    const trace: Trace = {
      seed: 1,
      files,
      ops: [
        { kind: 'jump', gapMs: 0, jump: 'file', file: 0, line: 1, lines: 1 },
        { kind: 'key', gapMs: 500, text: 'c' },
        { kind: 'accept', gapMs: 600, mode: 'type', typeGapsMs: [100, 100, 100] },
        { kind: 'key', gapMs: 100, text: 'q' },
        { kind: 'accept', gapMs: 50, mode: 'tab', typeGapsMs: [] }, // shown text is 400 ms away: not taken
      ],
    };
    const time = fakeTime();
    const d = fakeDriver(time.clock, 'onst\nnext', 400);
    const r = await replay(trace, d, { tailMs: 1000, now: time.now, sleep: time.sleep });
    assert.deepEqual(r.keys.map((k) => k.kind), ['key', 'type-through', 'type-through', 'type-through', 'key']);
    assert.deepEqual(r.accepts, { offered: 2, tab: 0, typeThrough: 1 });
    assert.equal(d.docs[3].text, 'let x = 1;\ncons\nend();\n');
    // Keys 100 ms apart cancel each other: only the first key and the last (with the tail) show anything.
    assert.deepEqual(r.keys.map((k) => k.shownMs !== null), [true, false, false, false, true]);
  });
});
