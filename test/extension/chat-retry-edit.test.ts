/**
 * Chat: Retry, Edit-and-resend, and the chat settings (system prompt,
 * temperature) reaching the engine.
 */
import { strict as assert } from 'assert';
import { ChatSession, CHAT_SYSTEM_PROMPT, type ChatSettings } from '../../extension/chat/chat-session';
import { FakeEngine } from '../../extension/host/fake-engine';
import type { ChatMessage, ChatOptions, TextStream } from '../../extension/host/engine-port';
import { MemoryStore } from './helpers/memory-store';


/** Answers "answer N to <question>" and records what each request carried. */
class RecordingEngine extends FakeEngine {
  requests: { messages: ChatMessage[]; options: ChatOptions }[] = [];
  override chat(messages: ChatMessage[], options: ChatOptions): TextStream {
    this.requests.push({ messages, options });
    const n = this.requests.length;
    return (async function* () {
      yield `answer ${n} to ${messages[messages.length - 1].content}`;
      return 'eog' as const;
    })();
  }
}

const noop = { turnStart: () => {}, delta: () => {}, turnEnd: () => {} };
const settings = (extra: Partial<ChatSettings> = {}): (() => ChatSettings) => () => ({ contextTokens: 4096, replyTokens: 256, ...extra });

describe('chat: retry, edit and resend, settings', () => {
  it('Retry asks the last question again, with its context, in place of its answer', async () => {
    const engine = new RecordingEngine();
    const s = new ChatSession(new MemoryStore(), settings());
    await s.ask(engine, 'first', noop);
    s.addChip({ kind: 'selection', label: 'a.ts:1-1', text: 'let a = 1;' });
    await s.ask(engine, 'second', noop);
    assert.equal(s.retryable, s.turns[2].id);
    const started: string[] = [];
    assert.equal(await s.retry(engine, { ...noop, turnStart: (t) => started.push(`${t.role}:${t.text}`) }), true);
    assert.deepEqual(s.turns.map((t) => t.text), ['first', 'answer 1 to first', 'second', `answer 3 to ${s.turns[2].context}\n\nsecond`]);
    assert.match(s.turns[2].context ?? '', /let a = 1;/, 'the retried question keeps its context');
    assert.deepEqual(s.turns[2].chips?.map((c) => c.label), ['a.ts:1-1']);
    assert.ok((s.turns[2].chips?.[0].tokens ?? 0) > 0, 'with its token count');
    assert.deepEqual(started, ['user:second', 'assistant:'], 'the new exchange is announced to the view');
    // The retried request is the same as the first one: the earlier answer is not in it.
    assert.deepEqual(engine.requests[2].messages, engine.requests[1].messages);
  });

  it('Retry does nothing on an empty thread', async () => {
    const s = new ChatSession(new MemoryStore(), settings());
    assert.equal(s.retryable, null);
    assert.equal(await s.retry(new RecordingEngine(), noop), false);
  });

  it('Edit and resend replaces the question and everything after it, keeping its context', async () => {
    const engine = new RecordingEngine();
    const store = new MemoryStore();
    const s = new ChatSession(store, settings());
    s.addChip({ kind: 'file', label: 'b.ts', text: 'export const b = 2;' });
    await s.ask(engine, 'what is b?', noop);
    await s.ask(engine, 'and c?', noop);
    const firstId = s.turns[0].id;
    assert.equal(await s.resend(engine, firstId, 'what is b, in words?', noop), true);
    assert.equal(s.turns.length, 2, 'the later exchange is gone');
    assert.equal(s.turns[0].text, 'what is b, in words?');
    assert.notEqual(s.turns[0].id, firstId);
    assert.match(s.turns[0].context ?? '', /export const b = 2;/);
    const last = engine.requests[engine.requests.length - 1].messages;
    assert.equal(last.length, 2, 'system + the edited question: no trace of the replaced turns');
    assert.match(last[1].content, /export const b = 2;[\s\S]*what is b, in words\?$/);
    // Persisted: a reload sees the edited thread.
    assert.deepEqual(new ChatSession(store, settings()).turns.map((t) => t.text), s.turns.map((t) => t.text));
  });

  it('Edit and resend refuses an id that is not a question of the open thread', async () => {
    const engine = new RecordingEngine();
    const s = new ChatSession(new MemoryStore(), settings());
    await s.ask(engine, 'q', noop);
    assert.equal(await s.resend(engine, s.turns[1].id, 'x', noop), false, 'an answer is not editable');
    assert.equal(await s.resend(engine, 'nope', 'x', noop), false);
    assert.equal(s.turns.length, 2);
    assert.equal(engine.requests.length, 1);
  });

  it('the system prompt and temperature settings reach the engine; empty or 0 mean the defaults', async () => {
    const engine = new RecordingEngine();
    let current: Partial<ChatSettings> = { systemPrompt: 'Answer in French.', temperature: 0.7 };
    const s = new ChatSession(new MemoryStore(), () => ({ contextTokens: 4096, replyTokens: 99, ...current }));
    await s.ask(engine, 'q1', noop);
    assert.equal(engine.requests[0].messages[0].content, 'Answer in French.');
    assert.deepEqual(engine.requests[0].options, { maxTokens: 99, temperature: 0.7 });
    current = { systemPrompt: '   ', temperature: 0 };
    await s.ask(engine, 'q2', noop);
    assert.equal(engine.requests[1].messages[0].content, CHAT_SYSTEM_PROMPT);
    assert.deepEqual(engine.requests[1].options, { maxTokens: 99 }, 'greedy: no temperature sent');
  });
});
