import { strict as assert } from 'assert';
import { ChatSession, buildChatMessages } from '../../extension/chat/chat-session';
import { CompletionEngine, DEFAULT_COMPLETION_SETTINGS } from '../../extension/completion/completion-engine';
import { ChunkRing } from '../../extension/completion/chunk-ring';
import { FakeEngine, fakeChatReplyFor } from '../../extension/host/fake-engine';
import { inProcessEngine } from '../../extension/host/in-process-engine';
import type { ChatMessage, EnginePort, FimRequest, TextStream } from '../../extension/host/engine-port';
import { extractCode } from '../../extension/commands/edit-commands-pure';
import type { ChatTurn } from '../../extension/protocol/webview-protocol';
import { MemoryStore } from './helpers/memory-store';


/** An engine that streams given pieces and records the requests it saw. */
class ScriptedEngine extends FakeEngine {
  seen: FimRequest[] = [];
  constructor(private readonly pieces: string[]) {
    super();
  }
  override complete(request: FimRequest, signal: AbortSignal): AsyncIterable<string> {
    this.seen.push(request);
    const pieces = this.pieces;
    return (async function* () {
      for (const p of pieces) {
        if (signal.aborted) throw Object.assign(new Error('aborted'), { code: 'E_ABORTED' });
        yield p;
      }
    })();
  }
}

const noop = { turnStart: () => {}, delta: () => {}, turnEnd: () => {} };

describe('chat session', () => {
  it('streams an answer, keeps history and survives a reload of the store', async () => {
    const store = new MemoryStore();
    const engine = inProcessEngine(new FakeEngine());
    await engine.load(__filename, {});
    const s = new ChatSession(store, () => ({ contextTokens: 4096, replyTokens: 256 }));
    s.addChip({ kind: 'selection', label: 'a.ts:1-2', text: 'let a = 1;' });
    let streamed = '';
    await s.ask(engine, 'What is this?', { ...noop, delta: (_id, t) => (streamed += t) });
    assert.equal(s.turns.length, 2);
    assert.equal(s.turns[0].text, 'What is this?');
    assert.match(s.turns[0].context ?? '', /let a = 1;/);
    assert.equal(s.turns[1].text, streamed);
    assert.equal(s.chips.length, 0, 'chips are used once');
    const again = new ChatSession(store, () => ({ contextTokens: 4096, replyTokens: 256 }));
    assert.deepEqual(again.turns, s.turns);
    // New chat: an empty thread opens, the first stays in the history.
    const first = again.threads.active.id;
    await again.newThread();
    assert.deepEqual(again.turns, []);
    assert.deepEqual(again.threads.list().map((t) => t.turns), [0, 2]);
    const third = new ChatSession(store, () => ({ contextTokens: 4096, replyTokens: 256 }));
    assert.equal(third.turns.length, 0, 'the new thread is the open one after a reload');
    assert.ok(await third.openThread(first));
    assert.equal(third.turns[0].text, 'What is this?');
    await engine.dispose();
  });

  it('stops a streaming answer and notes it', async () => {
    const engine = inProcessEngine(new FakeEngine(10));
    await engine.load(__filename, {});
    const s = new ChatSession(new MemoryStore(), () => ({ contextTokens: 4096, replyTokens: 256 }));
    let note: string | undefined;
    await s.ask(engine, 'long', { ...noop, delta: () => s.stop(), turnEnd: (_id, n) => (note = n) });
    assert.equal(note, 'stopped');
    assert.ok(s.turns[1].text.length < fakeChatReplyFor([{ role: 'user', content: 'long' }]).length);
    await engine.dispose();
  });

  it('carries the engine\'s stop reason through the engine protocol: a reply cut at the token limit says so', async () => {
    class LengthEngine extends FakeEngine {
      override chat(): TextStream {
        return (async function* () {
          yield 'a long ';
          yield 'answer';
          return 'length' as const;
        })();
      }
    }
    for (const [reason, note] of [['length', /cut at the reply limit of 256 tokens \(hearth\.chat\.replyTokens\)/], ['eog', undefined]] as const) {
      const engine = inProcessEngine(reason === 'length' ? new LengthEngine() : new FakeEngine());
      await engine.load(__filename, {});
      const s = new ChatSession(new MemoryStore(), () => ({ contextTokens: 4096, replyTokens: 256 }));
      let ended: string | undefined = 'not ended';
      await s.ask(engine, 'q', { ...noop, turnEnd: (_id, n) => (ended = n) });
      if (note) {
        assert.match(ended ?? '', note);
        assert.equal(s.turns[1].text, 'a long answer');
        assert.match(s.turns[1].note ?? '', note);
      } else {
        assert.equal(ended, undefined, 'a reply that ended by itself has no note');
      }
      await engine.dispose();
    }
  });

  it('drops the oldest turns when the window is full', () => {
    const turns: ChatTurn[] = Array.from({ length: 10 }, (_, i) => ({ id: `${i}`, role: i % 2 ? 'assistant' : 'user', text: `turn ${i} `.repeat(40) }));
    const msgs = buildChatMessages(turns, 'q', undefined, { contextTokens: 400, replyTokens: 100 }, (t) => Math.ceil(t.length / 4));
    assert.equal(msgs[0].role, 'system');
    assert.equal(msgs[msgs.length - 1].content, 'q');
    assert.ok(msgs.length < 12 && msgs.length > 2, `${msgs.length} messages`);
    assert.match(msgs[msgs.length - 2].content, /turn 9/);
  });
});

describe('completion engine (fake engine, no vscode)', () => {
  const settings = () => ({ ...DEFAULT_COMPLETION_SETTINGS, stopStrings: ['<|endoftext|>'] });

  it('stops at the rules, aborts the engine, postprocesses and caches', async () => {
    const engine = new ScriptedEngine(['x + 1;\n', '  }\n', 'more()', '<|endoftext|>']);
    await engine.load(__filename, {});
    const ring = new ChunkRing();
    ring.add('other.ts', 'export const other = 1;');
    const c = new CompletionEngine(() => engine as EnginePort, ring, settings);
    const text = 'function f(x) {\n  return \n}\n';
    const offset = text.indexOf('return ') + 7;
    const r = await c.complete({ relPath: 'a.ts', text, offset });
    assert.deepEqual(r.suggestion, { text: 'x + 1;', replaceChars: 0 });
    assert.equal(engine.seen[0].chunks[0].path, 'other.ts');
    assert.equal(engine.seen[0].prefix, text.slice(0, offset));
    // The splice bound the settings carry reaches the engine (0 would mean exact).
    assert.equal(engine.seen[0].spliceDrift, settings().spliceDrift);
    assert.ok((engine.seen[0].spliceDrift ?? 0) > 0);
    // Typing through the suggestion: served from the cache, no new request.
    const r2 = await c.complete({ relPath: 'a.ts', text: text.slice(0, offset) + 'x +' + text.slice(offset), offset: offset + 3 });
    assert.equal(r2.fromCache, true);
    assert.equal(r2.suggestion?.text, ' 1;');
    assert.equal(engine.seen.length, 1);
  });

  it('a new request cancels the one in flight', async () => {
    const engine = inProcessEngine(new FakeEngine(20));
    await engine.load(__filename, {});
    const c = new CompletionEngine(() => engine, new ChunkRing(), settings);
    const first = c.complete({ relPath: 'a.ts', text: 'let a = ', offset: 8 });
    await new Promise((r) => setTimeout(r, 30));
    const second = await c.complete({ relPath: 'a.ts', text: 'let b = ', offset: 8 });
    assert.equal(second.suggestion?.text, 'b_value + 1;');
    await assert.rejects(first, (e: { code?: string }) => e.code === 'E_ABORTED');
    await engine.dispose();
  });

  it('extracts the code of a rewrite reply', () => {
    assert.deepEqual(extractCode('Here:\n```js\nconst a = 1;\n```\nDone'), { code: 'const a = 1;', complete: true });
    assert.deepEqual(extractCode('plain'), { code: 'plain', complete: true });
    const m: ChatMessage[] = [{ role: 'user', content: 'x' }];
    assert.ok(fakeChatReplyFor(m).includes('x'));
  });
});
