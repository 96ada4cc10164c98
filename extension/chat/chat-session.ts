/**
 * A chat: its turns, the context chips waiting for the next question, the
 * prompt sent to the engine (trimmed to the context window, oldest turns
 * first), and persistence through a Memento-like store. No vscode imports.
 */
import type { ChatMessage, EnginePort } from '../host/engine-port';
import type { ChatTurn, ContextChip, TokenUsage } from '../protocol/webview-protocol';
import type { TokenCounter } from '../completion/fim-prompt';
import { estimateTokens } from '../completion/fim-prompt';
import { isAbort } from '../engine/errors';

export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export const HISTORY_KEY = 'hearth.chat.history';
const MAX_STORED_TURNS = 200;

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

let counter = 0;
const newId = (): string => `${Date.now().toString(36)}-${(counter++).toString(36)}`;

export class ChatSession {
  turns: ChatTurn[];
  chips: ContextChip[] = [];
  private running: AbortController | null = null;

  constructor(
    private readonly store: KeyValueStore,
    private readonly limits: () => ChatLimits,
    private readonly count: TokenCounter = estimateTokens,
  ) {
    const saved = store.get<ChatTurn[]>(HISTORY_KEY);
    this.turns = Array.isArray(saved) ? saved.filter((t) => t && typeof t.text === 'string') : [];
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

  async clear(): Promise<void> {
    this.stop();
    this.turns = [];
    this.chips = [];
    await this.save();
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
    events.turnStart(user);
    events.turnStart(answer);
    const controller = new AbortController();
    this.running = controller;
    try {
      for await (const piece of engine.chat(messages, { maxTokens: limits.replyTokens }, controller.signal)) {
        answer.text += piece;
        events.delta(answer.id, piece);
      }
      events.turnEnd(answer.id);
    } catch (err) {
      answer.note = isAbort(err) ? 'stopped' : `error: ${(err as Error).message}`;
      events.turnEnd(answer.id, answer.note);
    } finally {
      if (this.running === controller) this.running = null;
      await this.save();
    }
  }

  private async save(): Promise<void> {
    await this.store.update(HISTORY_KEY, this.turns.slice(-MAX_STORED_TURNS));
  }
}
