/**
 * The one message protocol between the extension and the chat webview. Both
 * sides import this file; it must stay free of vscode and DOM imports.
 */

/** Context attached to a question: the current file, the selection, or a picked file. */
export interface ContextChip {
  id: string;
  kind: 'file' | 'selection';
  label: string;
  /** Text sent to the model; the webview only shows the label. */
  text: string;
}

export interface ChatTurn {
  id: string;
  role: 'user' | 'assistant';
  text: string;
  chips?: { label: string }[];
  /** Context text the model saw with this turn (not shown). */
  context?: string;
  /** Set when the answer ended with an error or was stopped. */
  note?: string;
}

export interface TokenUsage {
  used: number;
  limit: number;
}

export type ToWebview =
  | { type: 'state'; turns: ChatTurn[]; chips: ContextChip[]; usage: TokenUsage; busy: boolean; model: string | null }
  | { type: 'turnStart'; turn: ChatTurn }
  | { type: 'delta'; id: string; text: string }
  | { type: 'turnEnd'; id: string; note?: string }
  | { type: 'chips'; chips: ContextChip[] }
  | { type: 'usage'; usage: TokenUsage }
  | { type: 'busy'; busy: boolean }
  // The answer to a 'send': accepted (the input may be cleared) or not, with why, shown in the thread.
  | { type: 'sendResult'; text: string; accepted: boolean; reason?: string };

/** Longest text a webview message may carry (a question, a draft, a code block), in UTF-16 code units. */
export const MAX_WEBVIEW_TEXT = 1 << 20;

export type FromWebview =
  | { type: 'ready' }
  | { type: 'send'; text: string }
  | { type: 'stop' }
  | { type: 'newChat' }
  | { type: 'draft'; text: string }
  | { type: 'copy'; code: string }
  | { type: 'insert'; code: string }
  | { type: 'apply'; code: string }
  | { type: 'addCurrentFile' }
  | { type: 'addSelection' }
  | { type: 'pickFile' }
  | { type: 'removeChip'; id: string };

/** The string field each message type carries, and its longest accepted length. */
const STRING_FIELD: Partial<Record<FromWebview['type'], { name: string; max: number }>> = {
  send: { name: 'text', max: MAX_WEBVIEW_TEXT },
  draft: { name: 'text', max: MAX_WEBVIEW_TEXT },
  copy: { name: 'code', max: MAX_WEBVIEW_TEXT },
  insert: { name: 'code', max: MAX_WEBVIEW_TEXT },
  apply: { name: 'code', max: MAX_WEBVIEW_TEXT },
  removeChip: { name: 'id', max: 200 },
};

const KNOWN_TYPES: readonly FromWebview['type'][] = ['ready', 'send', 'stop', 'newChat', 'draft', 'copy', 'insert', 'apply', 'addCurrentFile', 'addSelection', 'pickFile', 'removeChip'];

/**
 * Messages from a webview are untrusted input: check the shape before use.
 * A known type (own property, not inherited), its one string field present
 * and within bounds; anything else is refused.
 */
export function isFromWebview(v: unknown): v is FromWebview {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const type = Object.prototype.hasOwnProperty.call(v, 'type') ? (v as { type?: unknown }).type : undefined;
  if (typeof type !== 'string' || !(KNOWN_TYPES as readonly string[]).includes(type)) return false;
  const field = STRING_FIELD[type as FromWebview['type']];
  if (field === undefined) return true;
  const value = Object.prototype.hasOwnProperty.call(v, field.name) ? (v as Record<string, unknown>)[field.name] : undefined;
  return typeof value === 'string' && value.length <= field.max;
}
