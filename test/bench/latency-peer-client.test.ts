/** The peer client's llama.vscode behaviour against a fake /infill server (bench/peer/llama-vscode-client.ts). */
import { strict as assert } from 'assert';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { LlamaVscodeClient, fimContext, llamaVscodeDefaults } from '../../bench/peer/llama-vscode-client';
import { EditorSim } from '../../bench/latency/editor';
import { serverArgs } from '../../bench/peer/llama-server';

interface Seen {
  body: Record<string, unknown>;
}

async function fakeServer(reply: (body: Record<string, unknown>) => Record<string, unknown>, delayMs = 0): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const srv = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      const body = JSON.parse(data) as Record<string, unknown>;
      seen.push({ body });
      setTimeout(() => {
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify(reply(body)));
      }, delayMs);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise((r) => srv.close(() => r())) };
}

const text = 'def f(x):\n    total = 0\n    return total\n';
const doc = (offset: number, t = text): { relPath: string; text: string; offset: number } => ({ relPath: 'a.py', text: t, offset });

describe('bench: llama.vscode peer client', () => {
  it('cuts the local context as llama.vscode does', () => {
    const c = fimContext(doc(text.indexOf('total = 0') + 5), 256, 64);
    assert.equal(c.inputPrefix, 'def f(x):\n');
    assert.equal(c.prompt, '    total');
    assert.equal(c.lineSuffix, ' = 0');
    assert.equal(c.inputSuffix, ' = 0\n    return total\n\n');
    // An indentation-only line sends no prompt.
    assert.equal(fimContext(doc(text.indexOf('total = 0')), 256, 64).prompt, '');
  });

  it("the server command line carries the FIM flags of llama.vscode's README", () => {
    const a = serverArgs({ model: 'm.gguf', contextTokens: 4096, threads: 2, logFile: 'x' }, 8012);
    assert.deepEqual(a.slice(a.indexOf('-ub'), a.indexOf('-ub') + 6), ['-ub', '1024', '-b', '1024', '--cache-reuse', '256']);
    assert.equal(a[a.indexOf('-c') + 1], '4096');
    assert.equal(a[a.indexOf('-t') + 1], '2');
    assert.equal(a[a.indexOf('--host') + 1], '127.0.0.1');
  });

  it('sends /infill as llama.vscode does, serves typing-through from its cache, and asks for the future suggestion', async () => {
    const srv = await fakeServer(() => ({ content: 'otal_sum = 0', tokens_evaluated: 50, timings: { prompt_n: 40, cache_n: 10, predicted_n: 8 } }));
    try {
      let cpu = 0;
      const client = new LlamaVscodeClient(srv.url, () => (cpu += 10), llamaVscodeDefaults(8));
      const lines = ['def f(x):', '    t', '    return total', ''];
      const ed = new EditorSim([{ relPath: 'a.py', text: lines.join('\n') }, { relPath: 'b.py', text: 'x = 1\n' }]);
      let t = 0;
      await client.begin(() => t, ed);
      const d1 = { relPath: 'a.py', text: lines.join('\n'), offset: lines[0].length + 1 + lines[1].length };
      const r1 = await client.complete(d1, new AbortController().signal);
      assert.deepEqual(r1, { suggestion: { text: 'otal_sum = 0', replaceChars: 0 }, fromCache: false });
      const b = srv.seen[0].body;
      assert.equal(b.input_prefix, 'def f(x):\n');
      assert.equal(b.prompt, '    t');
      assert.equal(b.input_suffix, '\n    return total\n\n');
      assert.equal(b.n_predict, 8);
      assert.equal(b.cache_prompt, true);
      assert.equal(b.ignore_eos, true);
      assert.equal(b.t_max_predict_ms, 500);
      // Not the infill sampler: with random weights it ends every suggestion after one token.
      assert.deepEqual(b.samplers, ['top_k', 'top_p']);
      // Typing "ot" through the suggestion: served from the cache, no request.
      const text2 = lines.join('\n').replace('    t\n', '    tot\n');
      t = 100;
      const r2 = await client.complete({ relPath: 'a.py', text: text2, offset: d1.offset + 2 }, new AbortController().signal);
      assert.deepEqual(r2, { suggestion: { text: 'al_sum = 0', replaceChars: 0 }, fromCache: true });
      await new Promise((r) => setTimeout(r, 100)); // the deferred work after a shown suggestion
      const report = await client.end({ keyTimes: [0, 100], jumpTimes: [] });
      // The first answer, then the future suggestion for "    total_sum = 0" (a prefetch; the
      // cached answer's deferred work asks again while the first one is in flight, as llama.vscode would).
      assert.deepEqual(report.requests[0].kind, 'request');
      assert.deepEqual([report.requests[0].outcome, report.requests[0].evaluatedTokens, report.requests[0].promptTokens, report.requests[0].wasted], ['done', 40, 50, false]);
      const future = report.requests.slice(1);
      assert.ok(future.length >= 1);
      assert.ok(srv.seen.slice(1).every((x) => x.body.prompt === '    total_sum = 0'));
      // No future answer was ever served: thrown away.
      assert.ok(future.every((r) => r.kind === 'prefetch' && r.wasted));
    } finally {
      await srv.close();
    }
  });

  it('waits for the request in flight and gives up when cancelled meanwhile; never aborts a request it sent', async () => {
    const srv = await fakeServer(() => ({ content: 'x + 1', timings: { prompt_n: 5, predicted_n: 8 } }), 400);
    try {
      const client = new LlamaVscodeClient(srv.url, () => 0, llamaVscodeDefaults(8));
      const ed = new EditorSim([{ relPath: 'a.py', text }, { relPath: 'b.py', text: 'y\n' }]);
      await client.begin(() => 0, ed);
      const a1 = new AbortController();
      const first = client.complete(doc(text.indexOf('total = 0') + 5), a1.signal);
      await new Promise((r) => setTimeout(r, 50));
      a1.abort(); // the user typed on: VS Code cancels, the HTTP request goes on
      const a2 = new AbortController();
      const second = client.complete(doc(text.indexOf('total = 0') + 6), a2.signal);
      await new Promise((r) => setTimeout(r, 100));
      a2.abort(); // cancelled while waiting: never sent
      assert.deepEqual(await second, { suggestion: null, fromCache: false });
      await first;
      const report = await client.end({ keyTimes: [], jumpTimes: [] });
      assert.equal(srv.seen.length, 1);
      assert.equal(report.requests.length, 1);
      assert.equal(report.requests[0].outcome, 'superseded');
      assert.equal(report.requests[0].wasted, true);
    } finally {
      await srv.close();
    }
  });

  it('no request when more than 8 characters are right of the cursor', async () => {
    const srv = await fakeServer(() => ({ content: 'z' }));
    try {
      const client = new LlamaVscodeClient(srv.url, () => 0, llamaVscodeDefaults(8));
      await client.begin(() => 0, new EditorSim([{ relPath: 'a.py', text }, { relPath: 'b.py', text: 'y\n' }]));
      const r = await client.complete(doc(text.indexOf('total = 0')), new AbortController().signal);
      assert.equal(r.suggestion, null);
      await client.end({ keyTimes: [], jumpTimes: [] });
      assert.equal(srv.seen.length, 0);
    } finally {
      await srv.close();
    }
  });
});
