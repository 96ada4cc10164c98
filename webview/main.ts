/**
 * The chat webview (browser only). Talks to the extension through the shared
 * protocol; all model text goes through render.ts before it becomes DOM, and
 * every other string is set with textContent.
 */
import { createRenderer } from './render';
import type { ChatTurn, ContextChip, FromWebview, ToWebview, TokenUsage } from '../extension/protocol/webview-protocol';

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
const empty = el('div', { class: 'empty' }, 'Ask about your code. Attach the current file, the selection or any file (@) as context.');
const chipsRow = el('div', { id: 'hearth-chips', class: 'chips' });
const tools = el('div', { class: 'tools' });
const addFile = el('button', { id: 'hearth-add-file', class: 'secondary', title: 'Attach the current file' }, '+ File');
const addSel = el('button', { id: 'hearth-add-selection', class: 'secondary', title: 'Attach the selection' }, '+ Selection');
const pick = el('button', { id: 'hearth-pick-file', class: 'secondary', title: 'Attach any file' }, '@ file');
tools.append(addFile, addSel, pick);
const input = el('textarea', { id: 'hearth-input', rows: '3', placeholder: 'Ask Hearth… (Enter to send, Shift+Enter for a new line)' });
const row = el('div', { class: 'send-row' });
const sendBtn = el('button', { id: 'hearth-send' }, 'Send');
const stopBtn = el('button', { id: 'hearth-stop', class: 'secondary', hidden: '' }, 'Stop');
row.append(sendBtn, stopBtn);
app.append(header, messages, chipsRow, tools, input, row);

// ---- state ----
const texts = new Map<string, string>();
let pendingRender = new Set<string>();
let frame = 0;

function setUsage(u: TokenUsage): void {
  tokens.textContent = `${u.used} / ${u.limit} tokens`;
  tokens.classList.toggle('over', u.used > u.limit);
  tokens.classList.toggle('near', u.used <= u.limit && u.used > u.limit * 0.8);
  tokens.title = u.used > u.limit ? 'Over the context window: older turns will be left out' : 'Tokens the next question uses';
}

function setBusy(busy: boolean): void {
  stopBtn.hidden = !busy;
  sendBtn.disabled = busy;
}

function setChips(chips: ContextChip[]): void {
  chipsRow.replaceChildren(
    ...chips.map((c) => {
      const chip = el('span', { class: 'chip', 'data-kind': c.kind });
      chip.append(el('span', {}, c.label));
      const x = el('a', { class: 'chip-remove', title: 'Remove', role: 'button' }, '×');
      x.addEventListener('click', () => send({ type: 'removeChip', id: c.id }));
      chip.append(x);
      return chip;
    }),
  );
}

/** Adds Copy / Insert / Apply to every code block of a rendered answer. */
function decorateCodeBlocks(body: HTMLElement): void {
  for (const pre of Array.from(body.querySelectorAll('pre'))) {
    const code = pre.textContent ?? '';
    const bar = el('div', { class: 'code-actions' });
    const mk = (label: string, type: 'copy' | 'insert' | 'apply', title: string): void => {
      const b = el('button', { class: 'secondary small', 'data-action': type, title }, label);
      b.addEventListener('click', () => send({ type, code }));
      bar.append(b);
    };
    mk('Copy', 'copy', 'Copy to the clipboard');
    mk('Insert', 'insert', 'Insert at the cursor');
    mk('Apply', 'apply', 'Replace the selection');
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
  if (t.chips?.length) box.append(el('div', { class: 'turn-chips' }, t.chips.map((c) => c.label).join(', ')));
  const body = el('div', { class: 'body' });
  box.append(body);
  if (t.note) box.append(el('div', { class: 'note' }, t.note));
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
      break;
    case 'turnStart':
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
      break;
    }
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
        }
      } else {
        empty.remove();
        messages.append(el('div', { class: 'turn notice' }, `Not sent: ${m.reason ?? 'Hearth could not take the question.'} Your question is still in the box.`));
        messages.scrollTop = messages.scrollHeight;
      }
      break;
  }
});

// ---- input ----
function submit(): void {
  const text = input.value.trim();
  if (!text || sendBtn.disabled) return;
  send({ type: 'send', text });
}
let draftTimer = 0;
input.addEventListener('input', () => {
  vscode.setState({ draft: input.value });
  clearTimeout(draftTimer);
  draftTimer = window.setTimeout(() => send({ type: 'draft', text: input.value }), 250);
});
input.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey) {
    e.preventDefault();
    submit();
  }
});
sendBtn.addEventListener('click', submit);
stopBtn.addEventListener('click', () => send({ type: 'stop' }));
newChat.addEventListener('click', () => send({ type: 'newChat' }));
addFile.addEventListener('click', () => send({ type: 'addCurrentFile' }));
addSel.addEventListener('click', () => send({ type: 'addSelection' }));
pick.addEventListener('click', () => send({ type: 'pickFile' }));
input.value = vscode.getState()?.draft ?? '';
send({ type: 'ready' });
