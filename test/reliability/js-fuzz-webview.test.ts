/**
 * Fuzz: messages from the chat webview (untrusted input) into ChatViewProvider's
 * handler. Random values, known types with wrong or huge fields, prototype
 * keys: the handler never throws, no handler promise rejects unobserved,
 * every message isFromWebview refuses is logged as malformed and has no
 * effect, and every accepted one is handled without error.
 */
import { strict as assert } from 'assert';
import { useFakeVscode } from '../extension/helpers/with-fake-vscode';
import { SeededRandom, fuzzSeed } from './helpers/seeded-random';
import { FROM_WEBVIEW_TYPES, isFromWebview, MAX_WEBVIEW_TEXT } from '../../extension/protocol/webview-protocol';
import type * as FakeVscode from '../extension/helpers/fake-vscode';

const TYPES = [...FROM_WEBVIEW_TYPES];
const FIELDS = ['text', 'code', 'id', 'editOf', 'type', '__proto__', 'constructor'];
const BUDGET_MS = 8000;

describe('js fuzz: webview messages', function () {
  this.timeout(60000);
  let vscode: typeof FakeVscode;
  before(() => {
    vscode = useFakeVscode();
  });
  after(() => {
    vscode.resetFake();
  });

  /** A message near the protocol: a known type, fields of any kind. */
  function message(r: SeededRandom): unknown {
    if (r.chance(0.25)) return r.value(3);
    const m: Record<string, unknown> = r.chance(0.9) ? { type: r.chance(0.9) ? r.pick(TYPES) : r.string(8) } : {};
    for (let i = r.int(0, 3); i > 0; i--) {
      const f = r.pick(FIELDS);
      const v = r.chance(0.6) ? (r.chance(0.03) ? 'y'.repeat(MAX_WEBVIEW_TEXT + r.int(0, 2)) : r.string(60)) : r.value(2);
      if (f === '__proto__') Object.defineProperty(m, f, { value: v, enumerable: true, configurable: true, writable: true });
      else m[f] = v;
    }
    // Cross the structured-clone boundary as a webview message does (drops undefined, functions).
    try {
      return JSON.parse(JSON.stringify(m));
    } catch {
      return m;
    }
  }

  it('never throws, refuses malformed messages, handles valid ones without error', async () => {
    const seed = fuzzSeed(0x5eed01);
    const r = new SeededRandom(seed);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ChatViewProvider } = require('../../extension/chat/chat-view') as typeof import('../../extension/chat/chat-view');
    const store = new Map<string, unknown>();
    const context = { workspaceState: { get: (k: string) => store.get(k), update: async (k: string, v: unknown) => void store.set(k, v) }, extensionUri: vscode.Uri.file('/ext') };
    const logged: string[] = [];
    const log = { error: (msg: string, err?: unknown) => logged.push(`${msg}${err ? `: ${String(err)}` : ''}`), info: () => {} };
    const models = { engineFor: async () => null, status: async () => ({ detail: 'No model is set (hearth.model).' }) };
    vscode.window.activeTextEditor = undefined;
    vscode.recorded.files = [];
    const provider = new ChatViewProvider(context as never, models as never, log as never, { propose: async () => false } as never);
    let listener: (m: unknown) => void = () => {};
    provider.resolveWebviewView({
      webview: { options: {}, html: '', cspSource: 'x', asWebviewUri: (u: unknown) => u, postMessage: async () => true, onDidReceiveMessage: (l: (m: unknown) => void) => ((listener = l), { dispose() {} }) },
      onDidDispose: () => ({ dispose() {} }),
    } as never);
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    let runs = 0;
    let accepted = 0;
    const failures: string[] = [];
    try {
      for (const t0 = Date.now(); Date.now() - t0 < BUDGET_MS && runs < 20000; runs++) {
        const m = message(r);
        const valid = isFromWebview(m);
        const before = logged.length;
        try {
          listener(m);
        } catch (err) {
          failures.push(`threw on ${JSON.stringify(m)?.slice(0, 200)}: ${String(err)}`);
        }
        await new Promise((res) => setImmediate(res));
        const newLogs = logged.slice(before);
        if (!valid && !(newLogs.length === 1 && /malformed/.test(newLogs[0]))) failures.push(`malformed message not refused: ${JSON.stringify(m)?.slice(0, 200)}`);
        if (valid) {
          accepted++;
          if (newLogs.length > 0) failures.push(`valid message failed: ${JSON.stringify(m)?.slice(0, 200)}: ${newLogs.join('; ')}`);
        }
        if (failures.length > 5) break;
      }
      await new Promise((res) => setTimeout(res, 50));
    } finally {
      process.off('unhandledRejection', onUnhandled);
      provider.dispose();
    }
    if (unhandled.length) failures.push(`unhandled rejections: ${unhandled.map(String).join('; ')}`);
    console.log(`      fuzz webview-messages: ${runs} executions, ${failures.length} failures (seed ${seed}, ${accepted} accepted)`);
    assert.deepEqual(failures, []);
    assert.ok(accepted > 100 && accepted < runs, `accepted ${accepted} of ${runs}: the generator must reach both sides`);
  });
});
