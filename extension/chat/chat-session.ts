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

/** The chat's settings (hearth.chat.*), read at each question. */
export interface ChatSettings {
  contextTokens: number;
  replyTokens: number;
  /** 0: greedy (the default: the same question gets the same answer). */
  temperature?: number;
  /** The user's system prompt; empty or unset: CHAT_SYSTEM_PROMPT. */
  systemPrompt?: string;
}

/** How the model is told what each kind of context is. */
const CHIP_HEADING: Record<ContextChip['kind'], string> = {
  file: 'File',
  selection: 'Selected code',
  problems: 'Problems reported in the workspace',
  diff: 'Git changes',
  symbol: 'Symbol',
};

export function chipsToText(chips: ContextChip[]): string {
  return chips.map((c) => `${CHIP_HEADING[c.kind]} ${c.label}:\n\`\`\`${c.kind === 'diff' ? 'diff' : ''}\n${c.text}\n\`\`\``).join('\n\n');
}

/**
 * The engine messages for a chat: the system prompt, then as many recent
 * whole turns as fit, then the question with its context. An old turn is
 * left out whole, never cut, and the system prompt always stays (the chat
 * template frames what is sent, so no framing is lost either).
 */
export function buildChatMessages(turns: ChatTurn[], pending: string, context: string | undefined, limits: ChatSettings, count: TokenCounter): ChatMessage[] {
  const question = context ? `${context}\n\n${pending}` : pending;
  const system: ChatMessage = { role: 'system', content: limits.systemPrompt?.trim() || CHAT_SYSTEM_PROMPT };
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
    private readonly limits: () => ChatSettings,
    readonly count: TokenCounter = estimateTokens,
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

  /** Attaches context to the next question (one chip per label: the newer replaces the older), counted in tokens. */
  addChip(chip: Omit<ContextChip, 'id'>): void {
    this.chips = [...this.chips.filter((c) => c.label !== chip.label), { ...chip, tokens: chip.tokens ?? this.count(chip.text), id: newId() }];
  }

  removeChip(id: string): void {
    this.chips = this.chips.filter((c) => c.id !== id);
  }

  /** Tokens the next question would use with this draft. */
  usage(draft: string): TokenUsage {
    const l = this.limits();
    const msgs = buildChatMessages(this.turns, draft, this.chips.length ? chipsToText(this.chips) : undefined, { ...l, contextTokens: Number.MAX_SAFE_INTEGER }, this.count);
    const used = msgs.reduce((s, m) => s + this.count(m.content) + 4, 0) + l.replyTokens;
    return { used, limit: l.contextTokens };
  }

  /** The id of the last question, when it can be asked again (its answer ended). */
  get retryable(): string | null {
    const t = this.turns;
    if (this.running || t.length < 2) return null;
    const q = t[t.length - 2];
    return q.role === 'user' && t[t.length - 1].role === 'assistant' ? q.id : null;
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
    this.chips = [];
    // The chips' text stays in history (not shown) so follow-ups still see it.
    const user: ChatTurn = { id: newId(), role: 'user', text, chips: chips.map((c) => ({ label: c.label, tokens: c.tokens })), context: chips.length ? chipsToText(chips) : undefined };
    return this.run(engine, user, events);
  }

  /**
   * Edit and resend: question `id` becomes `text`, keeping the context it was
   * asked with (plus any chips waiting now); it and every turn after it are
   * replaced by the new exchange. False when `id` is not a question of the
   * open thread.
   */
  async resend(engine: EnginePort, id: string, text: string, events: ChatEvents): Promise<boolean> {
    const at = this.turns.findIndex((t) => t.id === id);
    if (at < 0 || this.turns[at].role !== 'user') return false;
    if (this.running) this.stop();
    const old = this.turns[at];
    const chips = this.chips;
    this.chips = [];
    const context = [old.context, chips.length ? chipsToText(chips) : undefined].filter((c): c is string => !!c).join('\n\n') || undefined;
    const labels = [...(old.chips ?? []), ...chips.map((c) => ({ label: c.label, tokens: c.tokens }))];
    this.turns.splice(at);
    const user: ChatTurn = { id: newId(), role: 'user', text, chips: labels, context };
    await this.run(engine, user, events);
    return true;
  }

  /** Asks the last question again (same text, same context) in place of its answer. */
  async retry(engine: EnginePort, events: ChatEvents): Promise<boolean> {
    const id = this.retryable;
    if (!id) return false;
    const at = this.turns.findIndex((t) => t.id === id);
    const old = this.turns[at];
    this.turns.splice(at);
    await this.run(engine, { ...old, id: newId() }, events);
    return true;
  }

  /** The exchange: `user` joins the thread, its answer streams through `events`. */
  private async run(engine: EnginePort, user: ChatTurn, events: ChatEvents): Promise<void> {
    const settings = this.limits();
    const messages = buildChatMessages(this.turns, user.text, user.context, settings, this.count);
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
      const options = { maxTokens: settings.replyTokens, ...(settings.temperature ? { temperature: settings.temperature } : {}) };
      const reason = await consume(engine.chat(messages, options, controller.signal), (piece) => {
        answer.text += piece;
        events.delta(answer.id, piece);
      });
      // A reply cut at the token limit says so, and which setting raises it.
      if (reason === 'length') answer.note = `cut at the reply limit of ${settings.replyTokens} tokens (hearth.chat.replyTokens)`;
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
