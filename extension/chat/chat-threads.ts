/**
 * The chat threads of one workspace: which exist, which is open, their titles,
 * and their Markdown export, persisted through a Memento-like store. "New
 * chat" starts a thread and keeps the others; deleting is the only way one
 * goes. No vscode imports.
 */
import type { ChatTurn } from '../protocol/webview-protocol';

export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export interface ChatThread {
  id: string;
  /** Empty until named: the first question names it (threadTitle). */
  title: string;
  created: number;
  updated: number;
  turns: ChatTurn[];
}

/** What the history list shows of a thread. */
export interface ThreadSummary {
  id: string;
  title: string;
  updated: number;
  turns: number;
  active: boolean;
}

interface StoredThreads {
  version: 1;
  active: string;
  threads: ChatThread[];
}

export const THREADS_KEY = 'hearth.chat.threads';
/** Where the single chat of earlier versions was kept; read once, then moved into a thread. */
export const LEGACY_HISTORY_KEY = 'hearth.chat.history';
export const MAX_THREADS = 50;
export const MAX_STORED_TURNS = 200;
export const MAX_TITLE = 80;
const UNTITLED = 'New chat';

let counter = 0;
export const newId = (): string => `${Date.now().toString(36)}-${(counter++).toString(36)}`;

/** A thread's name from its first question: the first non-empty line, cut to MAX_TITLE characters. */
export function threadTitle(turns: ChatTurn[]): string {
  const first = turns.find((t) => t.role === 'user' && t.text.trim() !== '');
  if (!first) return UNTITLED;
  const line = first.text.split('\n').find((l) => l.trim() !== '')!.trim();
  return line.length > MAX_TITLE ? `${line.slice(0, MAX_TITLE - 1)}…` : line;
}

/** What the list shows: the given title, else the one the first question gives. */
export function displayTitle(t: ChatThread): string {
  return t.title || threadTitle(t.turns);
}

/** The whole thread as a Markdown document: a heading, then each turn under its speaker. */
export function threadToMarkdown(t: ChatThread): string {
  const out = [`# ${displayTitle(t)}`, '', `_Hearth chat, ${new Date(t.created).toISOString().slice(0, 16).replace('T', ' ')} UTC_`, ''];
  for (const turn of t.turns) {
    out.push(turn.role === 'user' ? '## You' : '## Hearth', '');
    if (turn.chips?.length) out.push(`Context: ${turn.chips.map((c) => `\`${c.label}\``).join(', ')}`, '');
    out.push(turn.text.trimEnd() || '_(no answer)_', '');
    if (turn.note) out.push(`_(${turn.note})_`, '');
  }
  return out.join('\n');
}

function isTurn(t: unknown): t is ChatTurn {
  const v = t as ChatTurn;
  return typeof v === 'object' && v !== null && typeof v.text === 'string' && (v.role === 'user' || v.role === 'assistant') && typeof v.id === 'string';
}

function isThread(t: unknown): t is ChatThread {
  const v = t as ChatThread;
  return typeof v === 'object' && v !== null && typeof v.id === 'string' && typeof v.title === 'string' && Array.isArray(v.turns) &&
    typeof v.created === 'number' && typeof v.updated === 'number';
}

export class ChatThreads {
  private threads: ChatThread[];
  private activeId: string;

  constructor(private readonly store: KeyValueStore, private readonly now: () => number = Date.now) {
    const saved = store.get<StoredThreads>(THREADS_KEY);
    this.threads = saved && Array.isArray(saved.threads)
      ? saved.threads.filter(isThread).map((t) => ({ ...t, turns: t.turns.filter(isTurn) }))
      : [];
    this.activeId = saved && typeof saved.active === 'string' ? saved.active : '';
    const legacy = store.get<unknown[]>(LEGACY_HISTORY_KEY);
    if (Array.isArray(legacy) && legacy.some(isTurn)) {
      // The one chat an earlier version kept becomes a thread of its own.
      const at = this.now();
      const t: ChatThread = { id: newId(), title: '', created: at, updated: at, turns: legacy.filter(isTurn) };
      this.threads.push(t);
      this.activeId = t.id;
      void store.update(LEGACY_HISTORY_KEY, undefined);
      void this.save();
    }
    if (!this.threads.some((t) => t.id === this.activeId)) {
      this.activeId = this.newest()?.id ?? this.add().id;
    }
  }

  get active(): ChatThread {
    return this.threads.find((t) => t.id === this.activeId)!;
  }

  /** Newest first. */
  list(): ThreadSummary[] {
    return [...this.threads]
      .sort((a, b) => b.updated - a.updated)
      .map((t) => ({ id: t.id, title: displayTitle(t), updated: t.updated, turns: t.turns.length, active: t.id === this.activeId }));
  }

  get(id: string): ChatThread | undefined {
    return this.threads.find((t) => t.id === id);
  }

  /** Opens a new empty thread (the open one, when it is still empty). */
  create(): ChatThread {
    if (this.active.turns.length === 0) return this.active;
    const t = this.add();
    this.activeId = t.id;
    return t;
  }

  /** Opens thread `id`; false when there is none. */
  select(id: string): boolean {
    if (!this.get(id)) return false;
    this.activeId = id;
    return true;
  }

  /** Names thread `id`; an empty name goes back to the first question's. */
  rename(id: string, title: string): void {
    const t = this.get(id);
    if (!t) return;
    const clean = title.replace(/\s+/g, ' ').trim();
    t.title = clean.length > MAX_TITLE ? clean.slice(0, MAX_TITLE) : clean;
  }

  /** Deletes thread `id`; the open one is then the newest left, or a new empty one. */
  delete(id: string): void {
    this.threads = this.threads.filter((t) => t.id !== id);
    if (this.activeId === id || !this.get(this.activeId)) this.activeId = this.newest()?.id ?? this.add().id;
  }

  /** Marks the open thread as changed now (it moves to the top of the list). */
  touch(): void {
    this.active.updated = this.now();
  }

  async save(): Promise<void> {
    // The oldest threads beyond MAX_THREADS go, never the open one.
    const others = this.threads.filter((t) => t.id !== this.activeId).sort((a, b) => b.updated - a.updated);
    const keep = new Set([this.active, ...others.slice(0, MAX_THREADS - 1)]);
    this.threads = this.threads.filter((t) => keep.has(t));
    const stored: StoredThreads = {
      version: 1,
      active: this.activeId,
      threads: this.threads.map((t) => ({ ...t, turns: t.turns.slice(-MAX_STORED_TURNS) })),
    };
    await this.store.update(THREADS_KEY, stored);
  }

  private newest(): ChatThread | undefined {
    return [...this.threads].sort((a, b) => b.updated - a.updated)[0];
  }

  private add(): ChatThread {
    const at = this.now();
    const t: ChatThread = { id: newId(), title: '', created: at, updated: at, turns: [] };
    this.threads.push(t);
    return t;
  }
}
