/**
 * The chat: the open thread's turns (chat-threads.ts keeps the threads), the
 * context chips waiting for the next question, and the prompt sent to the
 * engine (trimmed to the context window, oldest turns first). No vscode imports.
 */
import { consume, type ChatMessage, type EnginePort } from '../host/engine-port';
import type { ChatTurn, ContextChip, TokenUsage } from '../protocol/webview-protocol';
import type { TokenCounter } from '../completion/fim-prompt';
import { estimateTokens } from '../completion/fim-prompt';
import { isAbort } from '../engine/errors';

import { ChatThreads, newId, type KeyValueStore } from './chat-threads';

export const CHAT_SYSTEM_PROMPT =
  'You are Hearth, a concise coding assistant running locally. Answer in Markdown; put code in fenced blocks with a language.';

export interface ChatLimits {
  contextTokens: number;
  replyTokens: number;
}

export function chipsToText(chips: ContextChip[]): string {
  return chips.map((c) => `${c.kind === 'selection' ? 'Selected code' : 'File'} ${c.label}:\n\`\`\`\n${c.text}\n\`\`\``).join('\n\n');
}

/** The engine messages for a chat: system, then as many recent turns as fit. */
export function buildChatMessages(turns: ChatTurn[], pending: string, chips: ContextChip[], limits: ChatLimits, count: TokenCounter): ChatMessage[] {
  const question = chips.length ? `${chipsToText(chips)}\n\n${pending}` : pending;
  const system: ChatMessage = { role: 'system', content: CHAT_SYSTEM_PROMPT };
  let budget = limits.contextTokens - limits.replyTokens - count(system.content) - count(question);
  const history: ChatMessage[] = [];
  for (let i = turns.length - 1; i >= 0; i--) {
    const content = turns[i].context ? `${turns[i].context}\n\n${turns[i].text}` : turns[i].text;
    const cost = count(content) + 4;
    if (cost > budget) break;
    budget -= cost;
    history.unshift({ role: turns[i].role, content });
  }
  return [system, ...history, { role: 'user', content: question }];
}

export interface ChatEvents {
  turnStart(turn: ChatTurn): void;
  delta(id: string, text: string): void;
  turnEnd(id: string, note?: string): void;
}

export class ChatSession {
  readonly threads: ChatThreads;
  chips: ContextChip[] = [];
  private running: AbortController | null = null;

  constructor(
    store: KeyValueStore,
    private readonly limits: () => ChatLimits,
    private readonly count: TokenCounter = estimateTokens,
  ) {
    this.threads = new ChatThreads(store);
  }

  /** The open thread's turns. */
  get turns(): ChatTurn[] {
    return this.threads.active.turns;
  }

  get busy(): boolean {
    return this.running !== null;
  }

  addChip(chip: Omit<ContextChip, 'id'>): void {
    this.chips = [...this.chips.filter((c) => c.label !== chip.label), { ...chip, id: newId() }];
  }

  removeChip(id: string): void {
    this.chips = this.chips.filter((c) => c.id !== id);
  }

  /** Tokens the next question would use with this draft. */
  usage(draft: string): TokenUsage {
    const l = this.limits();
    const msgs = buildChatMessages(this.turns, draft, this.chips, { ...l, contextTokens: Number.MAX_SAFE_INTEGER }, this.count);
    const used = msgs.reduce((s, m) => s + this.count(m.content) + 4, 0) + l.replyTokens;
    return { used, limit: l.contextTokens };
  }

  /** "New chat": a new empty thread; the old one stays in the history. */
  async newThread(): Promise<void> {
    this.stop();
    this.chips = [];
    this.threads.create();
    await this.threads.save();
  }

  /** Opens another thread (an answer still streaming is stopped first; what it has so far is kept). */
  async openThread(id: string): Promise<boolean> {
    if (!this.threads.get(id)) return false;
    this.stop();
    this.threads.select(id);
    await this.threads.save();
    return true;
  }

  async renameThread(id: string, title: string): Promise<void> {
    this.threads.rename(id, title);
    await this.threads.save();
  }

  async deleteThread(id: string): Promise<void> {
    if (id === this.threads.active.id) this.stop();
    this.threads.delete(id);
    await this.threads.save();
  }

  stop(): void {
    this.running?.abort();
  }

  /** Asks the engine; streams the answer through `events`. */
  async ask(engine: EnginePort, text: string, events: ChatEvents): Promise<void> {
    if (this.running) this.stop();
    const chips = this.chips;
    const limits = this.limits();
    const messages = buildChatMessages(this.turns, text, chips, limits, this.count);
    // The chips' text stays in history (not shown) so follow-ups still see it.
    const user: ChatTurn = { id: newId(), role: 'user', text, chips: chips.map((c) => ({ label: c.label })), context: chips.length ? chipsToText(chips) : undefined };
    this.chips = [];
    const answer: ChatTurn = { id: newId(), role: 'assistant', text: '' };
    this.turns.push(user, answer);
    this.threads.touch();
    // Kept before the answer streams: a window closed meanwhile keeps the question.
    void this.threads.save();
    events.turnStart(user);
    events.turnStart(answer);
    const controller = new AbortController();
    this.running = controller;
    try {
      const reason = await consume(engine.chat(messages, { maxTokens: limits.replyTokens }, controller.signal), (piece) => {
        answer.text += piece;
        events.delta(answer.id, piece);
      });
      // A reply cut at the token limit says so, and which setting raises it.
      if (reason === 'length') answer.note = `cut at the reply limit of ${limits.replyTokens} tokens (hearth.chat.replyTokens)`;
      events.turnEnd(answer.id, answer.note);
    } catch (err) {
      answer.note = isAbort(err) ? 'stopped' : `error: ${(err as Error).message}`;
      events.turnEnd(answer.id, answer.note);
    } finally {
      if (this.running === controller) this.running = null;
      await this.threads.save();
    }
  }
}
