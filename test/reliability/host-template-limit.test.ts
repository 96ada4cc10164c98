/**
 * Defect 7: a GGUF's chat template ran with no time or memory limit on the
 * engine's JS thread (`range(1000000000)` killed the engine after 10.8 s and
 * no cancel could land). Renders now run in a warm worker with limits and fail
 * with E_TEMPLATE_LIMIT; the calling thread stays free meanwhile.
 */
import { strict as assert } from 'assert';
import { chatTokens, type ChatTokenizer } from '../../extension/host/chat-prompt';
import { renderChat } from '../../extension/engine/chat-template';
import { TemplateSandbox } from '../../extension/engine/template-sandbox';

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
      const code = await codeOf(chatTokens(charTokenizer('{% for i in range(1000000000) %}{{ i }}{% endfor %}'), MSGS));
      assert.equal(code, 'E_TEMPLATE_LIMIT');
    } finally {
      clearInterval(tick);
    }
    const ms = Date.now() - t0;
    // Worker start (tsx compiles it here) + the 2 s render bound + slack.
    assert.ok(ms < 15000, `took ${ms} ms`);
    assert.ok(ticks >= 20, `the calling thread was blocked (only ${ticks} timer ticks in ${ms} ms)`);
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
