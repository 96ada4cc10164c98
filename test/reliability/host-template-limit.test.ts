/**
 * Defect 7: a GGUF's chat template ran with no time or memory limit on the
 * engine's JS thread (`range(1000000000)` killed the engine after 10.8 s and
 * no cancel could land). Renders now run in a warm worker with limits and fail
 * with E_TEMPLATE_LIMIT; the calling thread stays free meanwhile.
 */
import { strict as assert } from 'assert';
import { chatTokens, type ChatTokenizer } from '../../extension/host/child/chat-prompt';
import { renderChat } from '../../extension/engine/chat-template';
import { TemplateSandbox } from '../../extension/engine/template-sandbox';
import { EngineProcess } from '../../extension/host/parent/engine-process';
import { REPO_ROOT } from '../helpers/fixtures';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** Characters as token ids: enough of a tokenizer for chatTokens. */
function charTokenizer(chatTemplate: string): ChatTokenizer {
  return {
    tokenize: (text) => Array.from(text, (c) => c.codePointAt(0) as number),
    tokenText: (id) => String.fromCodePoint(id),
    bos: null,
    eos: null,
    addBos: false,
    chatTemplate,
  };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return String((err as { code?: unknown }).code);
  }
}

const MSGS = [{ role: 'user' as const, content: 'hi' }];
const SIMPLE = '{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}';

describe('chat template limits (host)', function () {
  this.timeout(30000);

  it('a billion-step loop in the model template fails with E_TEMPLATE_LIMIT while this thread keeps running', async () => {
    let ticks = 0;
    const tick = setInterval(() => ticks++, 20);
    const t0 = Date.now();
    try {
      // Small lists and nothing printed: only the time limit stops it, so the render lasts the
      // whole 2 s bound (a printing loop or one big range hits the output or heap limit first,
      // sometimes within 400 ms, too soon to count the timer's ticks).
      const code = await codeOf(chatTokens(charTokenizer('{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}'), MSGS));
      assert.equal(code, 'E_TEMPLATE_LIMIT');
    } finally {
      clearInterval(tick);
    }
    const ms = Date.now() - t0;
    // Worker start (tsx compiles it here) + the 2 s render bound + slack.
    assert.ok(ms < 15000, `took ${ms} ms`);
    // A free thread ticks every 20 ms: at least half of those, and the render took at least the 2 s bound.
    assert.ok(ms >= 1500 && ticks >= ms / 40, `the calling thread was blocked (only ${ticks} timer ticks in ${ms} ms)`);
    // The next render gets a fresh worker and works.
    const ok = await chatTokens(charTokenizer(SIMPLE), MSGS);
    assert.equal(ok.via, 'template');
  });

  it('cuts off time, output size and memory, each with E_TEMPLATE_LIMIT, and recovers after each', async () => {
    const sandbox = new TemplateSandbox({ timeMs: 500, maxOutputChars: 1000, heapMb: 32 });
    try {
      const t0 = Date.now();
      assert.equal(await codeOf(sandbox.render(MSGS, { template: '{% for i in range(1000000000) %}{% endfor %}' })), 'E_TEMPLATE_LIMIT');
      assert.ok(Date.now() - t0 < 10000);
      assert.equal(await codeOf(sandbox.render(MSGS, { template: '{% for i in range(5000) %}x{% endfor %}' })), 'E_TEMPLATE_LIMIT');
      // A 50M-element list is ~400 MB: past the 32 MiB heap long before the time limit.
      const mem = sandbox.render(MSGS, { template: '{% for i in range(50000000) %}{% if i == 0 %}x{% endif %}{% endfor %}' });
      assert.equal(await codeOf(mem), 'E_TEMPLATE_LIMIT');
      const ok = await sandbox.render(MSGS, { template: SIMPLE });
      assert.deepEqual(ok, { text: '<user>hi', via: 'template' });
    } finally {
      await sandbox.dispose();
    }
  });

  it('aborting the signal ends a render with E_ABORTED', async () => {
    const sandbox = new TemplateSandbox({ timeMs: 20000, maxOutputChars: 1 << 20, heapMb: 64 });
    try {
      await sandbox.render(MSGS, { template: SIMPLE }); // warm
      const ac = new AbortController();
      const p = sandbox.render(MSGS, { template: '{% for i in range(1000000000) %}{% endfor %}' }, ac.signal);
      setTimeout(() => ac.abort(), 100);
      const t0 = Date.now();
      assert.equal(await codeOf(p), 'E_ABORTED');
      assert.ok(Date.now() - t0 < 3000);
    } finally {
      await sandbox.dispose();
    }
  });

  it('reuses one warm worker, renders exactly what renderChat renders, and reports the per-render overhead', async () => {
    const sandbox = new TemplateSandbox();
    try {
      await sandbox.render(MSGS, { template: SIMPLE }); // start-up is not overhead
      for (let i = 0; i < 50; i++) renderChat(MSGS, { template: SIMPLE }); // warm this thread's JIT too
      const n = 200;
      let t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) {
        const r = await sandbox.render(MSGS, { template: SIMPLE });
        assert.equal(r.text, '<user>hi');
      }
      const worker = Number(process.hrtime.bigint() - t0) / 1e6 / n;
      t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) renderChat(MSGS, { template: SIMPLE });
      const direct = Number(process.hrtime.bigint() - t0) / 1e6 / n;
      console.log(`      template render: ${worker.toFixed(3)} ms in the worker vs ${direct.toFixed(3)} ms in-thread (overhead ${(worker - direct).toFixed(3)} ms/render, n=${n})`);
      assert.equal(sandbox.workersStarted, 1);
      assert.ok(worker < 20, `per-render cost ${worker} ms`);
      // Errors and fallbacks come back as they would in-thread.
      const broken = await sandbox.render(MSGS, { template: '{% for m in messages %}{{ m.content ' });
      assert.deepEqual(broken, renderChat(MSGS, { template: '{% for m in messages %}{{ m.content ' }));
    } finally {
      await sandbox.dispose();
    }
  });
});

describe('chat template limits in the engine process (host)', function () {
  this.timeout(180000);
  // Endless work that neither prints nor keeps memory: only the 2 s time
  // limit stops it, so a cancel 1 s in always lands mid-render. (A loop that
  // printed could reach the output or heap limit within that second on a fast
  // machine, and the cancel then met a finished E_TEMPLATE_LIMIT.)
  const HOSTILE = '{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}';

  /** The FIM test model with a hostile tokenizer.chat_template (cached by template). */
  async function hostileModel(): Promise<string> {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { qwenFimModelSpec } = require('../helpers/fim-model') as typeof import('../helpers/fim-model');
    const { randomModel, CACHE_DIR } = require('../helpers/model-factory') as typeof import('../helpers/model-factory');
    const { inspectModel } = require('../../extension/engine/gguf') as typeof import('../../extension/engine/gguf');
    const { metadataEntry } = require('../../extension/engine/gguf-metadata') as typeof import('../../extension/engine/gguf-metadata');
    const { writeGguf } = require('../../extension/gguf/writer') as typeof import('../../extension/gguf/writer');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const spec = await qwenFimModelSpec();
    const vocab = path.join(CACHE_DIR, `hostile-template-${crypto.createHash('sha256').update(HOSTILE).digest('hex').slice(0, 12)}.gguf`);
    if (!fs.existsSync(vocab)) {
      const info = await inspectModel(spec.vocabFrom);
      const metadata = Object.entries(info.metadata)
        .filter(([k]) => k !== 'tokenizer.chat_template')
        .map(([k, v]) => metadataEntry(k, info.metadataTypes[k], v));
      metadata.push({ key: 'tokenizer.chat_template', type: 'string', value: HOSTILE });
      const tmp = `${vocab}.${process.pid}.tmp`;
      await writeGguf(tmp, { metadata });
      fs.renameSync(tmp, vocab);
    }
    return randomModel({ ...spec, vocabFrom: vocab });
  }

  it('a hostile template fails the chat with E_TEMPLATE_LIMIT, a cancel lands mid-render, and the engine lives on', async function () {
    const model = await hostileModel();
    const proc = new EngineProcess({
      scriptPath: path.join(REPO_ROOT, 'extension', 'host', 'child', 'engine-host-main.ts'),
      execArgv: ['-r', require.resolve('tsx/cjs')],
      env: { HEARTH_ENGINE: 'native' },
      maxCrashes: 0,
    });
    try {
      await proc.load(model, { contextTokens: 256, threads: 1 });
      const pid = proc.pid;
      const chat = async (signal: AbortSignal): Promise<string> => {
        let s = '';
        for await (const p of proc.chat([{ role: 'user', content: 'hi' }], { maxTokens: 4 }, signal)) s += p;
        return s;
      };
      let t0 = Date.now();
      assert.equal(await codeOf(chat(new AbortController().signal)), 'E_TEMPLATE_LIMIT');
      assert.ok(Date.now() - t0 < 20000, `took ${Date.now() - t0} ms`);
      // Cancel while the fresh worker loads or renders (its 2 s clock starts once loaded): it lands at once.
      const ac = new AbortController();
      const running = chat(ac.signal);
      await new Promise((r) => setTimeout(r, 1000));
      t0 = Date.now();
      ac.abort();
      assert.equal(await codeOf(running), 'E_ABORTED');
      assert.ok(Date.now() - t0 < 1500, `the cancel took ${Date.now() - t0} ms`);
      // The same engine process still serves.
      assert.equal(proc.pid, pid);
      assert.equal(proc.processesStarted, 1);
      assert.ok((await proc.countTokens('hello')) > 0);
      assert.equal((await proc.status()).state, 'ready');
    } finally {
      await proc.dispose();
    }
  });
});
