/** `hearth generate | complete | chat | quantize` end to end (child processes). */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inspectModel } from '../../extension/engine/gguf';
import { loadModel } from '../../extension/engine/engine';
import { planQuantization } from '../../extension/engine/quantize';
import { splitAt } from '../../extension/cli/commands/complete';
import { buildFimPrompt } from '../../extension/engine/fim';
import { randomModel, type RandomModelSpec } from '../helpers/model-factory';
import { runCli } from '../helpers/run-cli';
import { fixture } from '../helpers/fixtures';

const STORIES = 'tiny-llama/tinyllamas-stories-260k-f32.v3-derived.gguf';

describe('runtime: hearth CLI model commands', function () {
  this.timeout(120000);
  let dir: string;

  before(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-cli-'));
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('generate --json: BOS added, greedy, the documented JSON shape', async () => {
    const r = await runCli(['generate', fixture(STORIES), '--prompt', 'Once upon a time', '--n', '11', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out), ['promptTokens', 'tokens', 'text', 'timings', 'backend']);
    assert.deepEqual(Object.keys(out.backend), ['name', 'device', 'gpuLayers', 'reasons']);
    assert.deepEqual(out.promptTokens, [1, 403, 407, 261, 378]);
    assert.deepEqual(out.tokens, [432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426]);
    assert.equal(out.text, ', there was a little girl named Lily.');
    assert.deepEqual(Object.keys(out.timings), ['promptMs', 'genMs', 'promptTokensPerSec', 'genTokensPerSec']);
    assert.ok(out.timings.genTokensPerSec > 0);
  });

  it('generate without --json streams the text; --prompt-file works', async () => {
    const f = path.join(dir, 'prompt.txt');
    fs.writeFileSync(f, 'Once upon a time');
    const r = await runCli(['generate', fixture(STORIES), '--prompt-file', f, '--n', '11']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, ', there was a little girl named Lily.\n');
    assert.match(r.stderr, /generated 11/);
  });

  it('generate reports engine errors with their code (exit 2)', async () => {
    const r = await runCli(['generate', fixture('llama.cpp-vocab/ggml-vocab-gpt-2.gguf'), '--prompt', 'x', '--json']);
    assert.equal(r.code, 2);
    assert.equal(JSON.parse(r.stdout).error.code, 'E_MODEL_UNSUPPORTED_ARCH');
    const usage = await runCli(['generate', fixture(STORIES)]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /exactly one of --prompt and --prompt-file/);
  });

  it('complete: E_MODEL_NO_FIM for a model without FIM tokens', async () => {
    const f = path.join(dir, 'a.py');
    fs.writeFileSync(f, 'def f():\n    return 1\n');
    const r = await runCli(['complete', fixture(STORIES), '--file', f, '--line', '1', '--column', '4', '--json']);
    assert.equal(r.code, 2);
    assert.equal(JSON.parse(r.stdout).error.code, 'E_MODEL_NO_FIM');
  });

  it('complete --json fills the middle with the model\'s FIM tokens', async () => {
    const spec: RandomModelSpec = {
      arch: 'qwen2', vocabFrom: fixture('llama.cpp-vocab/ggml-vocab-deepseek-coder.gguf'), pre: 'qwen2',
      nEmbd: 64, nLayer: 2, nHead: 4, nHeadKv: 2, nFf: 128, nCtx: 256, tiedEmbeddings: true, seed: 5,
    };
    const model = await randomModel(spec);
    const f = path.join(dir, 'b.py');
    fs.writeFileSync(f, 'def add(a, b):\n    return \n\nprint(add(1, 2))\n');
    const r = await runCli(['complete', model, '--file', f, '--line', '1', '--column', '11', '--n', '8', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(typeof out.completion, 'string');
    assert.ok(out.timings.genMs >= 0);
    // Same as the engine API on the PSM prompt built from the split.
    const m = await loadModel(model, { threads: 1 });
    try {
      const { prefix, suffix } = splitAt(fs.readFileSync(f, 'utf8'), 1, 11);
      assert.equal(prefix, 'def add(a, b):\n    return ');
      const fim = buildFimPrompt(m.tokenizer, { prefix, suffix, path: f });
      assert.equal(fim.family, 'deepseek');
      const ids = [m.info.bos as number, m.info.fimPre as number, ...m.tokenize(prefix), m.info.fimSuf as number, ...m.tokenize(suffix), m.info.fimMid as number];
      assert.deepEqual(Array.from(fim.tokens), ids, 'BOS, then the PSM layout with the vocab\'s FIM tokens');
      const g = await m.createSession().generate(ids, { maxTokens: 8, stopTokens: fim.stopIds }).result;
      assert.equal(out.completion, g.text);
    } finally {
      m.dispose();
    }
  });

  it('chat reads lines from a pipe, streams answers, ends on /exit or EOF', async () => {
    const r = await runCli(['chat', fixture(STORIES), '--n', '16', '--temp', '0'], 'Once upon a time\n/exit\nnever read\n');
    assert.equal(r.code, 0, r.stderr);
    const answers = r.stdout.split('\n').filter((l) => l !== '');
    assert.equal(answers.length, 1, r.stdout);
    const eof = await runCli(['chat', fixture(STORIES), '--n', '8', '--temp', '0'], 'Hello\nLily went\n');
    assert.equal(eof.code, 0, eof.stderr);
    assert.ok(eof.stdout.split('\n').filter((l) => l !== '').length >= 1);
  });

  it('quantize Q4_K_M: mix rules, fallbacks for odd rows, norms stay F32, the result runs', async () => {
    const out = path.join(dir, 'stories-q4km.gguf');
    const r = await runCli(['quantize', fixture(STORIES), out, 'q4_k_m', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const info = await inspectModel(out);
    const type = (name: string): string => info.tensors.find((t) => t.name === name)?.type ?? '?';
    assert.equal(info.metadata['general.file_type'], 15);
    // embd 64 and ffn 172 fit no 256-element K block: Q4_K -> Q5_0, Q6_K -> Q8_0,
    // and rows of 172 fit no 32-element block either -> F16.
    assert.equal(type('output.weight'), 'Q8_0');
    assert.equal(type('token_embd.weight'), 'Q5_0');
    assert.equal(type('blk.0.attn_q.weight'), 'Q5_0');
    // use_more_bits(i, 5) holds for layers 2 and 4: Q6_K, which falls back to Q8_0 here.
    assert.equal(type('blk.0.attn_v.weight'), 'Q5_0');
    assert.equal(type('blk.2.attn_v.weight'), 'Q8_0');
    assert.equal(type('blk.4.attn_v.weight'), 'Q8_0');
    assert.equal(type('blk.0.ffn_down.weight'), 'F16');    // rows of 172
    assert.equal(type('blk.0.attn_norm.weight'), 'F32');
    assert.equal(type('output_norm.weight'), 'F32');
    const m = await loadModel(out, { threads: 1 });
    try {
      const g = await m.createSession().generate('Once upon a time', { maxTokens: 8 }).result;
      assert.equal(g.tokens.length, 8);
    } finally {
      m.dispose();
    }
  });

  it('the Q4_K_M / Q5_K_M plan matches llama.cpp\'s rules on a 4096-wide, 8-layer shape', () => {
    const tensors = [
      { name: 'token_embd.weight', shape: [4096, 32000] },
      { name: 'output_norm.weight', shape: [4096] },
      { name: 'output.weight', shape: [4096, 32000] },
    ];
    for (let l = 0; l < 8; l++) {
      for (const [n, shape] of [['attn_norm.weight', [4096]], ['attn_q.weight', [4096, 4096]], ['attn_k.weight', [4096, 1024]],
        ['attn_v.weight', [4096, 1024]], ['attn_output.weight', [4096, 4096]], ['ffn_norm.weight', [4096]],
        ['ffn_gate.weight', [4096, 11008]], ['ffn_up.weight', [4096, 11008]], ['ffn_down.weight', [11008, 4096]],
        ['attn_q.bias', [4096]]] as [string, number[]][]) {
        tensors.push({ name: `blk.${l}.${n}`, shape });
      }
    }
    const full = tensors.map((t) => ({ ...t, type: 'F16', typeId: 1, offset: 0, nElements: 0, nBytes: 0 }));
    // use_more_bits(i, 8): i < 1 || i >= 7 || (i - 1) % 3 == 2  ->  layers 0, 3, 6, 7
    const more = new Set([0, 3, 6, 7]);
    for (const [target, base] of [['Q4_K_M', 'Q4_K'], ['Q5_K_M', 'Q5_K']]) {
      const plan = planQuantization(full, target);
      assert.equal(plan.get('output.weight'), 'Q6_K');
      assert.equal(plan.get('token_embd.weight'), base);
      assert.equal(plan.get('output_norm.weight'), 'F16', '1-D tensors keep their type');
      for (let l = 0; l < 8; l++) {
        assert.equal(plan.get(`blk.${l}.attn_v.weight`), more.has(l) ? 'Q6_K' : base, `${target} layer ${l} attn_v`);
        assert.equal(plan.get(`blk.${l}.ffn_down.weight`), more.has(l) ? 'Q6_K' : base, `${target} layer ${l} ffn_down`);
        assert.equal(plan.get(`blk.${l}.attn_q.weight`), base);
        assert.equal(plan.get(`blk.${l}.ffn_up.weight`), base);
        assert.equal(plan.get(`blk.${l}.attn_q.bias`), 'F16');
      }
    }
    // Plain targets: the output still gets Q6_K (Q8_0 keeps Q8_0); F16 leaves everything F16.
    assert.equal(planQuantization(full, 'Q4_0').get('output.weight'), 'Q6_K');
    assert.equal(planQuantization(full, 'Q4_0').get('blk.0.attn_v.weight'), 'Q4_0');
    assert.equal(planQuantization(full, 'Q8_0').get('output.weight'), 'Q8_0');
    assert.equal(planQuantization(full, 'F16').get('output.weight'), 'F16');
    // Tied embeddings: token_embd takes the output rule.
    const tied = full.filter((t) => t.name !== 'output.weight');
    assert.equal(planQuantization(tied, 'Q4_K_M').get('token_embd.weight'), 'Q6_K');
    // IQ4_NL / IQ4_XS: plain targets; IQ4_XS rows that fit no 256-element block fall back to IQ4_NL.
    for (const target of ['IQ4_NL', 'IQ4_XS']) {
      const plan = planQuantization(full, target);
      assert.equal(plan.get('output.weight'), 'Q6_K');
      assert.equal(plan.get('token_embd.weight'), target);
      assert.equal(plan.get('blk.0.attn_v.weight'), target);
      assert.equal(plan.get('blk.7.ffn_down.weight'), target);
    }
    const odd = [{ name: 'blk.0.ffn_up.weight', shape: [96, 8] }, { name: 'blk.0.ffn_down.weight', shape: [100, 8] }]
      .map((t) => ({ ...t, type: 'F32', typeId: 0, offset: 0, nElements: 0, nBytes: 0 }));
    assert.equal(planQuantization(odd, 'IQ4_XS').get('blk.0.ffn_up.weight'), 'IQ4_NL');
    assert.equal(planQuantization(odd, 'IQ4_XS').get('blk.0.ffn_down.weight'), 'F16');
  });
});
