// Hearth in a real VS Code (code-server), driven by playwright-core + Debian chromium, offline.
// Env: CS_URL, WS_DIR, STATUS_FILE, OUT_DIR, RUN_DIR, MODEL (chat), FIM_MODEL (completions), BAD_DIR, HEARTH_CLI,
// HEARTH_ENGINE (fake: the deterministic test engine; unset: the real runtime).
import { chromium } from 'playwright-core';
import fs from 'fs';
import path from 'path';
import assert from 'assert/strict';
import { execFileSync } from 'child_process';

const env = (k, d) => process.env[k] ?? d;
const CS_URL = env('CS_URL', 'http://127.0.0.1:8765');
const WS_DIR = env('WS_DIR');
const STATUS_FILE = env('STATUS_FILE');
const OUT_DIR = env('OUT_DIR');
const RUN_DIR = env('RUN_DIR');
const MODEL = env('MODEL');
const FIM_MODEL = env('FIM_MODEL', MODEL);
const BAD_DIR = env('BAD_DIR');
const CHROME = env('CHROME', '/usr/bin/chromium');
const HEARTH_CLI = env('HEARTH_CLI');
/** With the deterministic fake engine the answers are known exactly; with the real one they are checked against the CLI. */
const FAKE = process.env.HEARTH_ENGINE === 'fake';
const STORY = 'Once upon a time';
fs.mkdirSync(OUT_DIR, { recursive: true });

const t0 = Date.now();
const timings = {};
const results = [];
const mark = (k) => { timings[k] = Date.now() - t0; console.log(`[${timings[k]} ms] ${k}`); };
const norm = (s) => (s || '').replace(/\u00a0/g, ' ');
let page;
const shot = async (name) => { const p = path.join(OUT_DIR, name + '.png'); await page.screenshot({ path: p }); console.log('screenshot', p); };

/** The deterministic fake engine's completion (extension/host/fake-engine.ts: fakeCompletionFor). */
const fakeCompletion = (linePrefix) => { const w = /([A-Za-z_]\w*)\s*=\s*$/.exec(linePrefix)?.[1]; return w ? `${w}_value + 1;` : 'hearth_fake_completion();'; };

function enginePids() {
  const pids = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (cmd.includes(RUN_DIR) && cmd.includes('engine-host.js')) pids.push(Number(d));
    } catch { /* gone */ }
  }
  return pids;
}

async function runCommand(title) {
  await page.keyboard.press('F1');
  const qi = page.locator('.quick-input-widget input');
  await qi.waitFor();
  await qi.fill('>' + title);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}

async function clearNotifications() {
  await runCommand('Notifications: Clear All Notifications');
  await page.waitForTimeout(300);
}

const toasts = () => page.locator('.notifications-toasts .notification-toast');

/**
 * E2E_STEPS=fake-pass runs only the fakeStep()s: CI's second, shorter pass on the deterministic fake engine, for
 * flows that need an answer with a code block, which the tiny real model (it writes children's stories) never gives.
 */
const FAKE_PASS = process.env.E2E_STEPS === 'fake-pass';

/** A step; `alsoInFakePass` runs it in the fake pass too (the set-up the fake steps need). */
async function step(name, fn, { alsoInFakePass = false } = {}) {
  if (FAKE_PASS && !alsoInFakePass) return;
  return runStep(name, fn);
}

/** A step that needs the fake engine's answers: in a real-engine run it is left to the fake pass, and says so. */
async function fakeStep(name, fn) {
  if (!FAKE) {
    console.log(`later: ${name} (runs in the fake-engine pass: the real tiny model writes no code blocks)`);
    return;
  }
  return runStep(name, fn);
}

async function runStep(name, fn) {
  const s = Date.now();
  try {
    await fn();
    results.push({ name, ok: true, ms: Date.now() - s });
    mark(`PASS ${name}`);
  } catch (e) {
    results.push({ name, ok: false, ms: Date.now() - s, error: String(e && e.message || e) });
    console.error(`FAIL ${name}:`, e);
    await shot('fail-' + name.replace(/\W+/g, '-')).catch(() => {});
  }
}

/** The active editor's text, lines in visual order (the DOM order of .view-line is not). */
async function editorText() {
  return norm(await page.evaluate(() => {
    const ed = document.querySelector('.editor-group-container.active .editor-instance .monaco-editor') || document.querySelector('.editor-instance .monaco-editor');
    const lines = [...ed.querySelectorAll('.view-lines .view-line')];
    lines.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
    // Inline ghost text is injected into the line's DOM: leave it out, this is the document's text.
    return lines.map((l) => {
      const c = l.cloneNode(true);
      for (const g of c.querySelectorAll('.ghost-text-decoration, .ghost-text-decoration-preview, .ghost-text')) g.remove();
      return c.textContent;
    }).join('\n');
  }));
}

async function openFile(name) {
  const tab = page.locator('.tab', { hasText: name });
  if (await tab.count()) {
    await tab.first().click();
    await page.waitForTimeout(300);
    return;
  }
  await page.keyboard.press('Control+P');
  const qi = page.locator('.quick-input-widget input');
  await qi.waitFor();
  await qi.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name }).waitFor();
  await page.waitForTimeout(300);
}

async function useModel(file) {
  await runCommand('Hearth: Use Model File');
  const qi = page.locator('.quick-input-widget input');
  await qi.waitFor();
  await qi.fill(file);
  await page.keyboard.press('Enter');
}

const ghost = () => page.locator('.ghost-text-decoration, .ghost-text-decoration-preview, .ghost-text');

/**
 * What `hearth complete` gives at the same position of the same text: the reference for ghost text. Same n as
 * hearth.completion.maxTokens (128); the editor's window (1024 tokens) holds these files whole and
 * hearth.completion.otherFiles is off, so the prompt is the one `hearth complete` builds.
 */
function cliComplete(text, line, column) {
  const file = path.join(RUN_DIR, 'complete-input.txt');
  fs.writeFileSync(file, text);
  const out = execFileSync(process.execPath, [HEARTH_CLI, 'complete', FIM_MODEL, '--file', file, '--line', String(line), '--column', String(column), '--n', '128', '--json'], { encoding: 'utf8' });
  return JSON.parse(out).completion;
}

// Ghost text spans several DOM nodes without the line breaks, so compare without whitespace.
const squash = (s) => s.replace(/\s+/g, '');

/**
 * Checks ghost text against the engine: exact for the fake; for the real one, what `hearth complete` gives for the
 * editor's text at the cursor (the ghost may stop earlier: line limit, time budget, trailing space trimmed).
 */
function checkGhost(ghostText, { text, line, column, linePrefix }) {
  if (FAKE) return assert.equal(ghostText, fakeCompletion(linePrefix));
  const ref = cliComplete(text, line, column);
  console.log('hearth complete:', JSON.stringify(ref.slice(0, 120)));
  assert.ok(squash(ghostText).length >= 8, `ghost text too short: ${JSON.stringify(ghostText)}`);
  assert.ok(squash(ref).startsWith(squash(ghostText)), `ghost ${JSON.stringify(ghostText)} is not what hearth complete gives: ${JSON.stringify(ref)}`);
}

/** Keystroke-to-ghost-text latencies seen (ms). */
const latencies = [];

/** Ghost text in visual order (the first line is inline, later lines sit in a block that comes first in the DOM). */
async function ghostText() {
  return norm(await page.evaluate(() => {
    const nodes = [...document.querySelectorAll('.ghost-text-decoration, .ghost-text-decoration-preview, .ghost-text')]
      .filter((n) => !n.parentElement.closest('.ghost-text-decoration, .ghost-text'));
    nodes.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top || a.getBoundingClientRect().left - b.getBoundingClientRect().left);
    return nodes.map((n) => n.textContent).join('\n');
  }));
}

async function insertAndGetGhost(text, label) {
  const t = Date.now();
  await page.keyboard.insertText(text);
  await ghost().first().waitFor({ state: 'visible', timeout: 20000 });
  latencies.push({ label, ms: Date.now() - t });
  console.log(`ghost text after ${Date.now() - t} ms (${label})`);
  await page.waitForTimeout(300);
  return ghostText();
}

/** Waits until the ghost text is something other than `before` (cycling). */
async function waitGhostChange(before, timeout = 30000) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    const now = await ghostText();
    if (now && now !== before) return now;
    await page.waitForTimeout(200);
  }
  throw new Error(`ghost text did not change from ${JSON.stringify(before.slice(0, 60))}`);
}

async function chatFrame() {
  const outer = page.frameLocator('iframe.webview.ready');
  return outer.frameLocator('#active-frame');
}

// ---- workspace ----
const ORIGINAL_EDIT = 'function add(a, b) {\n  return a + b;\n}\n';
fs.writeFileSync(path.join(WS_DIR, 'story.txt'), '');
fs.writeFileSync(path.join(WS_DIR, 'story2.txt'), '');
fs.writeFileSync(path.join(WS_DIR, 'edit.js'), ORIGINAL_EDIT);
const FIB_TAIL = '\n\nprint(fib(10))\n';
fs.writeFileSync(path.join(WS_DIR, 'fib.py'), FIB_TAIL);
fs.rmSync(STATUS_FILE, { force: true });
// A file long enough for a full completion window, with an empty line 60 to jump to.
const SITES = Array.from({ length: 120 }, (_, i) => (i === 59 ? '' : `total_${i} = compute_value(items[${i}], scale=${i * 3}) + offset`)).join('\n') + '\n';
fs.writeFileSync(path.join(WS_DIR, 'sites.py'), SITES);
/** The engine's completion figures so far (NativeEngine.onCompletionStats through HEARTH_COMPLETION_STATS_FILE). */
const completionStats = () => {
  const file = process.env.STATS_FILE;
  if (!file || !fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
};

// A git repository with a staged change, for the Source Control commit-message button (found by the git
// extension's scan of the workspace's subfolders).
const GIT_REPO = path.join(WS_DIR, 'commit-repo');
fs.rmSync(GIT_REPO, { recursive: true, force: true });
fs.mkdirSync(GIT_REPO);
const git = (...args) => execFileSync('git', ['-c', 'user.name=Hearth E2E', '-c', 'user.email=e2e@example.invalid', ...args], { cwd: GIT_REPO, encoding: 'utf8' });
git('init', '-q', '-b', 'main');
fs.writeFileSync(path.join(GIT_REPO, 'greet.js'), 'function greet(name) {\n  return "Hello " + name;\n}\n');
git('add', '.');
git('commit', '-q', '-m', 'Add greet');
fs.writeFileSync(path.join(GIT_REPO, 'greet.js'), 'function greet(name) {\n  return `Hello, ${name}!`;\n}\n');
git('add', 'greet.js');

const udd = fs.mkdtempSync(path.join(RUN_DIR, 'chrome-profile-'));
const ctx = await chromium.launchPersistentContext(udd, {
  executablePath: CHROME,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  viewport: { width: 1400, height: 900 },
});
page = ctx.pages()[0] || (await ctx.newPage());
page.setDefaultTimeout(30000);
try {
  await page.goto(`${CS_URL}/?folder=${encodeURIComponent(WS_DIR)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 90000 });
  mark('workbench visible');
  for (let i = 0; i < 240 && !fs.existsSync(STATUS_FILE); i++) await page.waitForTimeout(250);
  assert.ok(fs.existsSync(STATUS_FILE), 'Hearth did not activate');
  const status = JSON.parse(fs.readFileSync(STATUS_FILE, 'utf8'));
  timings.activatedAfterPageOpenMs = status.activatedAt - t0;
  mark('extension activated');
  for (let i = 0; i < 80 && enginePids().length === 0; i++) await page.waitForTimeout(250);

  await step('the walkthrough opens on first install', async () => {
    // A fresh user-data folder is a first install: the extension opens its walkthrough once.
    const walkthrough = page.locator('.gettingStartedContainer', { hasText: 'Get Started with Hearth' });
    await walkthrough.first().waitFor({ timeout: 30000 });
    const text = norm(await walkthrough.first().innerText());
    for (const title of ['Choose a model', 'Try a completion', 'Open the chat']) assert.ok(text.includes(title), `step ${title} is listed`);
    await shot('00-walkthrough');
    await runCommand('View: Close All Editors');
    await page.waitForTimeout(500);
  }, { alsoInFakePass: true });

  await step('ghost text equals the engine and Tab accepts it', async () => {
    await openFile('story.txt');
    await page.locator('.editor-instance .view-line').first().click();
    const g = await insertAndGetGhost(STORY, 'first keystroke, story.txt');
    console.log('ghost text:', JSON.stringify(g));
    checkGhost(g, { text: STORY, line: 0, column: STORY.length, linePrefix: STORY });
    await shot('01-ghost-text');
    await page.keyboard.press('Tab');
    await page.waitForFunction(() => !document.querySelector('.ghost-text-decoration, .ghost-text'));
    const after = await editorText();
    assert.ok(squash(after).startsWith(squash(STORY + g)), `editor after Tab: ${JSON.stringify(after)}`);
    await shot('02-accepted');
  });

  await step('explain streams into the chat view', async () => {
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Shift+End');
    await runCommand('Hearth: Explain Selection');
    const inner = await chatFrame();
    const answer = inner.locator('.turn.assistant.done').last();
    await answer.waitFor({ timeout: 20000 });
    const text = norm(await answer.innerText());
    console.log('explain answer:', JSON.stringify(text.slice(0, 200)));
    if (FAKE) {
      assert.match(text, /Fake answer to: Explain this code\./);
      assert.equal(await answer.locator('pre code').count(), 1, 'one highlighted code block');
      assert.equal(await answer.locator('button[data-action="copy"]').count(), 1, 'code block has Copy');
      assert.equal(await answer.locator('button[data-action="insert"]').count(), 1, 'code block has Insert');
      assert.equal(await answer.locator('.hljs-keyword').count() > 0, true, 'code is highlighted');
    } else {
      assert.ok(squash(text.replace(/^Hearth/, '')).length > 0, 'the model streamed an answer');
    }
    const chips = norm(await inner.locator('.turn.user').last().innerText());
    assert.match(chips, /story\.txt:1-1/);
    await shot('03-explain');
  });

  await step('chat round trip sanitizes model output', async () => {
    const inner = await chatFrame();
    const evil = '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script> hello';
    await inner.locator('#hearth-input').fill(evil);
    await inner.locator('#hearth-send').click();
    const answer = inner.locator('.turn.assistant.done').nth(1);
    await answer.waitFor({ timeout: 20000 });
    const text = norm(await answer.innerText());
    if (FAKE) assert.match(text, /Fake answer to: .*hello/);
    else assert.ok(squash(text.replace(/^Hearth/, '')).length > 0, 'the model answered');
    assert.equal(await inner.locator('.turn img, .turn script').count(), 0, 'no img/script element from model text');
    const title = await inner.locator('body').evaluate(() => document.title);
    assert.notEqual(title, 'pwned');
    await shot('04-chat');
  });

  await step('refactor shows a diff and applies', async () => {
    await openFile('edit.js');
    await page.locator('.editor-instance .view-line').nth(1).click();
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+End');
    await runCommand('Hearth: Edit Selection with Instruction');
    const qi = page.locator('.quick-input-widget input');
    await qi.waitFor();
    await qi.fill('add a comment');
    await page.keyboard.press('Enter');
    await page.locator('.tab', { hasText: 'Hearth: Edit' }).first().waitFor({ timeout: 20000 });
    await page.locator('.monaco-diff-editor').first().waitFor();
    const accept = toasts().filter({ hasText: 'Hearth proposes an edit' }).locator('.monaco-button', { hasText: 'Accept' });
    await accept.waitFor();
    await shot('05-diff');
    await accept.click();
    const diffTab = page.locator('.tab', { hasText: 'Hearth: Edit' });
    for (let i = 0; i < 40 && (await diffTab.count()) > 0; i++) await page.waitForTimeout(250);
    assert.equal(await diffTab.count(), 0, 'diff closed');
    for (let i = 0; i < 40 && (await editorText()) === ORIGINAL_EDIT; i++) await page.waitForTimeout(250);
    const lines = await editorText();
    console.log('after apply:', JSON.stringify(lines));
    if (FAKE) assert.equal(lines, 'function add(a, b) {\n  // edited by hearth\nreturn a + b;\n}\n');
    else assert.notEqual(lines, ORIGINAL_EDIT, 'the edit was applied');
    await shot('06-applied');
    // One undo restores the original: the edit was one WorkspaceEdit.
    await page.keyboard.press('Control+Z');
    await page.waitForTimeout(300);
    assert.equal(await editorText(), ORIGINAL_EDIT, 'one undo reverts the edit');
  });

  await step('chat: /fix from the chat input proposes the fix as a diff', async () => {
    await openFile('edit.js');
    await page.locator('.editor-instance .view-line').nth(1).click();
    const inner = await chatFrame();
    await inner.locator('#hearth-input').fill('/f');
    // The popup lists the matching commands; Tab completes the name.
    const popup = inner.locator('#hearth-suggestions .suggestion');
    await popup.first().waitFor({ timeout: 10000 });
    assert.match(norm(await popup.first().innerText()), /\/fix/);
    await shot('13a-slash-suggestions');
    await inner.locator('#hearth-input').press('Tab');
    assert.equal(await inner.locator('#hearth-input').inputValue(), '/fix ');
    await inner.locator('#hearth-send').click();
    await page.locator('.tab', { hasText: 'Hearth: Fix' }).first().waitFor({ timeout: 30000 });
    await page.locator('.monaco-diff-editor').first().waitFor();
    const reject = toasts().filter({ hasText: 'Hearth proposes an edit' }).locator('.monaco-button', { hasText: 'Reject' });
    await reject.waitFor();
    await shot('13b-slash-fix-diff');
    await reject.click();
    const diffTab = page.locator('.tab', { hasText: 'Hearth: Fix' });
    for (let i = 0; i < 40 && (await diffTab.count()) > 0; i++) await page.waitForTimeout(250);
    assert.equal(await diffTab.count(), 0, 'the diff closed');
    await openFile('edit.js');
    assert.equal(await editorText(), ORIGINAL_EDIT, 'a rejected fix changes nothing');
    assert.equal(await inner.locator('#hearth-input').inputValue(), '', 'the command left the input');
  });

  await step('chat: Retry answers the last question again, and Edit replaces a question and what followed', async () => {
    const inner = await chatFrame();
    const users = inner.locator('.turn.user');
    const before = await users.count();
    assert.ok(before >= 1, 'an earlier question');
    const lastAnswerId = () => inner.locator('.turn.assistant').last().getAttribute('data-id');
    const answered = await lastAnswerId();
    await inner.locator('#hearth-retry').click();
    for (let i = 0; i < 120 && (await lastAnswerId()) === answered; i++) await page.waitForTimeout(250);
    assert.notEqual(await lastAnswerId(), answered, 'a new answer replaced the last one');
    await inner.locator('#hearth-retry').waitFor({ timeout: 30000 });
    assert.equal(await users.count(), before, 'Retry keeps the number of questions');
    assert.equal(await inner.locator('.turn.assistant').count(), before, 'and of answers');
    await users.first().locator('.edit').click();
    assert.ok(await inner.locator('#hearth-editing').isVisible(), 'the input says an earlier question is being edited');
    await inner.locator('#hearth-input').fill('Tell me a story about a dog');
    await shot('15a-chat-editing');
    await inner.locator('#hearth-send').click();
    for (let i = 0; i < 120 && (await users.count()) !== 1; i++) await page.waitForTimeout(250);
    assert.equal(await users.count(), 1, 'the edited first question replaced everything after it');
    await inner.locator('#hearth-retry').waitFor({ timeout: 30000 });
    assert.match(norm(await users.first().innerText()), /Tell me a story about a dog/);
    if (FAKE) assert.match(norm(await inner.locator('.turn.assistant').first().innerText()), /Fake answer to: Tell me a story about a dog/);
    assert.ok(await inner.locator('#hearth-editing').isHidden(), 'editing ended');
    await shot('15b-chat-edited');
  });

  await step('chat: an @file mention, completed from the input, attaches the file with its token count', async () => {
    const inner = await chatFrame();
    const box = inner.locator('#hearth-input');
    const popup = inner.locator('#hearth-suggestions .suggestion');
    await box.fill('What does @fi');
    await popup.filter({ hasText: '@file' }).first().waitFor({ timeout: 10000 });
    await box.press('Tab');
    assert.equal(await box.inputValue(), 'What does @file ');
    await box.pressSequentially('fib');
    await popup.filter({ hasText: 'fib.py' }).first().waitFor({ timeout: 20000 }).catch(async (e) => {
      console.log('suggestions:', JSON.stringify(await inner.locator('#hearth-suggestions').innerHTML()), 'input:', JSON.stringify(await box.inputValue()));
      throw e;
    });
    await shot('16a-chat-mention-files');
    await box.press('Tab');
    assert.equal(await box.inputValue(), 'What does @file fib.py ');
    await box.pressSequentially('print?');
    await inner.locator('#hearth-send').click();
    const user = inner.locator('.turn.user').last();
    for (let i = 0; i < 80 && !/@file fib\.py print\?/.test(norm(await user.innerText())); i++) await page.waitForTimeout(250);
    const chips = norm(await user.locator('.turn-chips').innerText());
    assert.match(chips, /fib\.py \(\d+ tokens\)/, `the turn lists the attachment with its tokens: ${chips}`);
    await inner.locator('.turn.assistant.done').last().waitFor({ timeout: 30000 });
    if (FAKE) assert.match(norm(await inner.locator('.turn.assistant').last().innerText()), /Fake answer to: What does @file fib\.py print\?/);
    await shot('16b-chat-mention-sent');
  });

  await fakeStep('chat: a code block is inserted at the cursor through a diff', async () => {
    await runCommand('View: Close All Editors');
    await openFile('edit.js');
    // The empty last line.
    await page.locator('.editor-instance .view-line').nth(3).click();
    // From the editor (a key pressed in the chat's frame stays there): the chat opens beside it.
    await runCommand('Hearth: New Chat');
    const inner = await chatFrame();
    await inner.locator('#hearth-input').fill('Give me a constant');
    await inner.locator('#hearth-send').click();
    const answer = inner.locator('.turn.assistant.done').last();
    await answer.waitFor({ timeout: 20000 });
    // The buttons come with the answer's last render, a frame after it ends.
    await answer.locator('button[data-action="insert"]').waitFor({ timeout: 10000 });
    for (const action of ['copy', 'insert', 'apply', 'applyToFile']) assert.equal(await answer.locator(`button[data-action="${action}"]`).count(), 1, `the code block has ${action}`);
    await answer.locator('button[data-action="insert"]').click();
    await page.locator('.tab', { hasText: 'Hearth: Insert from chat' }).first().waitFor({ timeout: 20000 });
    await page.locator('.monaco-diff-editor').first().waitFor();
    const accept = toasts().filter({ hasText: 'Hearth proposes an edit' }).locator('.monaco-button', { hasText: 'Accept' });
    await accept.waitFor();
    assert.equal((await page.locator('.tab', { hasText: 'edit.js' }).count()) >= 1, true);
    await shot('14a-chat-insert-diff');
    await accept.click();
    const diffTab = page.locator('.tab', { hasText: 'Hearth: Insert from chat' });
    for (let i = 0; i < 40 && (await diffTab.count()) > 0; i++) await page.waitForTimeout(250);
    await openFile('edit.js');
    for (let i = 0; i < 40 && (await editorText()) === ORIGINAL_EDIT; i++) await page.waitForTimeout(250);
    const text = await editorText();
    console.log('after insert:', JSON.stringify(text));
    assert.equal(text, 'function add(a, b) {\n  return a + b;\n}\nconst answer = 42;\n', 'the block went in at the cursor');
    await shot('14b-chat-inserted');
    await page.keyboard.press('Control+Z');
    await page.waitForTimeout(300);
    assert.equal(await editorText(), ORIGINAL_EDIT, 'one undo takes it out');
  });

  await step('model QuickPick asks for the role, then lists a discovered model', async () => {
    await runCommand('Hearth: Select Model');
    const roles = page.locator('.quick-input-list .monaco-list-row');
    await roles.filter({ hasText: 'Chat and edits' }).first().waitFor({ timeout: 20000 });
    const roleTexts = (await roles.allInnerTexts()).map(norm);
    console.log('role rows:', JSON.stringify(roleTexts));
    assert.ok(roleTexts.some((t) => /Completions and chat/.test(t)) && roleTexts.some((t) => /Inline completions/.test(t)), 'the three roles');
    await page.locator('.quick-input-widget input').fill('Inline completions');
    await page.keyboard.press('Enter');
    // The model list (its rows say the parameter count; the role rows do not).
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'params' }).filter({ hasText: 'tinyllamas' }).first();
    await row.waitFor({ timeout: 20000 });
    const text = norm(await row.innerText());
    console.log('quickpick row:', JSON.stringify(text));
    assert.match(text, /llama/);
    assert.match(text, /293K params|292K params/);
    await shot('07-model-pick');
    await page.keyboard.press('Escape');
  });

  await step('the Source Control button writes a commit message from the staged diff', async () => {
    await page.keyboard.press('Control+Shift+G');
    const button = page.locator('.action-label[aria-label*="Generate Commit Message"]').first();
    await button.waitFor({ timeout: 30000 });
    await shot('12a-scm-button');
    await button.click();
    const box = page.locator('.scm-editor .monaco-editor .view-lines').first();
    let message = '';
    for (let i = 0; i < 120 && !message; i++) {
      await page.waitForTimeout(250);
      message = norm(await box.innerText().catch(() => '')).trim();
    }
    // Let the stream finish: the text stops changing.
    for (let i = 0, last = ''; i < 60 && message !== last; i++) {
      last = message;
      await page.waitForTimeout(500);
      message = norm(await box.innerText()).trim();
    }
    console.log('commit message:', JSON.stringify(message.slice(0, 200)));
    assert.ok(message.length > 0, 'the input box holds a message');
    assert.ok(!/```|<think>/.test(message), 'no fences or reasoning in the message');
    if (FAKE) assert.equal(message, 'const answer = 42;'); // the fake wraps its answer in a fence
    await shot('12b-commit-message');
    await page.keyboard.press('Control+Shift+E');
  });

  await step('killing the engine shows a message and completions come back', async () => {
    await clearNotifications();
    const pids = enginePids();
    assert.ok(pids.length >= 1, 'engine process not found');
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    const warn = toasts().filter({ hasText: 'Hearth engine process was killed' });
    await warn.first().waitFor({ timeout: 15000 });
    await shot('08-engine-killed');
    for (let i = 0; i < 80; i++) {
      const now = enginePids();
      if (now.length && !now.some((p) => pids.includes(p))) break;
      await page.waitForTimeout(250);
    }
    await page.waitForTimeout(1000);
    await openFile('story2.txt');
    await page.locator('.editor-instance .view-line').first().click();
    const g = await insertAndGetGhost(STORY, 'after engine restart');
    checkGhost(g, { text: STORY, line: 0, column: STORY.length, linePrefix: STORY });
    await shot('09-after-restart');
    await page.keyboard.press('Escape');
  });

  await step('accept word, accept line and cycling alternatives', async () => {
    await openFile('fib.py');
    await page.locator('.editor-instance .view-line').first().click();
    await page.keyboard.press('Control+Home');
    const typed = 'def fib(n):';
    const g = await insertAndGetGhost(typed, 'fib.py');
    console.log('ghost text:', JSON.stringify(g.slice(0, 120)));
    checkGhost(g, { text: typed + FIB_TAIL, line: 0, column: typed.length, linePrefix: typed });
    // Ctrl+Right: editor.action.inlineSuggest.acceptNextWord takes the first word, the rest stays ghost.
    const firstLine = async () => (await editorText()).split('\n')[0];
    let afterWord = typed;
    // A leading space is a step of its own; then the word.
    for (let i = 0; i < 3 && afterWord.slice(typed.length).trim() === ''; i++) {
      await page.keyboard.press('Control+ArrowRight');
      await page.waitForTimeout(500);
      afterWord = await firstLine();
    }
    console.log('after accept word:', JSON.stringify(afterWord.slice(0, 80)));
    const word = afterWord.slice(typed.length);
    assert.ok(afterWord.startsWith(typed) && word.trim().length > 0, 'a word was accepted');
    // (The DOM cuts long ghost text into 50-character spans, so compare without whitespace.)
    assert.ok(squash(g).startsWith(squash(word)) && squash(word).length < squash(g).length, `accepted ${JSON.stringify(word)} is not the start of the ghost`);
    assert.ok(await ghost().first().isVisible(), 'the rest is still ghost text');
    await shot('02a-accept-word');
    // Alt+End (our keybinding for editor.action.inlineSuggest.acceptNextLine): the rest of the line.
    await page.keyboard.press('Alt+End');
    await page.waitForTimeout(500);
    const afterLine = await firstLine();
    console.log('after accept line:', JSON.stringify(afterLine.slice(0, 80)), afterLine.length);
    assert.ok(afterLine.length > afterWord.length, 'more than the word was accepted');
    assert.ok(squash(typed + g).startsWith(squash(afterLine)), 'what was accepted is the suggestion');
    await shot('02b-accept-line');
    // Cycling: a new suggestion on the next line, then Alt+] asks for alternatives (sampled, computed now).
    if (FAKE) return; // the fake engine has no sampling: its alternatives equal the suggestion
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    const first = await insertAndGetGhost('fib = ', 'fib.py, second line');
    await page.keyboard.press('Alt+BracketRight');
    const second = await waitGhostChange(first);
    console.log('alternative:', JSON.stringify(second.slice(0, 120)));
    await shot('02c-alternative');
    await page.keyboard.press('Alt+BracketLeft');
    const back = await waitGhostChange(second, 10000);
    assert.equal(back, first, 'Alt+[ cycles back to the first suggestion');
    await page.keyboard.press('Escape');
  });

  await step('a cursor jump prefetches: the first key there evaluates only the new tokens', async () => {
    if (FAKE) return; // the fake engine has no KV cache
    assert.ok(process.env.STATS_FILE, 'STATS_FILE is set by run-e2e.sh');
    await openFile('sites.py');
    await page.locator('.editor-instance .view-line').first().click();
    // Ctrl+G to the empty line 60: the cursor moves without an edit.
    const seen = completionStats().length;
    await page.keyboard.press('Control+g');
    const qi = page.locator('.quick-input-widget input');
    await qi.waitFor();
    await qi.fill(':60');
    await page.keyboard.press('Enter');
    // The site's window is evaluated in the background, before any key.
    let prefetch;
    for (let i = 0; i < 120 && !prefetch; i++) {
      await page.waitForTimeout(250);
      prefetch = completionStats().slice(seen).find((s) => s.kind === 'prefetch' && s.outcome === 'done' && s.evaluatedTokens > 100);
    }
    assert.ok(prefetch, `no prefetch after the jump: ${JSON.stringify(completionStats().slice(seen))}`);
    console.log('prefetch:', JSON.stringify(prefetch));
    await page.waitForTimeout(500);
    const before = completionStats().length;
    const g = await insertAndGetGhost('x', 'first key after a cursor jump');
    assert.ok(g.trim().length > 0, 'ghost text');
    const requests = completionStats().slice(before).filter((s) => s.kind === 'request' && s.outcome === 'done');
    console.log('requests after the key:', JSON.stringify(requests));
    assert.ok(requests.length > 0, 'the ghost text came from an engine request');
    for (const r of requests) {
      assert.ok(r.promptTokens > 100 && r.evaluatedTokens <= 8, `the key re-evaluated ${r.evaluatedTokens} of ${r.promptTokens} prompt tokens`);
    }
    await shot('11-prefetched-site');
    await page.keyboard.press('Escape');
  });

  await step('a setting change reloads the engine with the new value', async () => {
    // The status command's toast names the options each role's model was loaded with (and, on the
    // real engine, the threads it computes with).
    const engineStatus = async () => {
      await clearNotifications();
      await runCommand('Hearth: Show Engine Status');
      const t = toasts().filter({ hasText: 'Hearth engine —' }).first();
      await t.waitFor({ timeout: 20000 });
      return norm(await t.innerText());
    };
    const before = await engineStatus();
    console.log('status before:', JSON.stringify(before));
    assert.match(before, /loaded with threads auto/);
    // Change the setting in the remote (machine) settings file: code-server's extension host is remote, and
    // there machine-scoped settings such as hearth.threads come from that file (VS Code writes them there
    // too; the user settings file greys them out). VS Code notices the file change.
    const machineFile = path.join(RUN_DIR, 'user-data', 'Machine', 'settings.json');
    const machine = fs.existsSync(machineFile) ? JSON.parse(fs.readFileSync(machineFile, 'utf8').trim() || '{}') : {};
    fs.mkdirSync(path.dirname(machineFile), { recursive: true });
    fs.writeFileSync(machineFile, JSON.stringify({ ...machine, 'hearth.threads': 1 }, null, 2) + '\n');
    let after = '';
    for (let i = 0; i < 30; i++) {
      await page.waitForTimeout(1000);
      after = await engineStatus();
      if ((after.match(/loaded with threads 1,/g) || []).length === 2) break;
    }
    console.log('status after:', JSON.stringify(after));
    await shot('12-setting-reloaded');
    assert.equal((after.match(/loaded with threads 1,/g) || []).length, 2, 'both roles\' models reloaded with hearth.threads = 1');
    if (!FAKE) assert.equal((after.match(/, 1 thread \(/g) || []).length, 2, 'the engine computes with 1 thread');
    assert.match(after, /completion: .* — ready/);
    // The reloaded model still completes.
    await clearNotifications();
    await openFile('story2.txt');
    await page.locator('.editor-instance .view-line').first().click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    const g = await insertAndGetGhost(STORY, 'after a settings reload');
    assert.ok(g.trim().length > 0, 'ghost text after the reload');
    await page.keyboard.press('Escape');
  });

  await step('New Chat keeps the thread, and Chat History reopens it after a window reload', async () => {
    await runCommand('Hearth: New Chat');
    let inner = await chatFrame();
    await inner.locator('#hearth-input').waitFor();
    for (let i = 0; i < 40 && (await inner.locator('.turn').count()) > 0; i++) await page.waitForTimeout(250);
    assert.equal(await inner.locator('.turn').count(), 0, 'the new thread is empty');
    await inner.locator('#hearth-input').fill('A second thread');
    await inner.locator('#hearth-send').click();
    await inner.locator('.turn.assistant.done').first().waitFor({ timeout: 20000 });
    // The thread is saved as the answer ends; workspace state reaches the window asynchronously.
    await page.waitForTimeout(2000);
    // Reload the window: the threads are the workspace's state.
    fs.rmSync(STATUS_FILE, { force: true });
    await page.reload();
    await page.waitForSelector('.monaco-workbench', { timeout: 90000 });
    for (let i = 0; i < 240 && !fs.existsSync(STATUS_FILE); i++) await page.waitForTimeout(250);
    assert.ok(fs.existsSync(STATUS_FILE), 'Hearth did not activate after the reload');
    await runCommand('Hearth: Chat History');
    const rows = page.locator('.quick-input-list .monaco-list-row');
    await rows.filter({ hasText: 'A second thread' }).first().waitFor({ timeout: 20000 });
    const texts = (await rows.allInnerTexts()).map(norm);
    console.log('history rows:', JSON.stringify(texts));
    // The first thread's first question is the one the Edit step rewrote.
    assert.ok(texts.some((t) => /Tell me a story about a dog/.test(t)), 'the first thread is listed');
    await shot('04b-chat-history');
    await rows.filter({ hasText: 'Tell me a story about a dog' }).first().click();
    inner = await chatFrame();
    const first = inner.locator('.turn.user').first();
    await first.waitFor({ timeout: 20000 });
    assert.match(norm(await first.innerText()), /Tell me a story about a dog/);
    assert.ok((await inner.locator('.turn.assistant').count()) >= 2, 'its answers are back');
    await shot('04c-chat-thread-reopened');
  });

  const badCase = (name, file, pattern) => step(`bad input: ${name}`, async () => {
    await clearNotifications();
    await useModel(file);
    const t = toasts().filter({ hasText: pattern });
    await t.first().waitFor({ timeout: 20000 });
    await page.waitForTimeout(1500);
    const all = (await toasts().allInnerTexts()).map(norm).filter((s) => /Hearth|model|GGUF/i.test(s));
    console.log(`toasts (${name}):`, JSON.stringify(all));
    assert.equal(all.length, 1, `exactly one notification, got ${all.length}`);
    await shot(`10-bad-${name.replace(/\W+/g, '-')}`);
  });
  await badCase('missing file', path.join(BAD_DIR, 'missing.gguf'), /cannot find the model file/);
  await badCase('corrupt file', path.join(BAD_DIR, 'corrupt.gguf'), /not a usable GGUF model/);
  await badCase('unsupported arch', path.join(BAD_DIR, 'mpt-vocab.gguf'), /cannot run "mpt" models/);
  await badCase('too big', path.join(BAD_DIR, 'huge.gguf'), /too big for this machine/);
} catch (e) {
  results.push({ name: 'harness', ok: false, error: String(e && e.message || e) });
  console.error('E2E HARNESS FAILED:', e);
  await shot('99-failure').catch(() => {});
} finally {
  timings.totalMs = Date.now() - t0;
  fs.writeFileSync(path.join(OUT_DIR, 'results.json'), JSON.stringify({ results, timings, latencies }, null, 2));
  console.log('keystroke to ghost text (ms):', JSON.stringify(latencies));
  await ctx.close();
  fs.rmSync(udd, { recursive: true, force: true });
}
if (results.length === 0) results.push({ name: 'harness', ok: false, error: 'no step ran' });
const failed = results.filter((r) => !r.ok);
console.log(`${results.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);
