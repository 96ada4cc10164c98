/**
 * The chat webview (browser only). Talks to the extension through the shared
 * protocol; all model text goes through render.ts before it becomes DOM, and
 * every other string is set with textContent.
 */
import { createRenderer } from './render';
import type { ChatTurn, ContextChip, FromWebview, InputSuggestion, ToWebview, TokenUsage } from '../extension/protocol/webview-protocol';

interface VsCodeApi {
  postMessage(msg: FromWebview): void;
  getState(): { draft?: string } | undefined;
  setState(s: { draft?: string }): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const render = createRenderer(window);
const send = (m: FromWebview): void => vscode.postMessage(m);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

// ---- layout ----
const app = document.getElementById('app') as HTMLElement;
const header = el('div', { class: 'header' });
const modelLabel = el('span', { id: 'hearth-model', class: 'model' });
const tokens = el('span', { id: 'hearth-tokens', class: 'tokens' });
const newChat = el('button', { id: 'hearth-new', class: 'secondary', title: 'Start a new chat' }, 'New chat');
header.append(modelLabel, tokens, newChat);
const messages = el('div', { id: 'hearth-messages', class: 'messages', role: 'log', 'aria-live': 'polite' });
const empty = el('div', { class: 'empty' }, 'Ask about your code. Attach context with the buttons or by typing @file, @selection, @problems, @git-diff or @symbol; type / for commands.');
const chipsRow = el('div', { id: 'hearth-chips', class: 'chips' });
const tools = el('div', { class: 'tools' });
const addFile = el('button', { id: 'hearth-add-file', class: 'secondary', title: 'Attach the current file' }, '+ File');
const addSel = el('button', { id: 'hearth-add-selection', class: 'secondary', title: 'Attach the selection' }, '+ Selection');
const pick = el('button', { id: 'hearth-pick-file', class: 'secondary', title: 'Attach any file' }, '@ file');
tools.append(addFile, addSel, pick);
const editing = el('div', { id: 'hearth-editing', class: 'editing', hidden: '' });
const editingText = el('span', {}, 'Editing an earlier question: sending replaces it and everything after it.');
const editingCancel = el('a', { id: 'hearth-edit-cancel', role: 'button', class: 'link' }, 'Cancel');
editing.append(editingText, editingCancel);
const suggestions = el('div', { id: 'hearth-suggestions', class: 'suggestions', role: 'listbox', hidden: '' });
const input = el('textarea', { id: 'hearth-input', rows: '3', placeholder: 'Ask Hearth… (Enter to send, Shift+Enter for a new line, / for commands, @ for context)' });
const row = el('div', { class: 'send-row' });
const sendBtn = el('button', { id: 'hearth-send' }, 'Send');
const stopBtn = el('button', { id: 'hearth-stop', class: 'secondary', hidden: '' }, 'Stop');
row.append(sendBtn, stopBtn);
app.append(header, messages, chipsRow, tools, editing, suggestions, input, row);

// ---- state ----
const texts = new Map<string, string>();
let pendingRender = new Set<string>();
let frame = 0;
let busyNow = false;
/** The id of the question being edited, while the input holds its new text. */
let editOf: string | null = null;

function setUsage(u: TokenUsage): void {
  tokens.textContent = `${u.used} / ${u.limit} tokens`;
  tokens.classList.toggle('over', u.used > u.limit);
  tokens.classList.toggle('near', u.used <= u.limit && u.used > u.limit * 0.8);
  tokens.title = u.used > u.limit ? 'Over the context window: older turns will be left out' : 'Tokens the next question uses';
}

function setBusy(busy: boolean): void {
  busyNow = busy;
  stopBtn.hidden = !busy;
  sendBtn.disabled = busy;
  messages.classList.toggle('busy', busy);
  updateRetry();
}

/** Retry shows on the last answer only, once it has ended. */
function updateRetry(): void {
  for (const b of Array.from(messages.querySelectorAll('.retry'))) b.remove();
  const turns = messages.querySelectorAll<HTMLElement>('.turn.user, .turn.assistant');
  const last = turns[turns.length - 1];
  if (busyNow || !last || !last.classList.contains('assistant') || turns.length < 2) return;
  const retry = el('button', { class: 'secondary small retry', id: 'hearth-retry', title: 'Ask the last question again' }, 'Retry');
  retry.addEventListener('click', () => {
    pendingReplace = turns[turns.length - 2].dataset.id ?? null;
    send({ type: 'retry' });
  });
  last.append(retry);
}

function startEdit(id: string): void {
  editOf = id;
  input.value = texts.get(id) ?? '';
  editing.hidden = false;
  input.focus();
}

function endEdit(): void {
  editOf = null;
  editing.hidden = true;
}

function setChips(chips: ContextChip[]): void {
  chipsRow.replaceChildren(
    ...chips.map((c) => {
      const chip = el('span', { class: 'chip', 'data-kind': c.kind, title: c.note ?? '' });
      chip.append(el('span', {}, c.label));
      if (c.tokens !== undefined) chip.append(el('span', { class: 'chip-tokens' }, `${c.tokens} tok`));
      const x = el('a', { class: 'chip-remove', title: 'Remove', role: 'button' }, '×');
      x.addEventListener('click', () => send({ type: 'removeChip', id: c.id }));
      chip.append(x);
      return chip;
    }),
  );
}

/** Adds Copy / Insert / Apply / To File to every code block of a rendered answer; all but Copy show a diff first. */
function decorateCodeBlocks(body: HTMLElement): void {
  for (const pre of Array.from(body.querySelectorAll('pre'))) {
    const code = pre.textContent ?? '';
    const bar = el('div', { class: 'code-actions' });
    const mk = (label: string, type: 'copy' | 'insert' | 'apply' | 'applyToFile', title: string): void => {
      const b = el('button', { class: 'secondary small', 'data-action': type, title }, label);
      b.addEventListener('click', () => send({ type, code }));
      bar.append(b);
    };
    mk('Copy', 'copy', 'Copy to the clipboard');
    mk('Insert', 'insert', 'Insert at the cursor (shown as a diff to accept)');
    mk('Apply', 'apply', 'Replace the selection (shown as a diff to accept)');
    mk('To File…', 'applyToFile', 'Replace a whole file with this block (shown as a diff to accept)');
    pre.before(bar);
  }
}

function renderTurn(id: string): void {
  const node = messages.querySelector<HTMLElement>(`[data-id="${CSS.escape(id)}"] .body`);
  if (!node) return;
  // Sanitized HTML only (render.ts); never the raw model text.
  node.innerHTML = render.markdown(texts.get(id) ?? '');
  decorateCodeBlocks(node);
}

function scheduleRender(id: string): void {
  pendingRender.add(id);
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    const ids = pendingRender;
    pendingRender = new Set();
    for (const i of ids) renderTurn(i);
    messages.scrollTop = messages.scrollHeight;
  });
}

function addTurn(t: ChatTurn): void {
  empty.remove();
  const box = el('div', { class: `turn ${t.role}`, 'data-id': t.id });
  box.append(el('div', { class: 'who' }, t.role === 'user' ? 'You' : 'Hearth'));
  if (t.chips?.length) box.append(el('div', { class: 'turn-chips' }, t.chips.map((c) => (c.tokens !== undefined ? `${c.label} (${c.tokens} tokens)` : c.label)).join(', ')));
  const body = el('div', { class: 'body' });
  box.append(body);
  if (t.note) box.append(el('div', { class: 'note' }, t.note));
  if (t.role === 'user') {
    const edit = el('a', { class: 'edit link', role: 'button', title: 'Edit this question and send it again' }, 'Edit');
    edit.addEventListener('click', () => {
      if (!busyNow) startEdit(t.id);
    });
    box.querySelector('.who')?.append(edit);
  }
  messages.append(box);
  texts.set(t.id, t.text);
  if (t.role === 'user') body.textContent = t.text;
  else scheduleRender(t.id);
}

window.addEventListener('message', (ev: MessageEvent<ToWebview>) => {
  const m = ev.data;
  switch (m.type) {
    case 'state':
      messages.replaceChildren();
      texts.clear();
      if (m.turns.length === 0) messages.append(empty);
      for (const t of m.turns) addTurn(t);
      setChips(m.chips);
      setUsage(m.usage);
      setBusy(m.busy);
      modelLabel.textContent = m.model ?? 'no model';
      endEdit();
      break;
    case 'turnStart':
      // An edited question or a retry replaces the turns from the first it changed.
      if (m.turn.role === 'user') removeReplaced();
      addTurn(m.turn);
      break;
    case 'delta':
      texts.set(m.id, (texts.get(m.id) ?? '') + m.text);
      scheduleRender(m.id);
      break;
    case 'turnEnd': {
      scheduleRender(m.id);
      const box = messages.querySelector(`[data-id="${CSS.escape(m.id)}"]`);
      box?.classList.add('done');
      if (m.note && box) box.append(el('div', { class: 'note' }, m.note));
      updateRetry();
      break;
    }
    case 'suggestions':
      showSuggestions(m.for, m.items);
      break;
    case 'chips':
      setChips(m.chips);
      break;
    case 'usage':
      setUsage(m.usage);
      break;
    case 'busy':
      setBusy(m.busy);
      break;
    case 'sendResult':
      // The question leaves the input only once the extension took it, and only if not edited since.
      if (m.accepted) {
        if (input.value.trim() === m.text) {
          input.value = '';
          vscode.setState({ draft: '' });
          endEdit();
        }
      } else {
        pendingReplace = null;
        empty.remove();
        messages.append(el('div', { class: 'turn notice' }, `Not sent: ${m.reason ?? 'Hearth could not take the question.'} Your question is still in the box.`));
        messages.scrollTop = messages.scrollHeight;
      }
      break;
  }
});

/**
 * Before the new question of an edit or a retry is shown, the turns it
 * replaces leave the view, as the extension dropped them from the thread:
 * the edited (or retried) question and everything after it.
 */
function removeReplaced(): void {
  if (pendingReplace === null) return;
  const boxes = Array.from(messages.querySelectorAll<HTMLElement>('.turn.user, .turn.assistant'));
  const at = boxes.findIndex((b) => b.dataset.id === pendingReplace);
  pendingReplace = null;
  if (at < 0) return;
  for (const b of boxes.slice(at)) {
    texts.delete(b.dataset.id ?? '');
    b.remove();
  }
}

// ---- suggestions (slash commands) ----
let shown: InputSuggestion[] = [];
let selected = 0;

function hideSuggestions(): void {
  shown = [];
  suggestions.hidden = true;
  suggestions.replaceChildren();
}

function showSuggestions(forText: string, items: InputSuggestion[]): void {
  // A late answer for text no longer in the box is dropped.
  if (forText !== input.value.slice(0, input.selectionStart ?? input.value.length) || items.length === 0) {
    hideSuggestions();
    return;
  }
  shown = items;
  selected = 0;
  suggestions.replaceChildren(
    ...items.map((it, i) => {
      const row = el('div', { class: 'suggestion', role: 'option', 'data-index': String(i) });
      row.append(el('span', { class: 'label' }, it.label), el('span', { class: 'detail' }, it.detail));
      row.addEventListener('mousedown', (e) => {
        e.preventDefault();
        acceptSuggestion(i);
      });
      return row;
    }),
  );
  suggestions.hidden = false;
  markSelected();
}

function markSelected(): void {
  suggestions.querySelectorAll('.suggestion').forEach((r, i) => r.classList.toggle('selected', i === selected));
}

function acceptSuggestion(i: number): void {
  const it = shown[i];
  if (!it) return;
  const cursor = input.selectionStart ?? input.value.length;
  input.value = input.value.slice(0, it.from) + it.insert + input.value.slice(cursor);
  const at = it.from + it.insert.length;
  input.setSelectionRange(at, at);
  hideSuggestions();
  input.focus();
}

// ---- input ----
/** The turn an edit or retry will replace, set when the request is sent. */
let pendingReplace: string | null = null;

function submit(): void {
  const text = input.value.trim();
  if (!text || sendBtn.disabled) return;
  hideSuggestions();
  if (editOf !== null) {
    pendingReplace = editOf;
    send({ type: 'send', text, editOf });
  } else {
    send({ type: 'send', text });
  }
}
let draftTimer = 0;
input.addEventListener('input', () => {
  vscode.setState({ draft: input.value });
  clearTimeout(draftTimer);
  draftTimer = window.setTimeout(() => send({ type: 'draft', text: input.value }), 250);
  const before = input.value.slice(0, input.selectionStart ?? input.value.length);
  // A slash command's name, an @ mention's name, or an @file / @symbol argument being typed.
  if (/^\/[a-z-]*$/i.test(before) || /@[A-Za-z-]*(?:[ \t]+(?:"[^"\n]*|[^\s"]*))?$/.test(before)) send({ type: 'suggest', text: before });
  else hideSuggestions();
});
input.addEventListener('keydown', (e) => {
  if (!suggestions.hidden && shown.length) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      selected = (selected + (e.key === 'ArrowDown' ? 1 : shown.length - 1)) % shown.length;
      markSelected();
      return;
    }
    // Enter on a command typed in full sends it; otherwise Enter and Tab complete it.
    const typed = input.value.slice(0, input.selectionStart ?? input.value.length);
    if (e.key === 'Enter' && !e.shiftKey && shown[selected].insert.trim() === typed.trim()) {
      hideSuggestions();
    } else if (e.key === 'Tab' || (e.key === 'Enter' && !e.shiftKey)) {
      e.preventDefault();
      acceptSuggestion(selected);
      return;
    }
    if (e.key === 'Escape') {
      e.preventDefault();
      hideSuggestions();
      return;
    }
  }
  if (e.key === 'Escape' && editOf !== null) {
    endEdit();
    return;
  }
  if (e.key === 'Enter' && !e.shiftKey) {
    e.preventDefault();
    submit();
  }
});
input.addEventListener('blur', () => hideSuggestions());
editingCancel.addEventListener('click', () => {
  endEdit();
  input.value = '';
  vscode.setState({ draft: '' });
});
sendBtn.addEventListener('click', submit);
stopBtn.addEventListener('click', () => send({ type: 'stop' }));
newChat.addEventListener('click', () => send({ type: 'newChat' }));
addFile.addEventListener('click', () => send({ type: 'addCurrentFile' }));
addSel.addEventListener('click', () => send({ type: 'addSelection' }));
pick.addEventListener('click', () => send({ type: 'pickFile' }));
input.value = vscode.getState()?.draft ?? '';
send({ type: 'ready' });
