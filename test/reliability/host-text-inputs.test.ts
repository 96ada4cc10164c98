/**
 * Defect 13 (host parts): `hearth tokenize --text-file` passed raw bytes
 * where `generate --prompt-file` decoded UTF-8 (lossily); now every CLI text
 * file is read as UTF-8 and invalid UTF-8 is refused. Chat attachments
 * (pickFile) were read into the history at any size and even when binary;
 * now they are capped at 256 KB and files with NUL bytes are refused.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { useFakeVscode } from '../extension/helpers/with-fake-vscode';
import { tokenizeCommand } from '../../extension/cli/commands/tokenize';
import { generateCommand } from '../../extension/cli/commands/generate';
import { firstInvalidUtf8 } from '../../extension/cli/read-text';
import { MAX_ATTACHMENT_BYTES } from '../../extension/chat/attachment';
import { tempDir } from '../extension/helpers/gguf-fixture';
import { fixture } from '../helpers/fixtures';
import type * as FakeVscode from '../extension/helpers/fake-vscode';

async function run(cmd: typeof tokenizeCommand, argv: string[]): Promise<{ code: number | string; out: string; err: string }> {
  let out = '';
  let err = '';
  try {
    const code = await cmd.run(argv, { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  } catch (e) {
    return { code: String((e as { code?: unknown }).code), out, err: (e as Error).message };
  }
}

describe('text inputs: CLI files and chat attachments (host)', function () {
  this.timeout(60000);
  const dir = tempDir('textin');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('tokenize --text-file and generate --prompt-file refuse invalid UTF-8 alike, and agree on valid text', async function () {
    const vocab = fixture('llama.cpp-vocab/ggml-vocab-starcoder.gguf');
    const bad = path.join(dir, 'bad.txt');
    fs.writeFileSync(bad, Buffer.from([0x48, 0x69, 0xff, 0xfe, 0x0a]));
    const t = await run(tokenizeCommand, [vocab, '--text-file', bad, '--json']);
    assert.equal(t.code, 'E_INVALID_ARGUMENT', `tokenize took invalid UTF-8: ${t.out}`);
    assert.match(t.err, /--text-file .*bad\.txt is not valid UTF-8 text \(byte 0xff at offset 2\)/);
    const g = await run(generateCommand, [vocab, '--prompt-file', bad, '--n', '1']);
    assert.equal(g.code, 'E_INVALID_ARGUMENT');
    assert.match(g.err, /--prompt-file .*bad\.txt is not valid UTF-8 text/);
    const good = path.join(dir, 'good.txt');
    const text = '\uFEFFhéllo ✓ 𝄞\n';
    fs.writeFileSync(good, text);
    const a = await run(tokenizeCommand, [vocab, '--text-file', good, '--json']);
    const b = await run(tokenizeCommand, [vocab, '--text', text, '--json']);
    assert.equal(a.code, 0, a.err);
    assert.deepEqual(JSON.parse(a.out), JSON.parse(b.out));
  });

  it('firstInvalidUtf8 agrees with a fatal TextDecoder on random byte strings (seed 13)', () => {
    let x = 13;
    const rnd = (): number => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8) & 0xff;
    const decoder = new TextDecoder('utf-8', { fatal: true });
    for (let i = 0; i < 20000; i++) {
      const pool = [0x41, 0xc3, 0xa9, 0xe2, 0x9c, 0x93, 0xf0, 0x9d, 0x84, 0x9e, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0xc0, 0xff];
      const bytes = Uint8Array.from({ length: rnd() % 12 }, () => (rnd() % 4 === 0 ? rnd() : pool[rnd() % pool.length]));
      let valid = true;
      try {
        decoder.decode(bytes);
      } catch {
        valid = false;
      }
      assert.equal(firstInvalidUtf8(bytes) < 0, valid, `bytes ${Buffer.from(bytes).toString('hex')}`);
    }
  });

  describe('chat attachments (pickFile)', () => {
    let vscode: typeof FakeVscode;
    before(() => {
      vscode = useFakeVscode();
    });
    after(() => {
      vscode.resetFake();
    });

    async function attach(file: string): Promise<{ chips: { label: string; text: string }[]; warnings: string[] }> {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { ChatViewProvider } = require('../../extension/chat/chat-view') as typeof import('../../extension/chat/chat-view');
      const store = new Map<string, unknown>();
      const context = { workspaceState: { get: (k: string) => store.get(k), update: async (k: string, v: unknown) => void store.set(k, v) }, extensionUri: vscode.Uri.file(dir) };
      const provider = new ChatViewProvider(context as never, {} as never, { error: () => {}, info: () => {} } as never, { propose: async () => false } as never);
      let onMessage: (m: unknown) => void = () => {};
      provider.resolveWebviewView({
        webview: { options: {}, html: '', cspSource: 'x', asWebviewUri: (u: unknown) => u, postMessage: async () => true, onDidReceiveMessage: (l: (m: unknown) => void) => ((onMessage = l), { dispose() {} }) },
        onDidDispose: () => ({ dispose() {} }),
      } as never);
      vscode.recorded.files = [vscode.Uri.file(file)];
      vscode.recorded.messages.length = 0;
      onMessage({ type: 'pickFile' });
      for (let i = 0; i < 100 && provider.session.chips.length === 0 && vscode.recorded.messages.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      const out = { chips: provider.session.chips.map((c) => ({ label: c.label, text: c.text })), warnings: vscode.recorded.messages.filter((m) => m.level === 'warning').map((m) => m.text) };
      provider.dispose();
      return out;
    }

    it('attaches a small text file', async () => {
      const f = path.join(dir, 'notes.md');
      fs.writeFileSync(f, '# notes\nhello\n');
      const r = await attach(f);
      assert.deepEqual(r.chips, [{ label: 'notes.md', text: '# notes\nhello\n' }]);
      assert.deepEqual(r.warnings, []);
    });

    it('refuses a file over 256 KB, saying why', async () => {
      const f = path.join(dir, 'big.txt');
      fs.writeFileSync(f, 'a'.repeat(MAX_ATTACHMENT_BYTES + 1));
      const r = await attach(f);
      assert.deepEqual(r.chips, []);
      assert.equal(r.warnings.length, 1);
      assert.match(r.warnings[0], /did not attach big\.txt: it is 257 KB, more than the 256 KB/);
    });

    it('refuses a binary file (NUL bytes), saying why', async () => {
      const f = path.join(dir, 'blob.bin');
      fs.writeFileSync(f, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01]));
      const r = await attach(f);
      assert.deepEqual(r.chips, []);
      assert.match(r.warnings[0] ?? '', /did not attach blob\.bin: it looks like a binary file/);
    });
  });
});
