/**
 * The one message protocol between the extension and the chat webview. Both
 * sides import this file; it must stay free of vscode and DOM imports.
 */

/** Context attached to a question: a file, the selection, the problems, the git diff or a symbol (buttons or @ mentions). */
export interface ContextChip {
  id: string;
  kind: 'file' | 'selection' | 'problems' | 'diff' | 'symbol';
  label: string;
  /** Text sent to the model; the webview only shows the label. */
  text: string;
  /** What `text` costs in the context window. */
  tokens?: number;
  /** Set when the text was cut to fit, or items were left out. */
  note?: string;
}

export interface ChatTurn {
  id: string;
  role: 'user' | 'assistant';
  text: string;
  chips?: { label: string; tokens?: number }[];
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
  | { type: 'sendResult'; text: string; accepted: boolean; reason?: string }
  // Completions for the input at the cursor (slash commands, @ mentions); `for` is the text they answer.
  | { type: 'suggestions'; for: string; items: InputSuggestion[] };

/** One completion the chat input offers: `insert` replaces the input from offset `from` to the cursor. */
export interface InputSuggestion {
  label: string;
  detail: string;
  insert: string;
  from: number;
}

/** Longest text a webview message may carry (a question, a draft, a code block), in UTF-16 code units. */
export const MAX_WEBVIEW_TEXT = 1 << 20;

export type FromWebview =
  | { type: 'ready' }
  // editOf: the id of an earlier question this text replaces (edit and resend).
  | { type: 'send'; text: string; editOf?: string }
  | { type: 'retry' }
  // The input up to the cursor, to complete.
  | { type: 'suggest'; text: string }
  | { type: 'stop' }
  | { type: 'newChat' }
  | { type: 'draft'; text: string }
  | { type: 'copy'; code: string }
  | { type: 'insert'; code: string }
  | { type: 'apply'; code: string }
  | { type: 'applyToFile'; code: string }
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
  applyToFile: { name: 'code', max: MAX_WEBVIEW_TEXT },
  suggest: { name: 'text', max: MAX_WEBVIEW_TEXT },
  removeChip: { name: 'id', max: 200 },
};

/** Optional string fields: absent, or a string within bounds. */
const OPTIONAL_STRING_FIELD: Partial<Record<FromWebview['type'], { name: string; max: number }>> = {
  send: { name: 'editOf', max: 200 },
};

export const FROM_WEBVIEW_TYPES: readonly FromWebview['type'][] = ['ready', 'send', 'retry', 'suggest', 'stop', 'newChat', 'draft', 'copy', 'insert', 'apply', 'applyToFile', 'addCurrentFile', 'addSelection', 'pickFile', 'removeChip'];

function stringWithin(v: object, field: { name: string; max: number }, optional: boolean): boolean {
  if (!Object.prototype.hasOwnProperty.call(v, field.name)) return optional;
  const value = (v as Record<string, unknown>)[field.name];
  return (optional && value === undefined) || (typeof value === 'string' && value.length <= field.max);
}

/**
 * Messages from a webview are untrusted input: check the shape before use.
 * A known type (own property, not inherited), its string field present and
 * within bounds, an optional one absent or within bounds; anything else is
 * refused.
 */
export function isFromWebview(v: unknown): v is FromWebview {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const type = Object.prototype.hasOwnProperty.call(v, 'type') ? (v as { type?: unknown }).type : undefined;
  if (typeof type !== 'string' || !(FROM_WEBVIEW_TYPES as readonly string[]).includes(type)) return false;
  const field = STRING_FIELD[type as FromWebview['type']];
  const optional = OPTIONAL_STRING_FIELD[type as FromWebview['type']];
  return (field === undefined || stringWithin(v, field, false)) && (optional === undefined || stringWithin(v, optional, true));
}
