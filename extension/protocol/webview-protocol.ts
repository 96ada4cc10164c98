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
  | { type: 'busy'; busy: boolean };

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

const STRING_FIELD: Partial<Record<FromWebview['type'], string>> = {
  send: 'text',
  draft: 'text',
  copy: 'code',
  insert: 'code',
  apply: 'code',
  removeChip: 'id',
};

/** Messages from a webview are untrusted input: check the shape before use. */
export function isFromWebview(v: unknown): v is FromWebview {
  if (typeof v !== 'object' || v === null) return false;
  const type = (v as { type?: unknown }).type;
  const known = ['ready', 'send', 'stop', 'newChat', 'draft', 'copy', 'insert', 'apply', 'addCurrentFile', 'addSelection', 'pickFile', 'removeChip'];
  if (typeof type !== 'string' || !known.includes(type)) return false;
  const field = STRING_FIELD[type as FromWebview['type']];
  return field === undefined || typeof (v as Record<string, unknown>)[field] === 'string';
}
