/**
 * Chat threads (chat-threads.ts): several per workspace, kept across reloads,
 * named by their first question or by the user, deleted one at a time, the
 * old single history moved into a thread, and the Markdown export.
 */
import { strict as assert } from 'assert';
import {
  ChatThreads, LEGACY_HISTORY_KEY, MAX_THREADS, MAX_TITLE, THREADS_KEY, threadTitle, threadToMarkdown,
} from '../../extension/chat/chat-threads';
import type { ChatTurn } from '../../extension/protocol/webview-protocol';
import { MemoryStore } from './helpers/memory-store';


const turn = (role: 'user' | 'assistant', text: string, id = `${role}-${text}`): ChatTurn => ({ id, role, text });

/** A clock the test moves by hand, so "newest first" does not depend on timing. */
function clock(start = 1_000): { now: () => number; tick: () => void } {
  let t = start;
  return { now: () => t, tick: () => void (t += 1000) };
}

describe('chat threads', () => {
  it('starts with one empty thread and reuses it for New chat while it is empty', () => {
    const th = new ChatThreads(new MemoryStore());
    assert.equal(th.list().length, 1);
    const first = th.active.id;
    assert.equal(th.create().id, first, 'an empty open thread is reused');
    assert.equal(th.list().length, 1);
  });

  it('keeps several threads across a reload, the open one and its turns included', async () => {
    const store = new MemoryStore();
    const c = clock();
    const th = new ChatThreads(store, c.now);
    th.active.turns.push(turn('user', 'How do I sort a map?'), turn('assistant', 'Use entries.'));
    th.touch();
    c.tick();
    const second = th.create();
    second.turns.push(turn('user', 'Explain this regex'));
    th.touch();
    await th.save();

    const again = new ChatThreads(store, c.now);
    assert.equal(again.active.id, second.id);
    assert.deepEqual(again.list().map((t) => [t.title, t.turns, t.active]), [
      ['Explain this regex', 1, true],
      ['How do I sort a map?', 2, false],
    ]);
  });

  it('opens, renames (empty: back to the first question) and deletes threads', async () => {
    const c = clock();
    const th = new ChatThreads(new MemoryStore(), c.now);
    const a = th.active;
    a.turns.push(turn('user', 'first question\nwith a second line'));
    c.tick();
    th.touch();
    const b = th.create();
    b.turns.push(turn('user', 'second question'));
    c.tick();
    th.touch();

    assert.ok(th.select(a.id));
    assert.equal(th.active.id, a.id);
    assert.equal(th.select('no-such-thread'), false);
    assert.equal(th.active.id, a.id);

    th.rename(a.id, '  Sorting   maps ');
    assert.equal(th.list().find((t) => t.id === a.id)?.title, 'Sorting maps');
    th.rename(a.id, 'x'.repeat(500));
    assert.equal(th.get(a.id)?.title.length, MAX_TITLE);
    th.rename(a.id, '   ');
    assert.equal(th.list().find((t) => t.id === a.id)?.title, 'first question');

    // Deleting the open thread opens the newest one left; deleting the last leaves a new empty one.
    th.delete(a.id);
    assert.equal(th.active.id, b.id);
    assert.equal(th.get(a.id), undefined);
    th.delete(b.id);
    assert.equal(th.list().length, 1);
    assert.deepEqual(th.active.turns, []);
  });

  it('moves the single history of earlier versions into a thread, once', async () => {
    const store = new MemoryStore();
    await store.update(LEGACY_HISTORY_KEY, [turn('user', 'old question'), turn('assistant', 'old answer'), { bogus: true }]);
    const th = new ChatThreads(store);
    assert.deepEqual(th.active.turns.map((t) => t.text), ['old question', 'old answer']);
    await th.save();
    assert.equal(store.get(LEGACY_HISTORY_KEY), undefined, 'the old key is cleared');
    const again = new ChatThreads(store);
    assert.equal(again.list().length, 1, 'not moved a second time');
    assert.equal(again.active.turns[0].text, 'old question');
  });

  it('ignores malformed stored data instead of failing', () => {
    const store = new MemoryStore();
    store.data.set(THREADS_KEY, { version: 1, active: 7, threads: [null, { id: 'x' }, { id: 'ok', title: '', created: 1, updated: 1, turns: [null, turn('user', 'kept')] }] });
    const th = new ChatThreads(store);
    assert.equal(th.list().length, 1);
    assert.deepEqual(th.active.turns.map((t) => t.text), ['kept']);
  });

  it(`keeps at most ${MAX_THREADS} threads, dropping the oldest and never the open one`, async () => {
    const store = new MemoryStore();
    const c = clock();
    const th = new ChatThreads(store, c.now);
    const oldest = th.active;
    oldest.turns.push(turn('user', 'q0'));
    for (let i = 1; i <= MAX_THREADS + 4; i++) {
      c.tick();
      th.create().turns.push(turn('user', `q${i}`));
      th.touch();
    }
    th.select(oldest.id);
    await th.save();
    const titles = new ChatThreads(store, c.now).list().map((t) => t.title);
    assert.equal(titles.length, MAX_THREADS);
    assert.ok(titles.includes('q0'), 'the open thread stays');
    assert.ok(!titles.includes('q1') && titles.includes(`q${MAX_THREADS + 4}`));
  });

  it('titles a thread by its first question and exports it as Markdown', () => {
    assert.equal(threadTitle([]), 'New chat');
    assert.equal(threadTitle([turn('assistant', 'hi'), turn('user', '\n\n  What does this do?  \nmore')]), 'What does this do?');
    assert.equal(threadTitle([turn('user', 'y'.repeat(200))]).length, MAX_TITLE);
    const md = threadToMarkdown({
      id: 't', title: '', created: Date.UTC(2026, 11, 7, 9, 30), updated: 0,
      turns: [
        { ...turn('user', 'Why?'), chips: [{ label: 'a.ts:1-3' }] },
        { ...turn('assistant', '```ts\nlet a = 1;\n```\n'), note: 'stopped' },
      ],
    });
    assert.equal(md, [
      '# Why?', '', '_Hearth chat, 2026-12-07 09:30 UTC_', '',
      '## You', '', 'Context: `a.ts:1-3`', '', 'Why?', '',
      '## Hearth', '', '```ts\nlet a = 1;\n```', '', '_(stopped)_', '',
    ].join('\n'));
  });
});
