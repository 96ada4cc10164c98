/** The benchmark harness's pure parts (bench/**): math, flags, table, chart, model layout (the latency trace has its own tests in latency-*.test.ts). */
import { strict as assert } from 'assert';
import { parseBenchArgs } from '../../bench/args';
import { parseChildOutput } from '../../bench/engines/spawn-child';
import { procStatusBytes, promptIds, type ChildResult, type EngineName } from '../../bench/engines/protocol';
import { hash2, RowPool } from '../../bench/model/random-pool';
import { parameterCount, planModel, SHAPES, tensorLayout, type ModelShape } from '../../bench/model/shapes';
import { padVocab } from '../../bench/model/vocab';
import { escapeXml, resultsChart } from '../../bench/report/chart';
import { bounds, flopsPerPromptToken, median, percentile, ratio, weightBytesPerToken } from '../../bench/report/stats';
import { summarizeCase, type EngineRun } from '../../bench/report/summary';
import { resultsTable } from '../../bench/report/table';

export const TINY: ModelShape = { id: 'tiny', nEmbd: 256, nLayer: 8, nHead: 4, nHeadKv: 2, nFf: 512, nVocab: 320, nCtxTrain: 2048, tiedEmbeddings: true };

function child(engine: EngineName, pp: number, tg: number, load: number, rss: number): ChildResult {
  return { engine, loadToFirstTokenMs: load, ppTokPerSec: pp, tgTokPerSec: tg, tgTokens: 128, peakRssBytes: rss, baseRssBytes: 0, backendNote: 'cpu' };
}

describe('bench: statistics', () => {
  it('median of odd and even counts, ignoring non-finite values', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([NaN, 5]), 5);
    assert.ok(Number.isNaN(median([])));
  });
  it('nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(xs, 50), 50);
    assert.equal(percentile(xs, 95), 95);
    assert.equal(percentile([7], 95), 7);
  });
  it('ratio is NaN when a side is missing or zero', () => {
    assert.equal(ratio(3, 2), 1.5);
    assert.ok(Number.isNaN(ratio(1, 0)));
    assert.ok(Number.isNaN(ratio(NaN, 2)));
  });
  it('weight bytes per token: a tied embedding is read whole, an untied one is not', () => {
    const tied = planModel(TINY, 'f16');
    const all = tied.reduce((n, t) => n + t.nBytes, 0);
    assert.equal(weightBytesPerToken(tied), all);
    const untied = planModel({ ...TINY, tiedEmbeddings: false }, 'f16');
    const embd = untied.find((t) => t.name === 'token_embd.weight');
    assert.ok(embd);
    assert.equal(weightBytesPerToken(untied), untied.reduce((n, t) => n + t.nBytes, 0) - embd.nBytes);
  });
  it('FLOPs per prompt token: 2 per weight of the matmuls plus attention over the average position', () => {
    // per layer: q 256x256, k and v 256x128, o 256x256, 3 FFN 256x512
    const perLayer = 65536 + 2 * 32768 + 65536 + 3 * 131072;
    const expect = 2 * (8 * perLayer + 256 * 320) + 8 * 4 * 256 * ((512 + 1) / 2);
    assert.equal(flopsPerPromptToken(TINY, 512), expect);
    const b = bounds(TINY, planModel(TINY, 'f16'), { readBytesPerSec: 1e9, fmaFlopsPerSec: 1e11 }, 512);
    assert.equal(b.ppTokPerSec, 1e11 / expect);
    assert.equal(b.tgTokPerSec, 1e9 / weightBytesPerToken(planModel(TINY, 'f16')));
  });
});

describe('bench: model layout', () => {
  it('the Qwen2.5-Coder shapes have their published parameter counts', () => {
    // 0.49B and 1.54B in the model cards (tied head counted once)
    assert.ok(Math.abs(parameterCount(SHAPES['0.5b']) / 1e9 - 0.494) < 0.01, String(parameterCount(SHAPES['0.5b'])));
    assert.ok(Math.abs(parameterCount(SHAPES['1.5b']) / 1e9 - 1.543) < 0.01, String(parameterCount(SHAPES['1.5b'])));
  });
  it('qwen2 tensors: biases on q/k/v, no output.weight when tied', () => {
    const names = tensorLayout(TINY).map((t) => t.name);
    assert.equal(names.length, 2 + 12 * 8);
    assert.ok(names.includes('blk.3.attn_k.bias'));
    assert.ok(!names.includes('output.weight'));
    assert.ok(tensorLayout({ ...TINY, tiedEmbeddings: false }).some((t) => t.name === 'output.weight'));
  });
  it('Q4_K_M: Q6_K on attn_v/ffn_down of the use_more_bits layers and on the tied embedding', () => {
    const plan = new Map(planModel(TINY, 'q4_k_m').map((t) => [t.name, t.type]));
    assert.equal(plan.get('token_embd.weight'), 'Q6_K');
    // use_more_bits(i, 8): i < 1, i >= 7, (i - 1) % 3 == 2
    for (let l = 0; l < 8; l++) {
      const more = l === 0 || l === 3 || l === 6 || l === 7;
      assert.equal(plan.get(`blk.${l}.attn_v.weight`), more ? 'Q6_K' : 'Q4_K', `layer ${l}`);
      assert.equal(plan.get(`blk.${l}.ffn_down.weight`), more ? 'Q6_K' : 'Q4_K', `layer ${l}`);
      assert.equal(plan.get(`blk.${l}.attn_q.weight`), 'Q4_K');
    }
    assert.equal(plan.get('blk.0.attn_q.bias'), 'F32');
    assert.equal(plan.get('output_norm.weight'), 'F32');
  });
  it('plain formats keep every matrix in that type; unknown formats are refused', () => {
    for (const [f, type] of [['f16', 'F16'], ['bf16', 'BF16'], ['q8_0', 'Q8_0']]) {
      const m = planModel(TINY, f).filter((t) => t.role === 'matrix' || t.role === 'vocab');
      assert.ok(m.every((t) => t.type === type), f);
    }
    assert.throws(() => planModel(TINY, 'q3_xs'), /unknown format q3_xs/);
  });
  it('the vocab is padded to the shape with UNUSED tokens after the Qwen markers', () => {
    const v = padVocab(['a', 'b'], [1, 1], 16);
    assert.equal(v.tokens.length, 16);
    assert.equal(v.tokens[2], '<|fim_prefix|>');
    assert.equal(v.types[2], 3);
    assert.equal(v.tokens[15], '[PAD15]');
    assert.equal(v.types[15], 5);
    assert.throws(() => padVocab(['a'], [1], 4), /more than 4/);
  });
  it('random rows are deterministic, differ between rows, and have the asked spread', () => {
    const a = new RowPool(5, 64, 4096);
    const b = new RowPool(5, 64, 4096);
    const x = new Float32Array(64 * 100);
    const y = new Float32Array(64 * 100);
    a.fill(x, 1, 0, 100, 64, 0.02);
    b.fill(y, 1, 0, 100, 64, 0.02);
    assert.deepEqual(x, y);
    assert.notDeepEqual(x.subarray(0, 64), x.subarray(64, 128));
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const std = Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length);
    assert.ok(Math.abs(std - 0.02) < 0.003, `std ${std}`);
    assert.notEqual(hash2(1, 2), hash2(2, 1));
  });
});

describe('bench: flags', () => {
  const d = { resultsDir: '/r', cacheDir: '/c' };
  it('defaults and every flag', () => {
    const a = parseBenchArgs([], d);
    assert.deepEqual([a.models, a.formats, a.runs, a.threads, a.backend, a.resultsDir], [['0.5b'], ['q4_0', 'q8_0'], 3, 0, 'cpu', '/r']);
    const b = parseBenchArgs(['--models', '0.5b,1.5b', '--formats=q4_k_m,bf16', '--runs', '5', '--threads', '2', '--backend', 'vulkan', '--json', 'o.json', '--no-save', '--no-cold'], d);
    assert.deepEqual([b.models, b.formats, b.runs, b.threads, b.backend, b.json, b.resultsDir, b.cold], [['0.5b', '1.5b'], ['q4_k_m', 'bf16'], 5, 2, 'vulkan', 'o.json', null, false]);
  });
  it('bad values name what was wrong', () => {
    assert.throws(() => parseBenchArgs(['--models', '7b'], d), /unknown model '7b'/);
    assert.throws(() => parseBenchArgs(['--runs', '0'], d), /--runs needs a positive integer/);
    assert.throws(() => parseBenchArgs(['--backend', 'metal'], d), /unknown backend 'metal'/);
    assert.throws(() => parseBenchArgs(['--frobnicate'], d), /unknown flag '--frobnicate'/);
    assert.throws(() => parseBenchArgs(['--runs'], d), /--runs needs a value/);
    assert.throws(() => parseBenchArgs(['--ctx', '100'], d), /--ctx must hold/);
  });
});

describe('bench: report', () => {
  const runs: EngineRun[] = [
    { engine: 'hearth', full: child('hearth', 100, 20, 50, 600 << 20), cold: child('hearth', 0, 0, 500, 0) },
    { engine: 'llama.cpp', full: child('llama.cpp', 50, 10, 100, 700 << 20), cold: child('llama.cpp', 0, 0, 900, 0) },
    { engine: 'hearth', full: child('hearth', 120, 22, 60, 610 << 20), cold: child('hearth', 0, 0, 520, 0) },
    { engine: 'llama.cpp', full: child('llama.cpp', 60, 11, 110, 710 << 20), cold: child('llama.cpp', 0, 0, 1000, 0) },
    { engine: 'hearth', full: child('hearth', 110, 21, 55, 605 << 20), cold: null },
    { engine: 'llama.cpp', full: child('llama.cpp', 55, 12, 105, 705 << 20), cold: null },
  ];
  const c = summarizeCase('0.5b', 'q8_0', 1e9, 5e8, { tgTokPerSec: 40, ppTokPerSec: 220 }, runs);
  it('medians per engine, ratios Hearth / llama.cpp, fractions of the bounds', () => {
    assert.equal(c.runs, 3);
    assert.equal(c.hearth.ppTokPerSec, 110);
    assert.equal(c.llamaCpp.ppTokPerSec, 55);
    assert.equal(c.ratio.ppTokPerSec, 2);
    assert.equal(c.ratio.tgTokPerSec, 21 / 11);
    assert.equal(c.hearth.loadColdMs, 510);
    assert.equal(c.llamaCpp.loadColdMs, 950);
    assert.equal(c.fraction.hearth.tg, 21 / 40);
    assert.equal(c.fraction.llamaCpp.pp, 55 / 220);
  });
  it('table: one row per case with both engines and the ratio', () => {
    const t = resultsTable([c]);
    const lines = t.trim().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[2], /^\| 0\.5b \| q8_0 \| 110\.0 \/ 55\.0 \(2\.00\) \| 21\.0 \/ 11\.0 \(1\.91\) \| 55 \/ 105 \| 510 \/ 950 \| 605 \/ 705 \| 53% \/ 28% \| 50% \/ 25% \|$/);
    assert.match(resultsTable([{ ...c, hearth: { ...c.hearth, tgTokPerSec: NaN } }]), /– \/ 11\.0/);
    assert.equal(c.llamaRaw, null);
  });
  it('raw llama.cpp: its medians, Hearth / raw ratios and three more table cells', () => {
    const withRaw = summarizeCase('0.5b', 'q8_0', 1e9, 5e8, { tgTokPerSec: 40, ppTokPerSec: 220 }, [
      ...runs,
      { engine: 'llama.cpp-raw', full: child('llama.cpp-raw', 80, 16, 90, 300 << 20), cold: null },
      { engine: 'llama.cpp-raw', full: child('llama.cpp-raw', 88, 20, 95, 310 << 20), cold: null },
      { engine: 'llama.cpp-raw', full: child('llama.cpp-raw', 84, 18, 92, 305 << 20), cold: null },
    ]);
    assert.equal(withRaw.llamaRaw?.ppTokPerSec, 84);
    assert.equal(withRaw.ratioRaw?.tgTokPerSec, 21 / 18);
    assert.equal(withRaw.fraction.llamaRaw?.tg, 18 / 40);
    const row = resultsTable([withRaw]).trim().split('\n')[2];
    assert.match(row, /\| 84\.0 \(1\.31\) \| 18\.0 \(1\.17\) \| 92, 305, 45% \|$/);
    const bars = [...resultsChart([withRaw], 't').matchAll(/<rect x="[\d.]+" y="[\d.]+" width="26"/g)];
    assert.equal(bars.length, 3 * 2);
  });
  it('chart: an SVG with two bars per case per panel, scaled to the largest, names escaped', () => {
    const svg = resultsChart([c, { ...c, format: 'q4_0' }], 'A <test> & "chart"');
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.ok(svg.trim().endsWith('</svg>'));
    assert.ok(svg.includes('A &lt;test&gt; &amp; &quot;chart&quot;'));
    const bars = [...svg.matchAll(/<rect x="[\d.]+" y="([\d.]+)" width="26" height="([\d.]+)"/g)];
    assert.equal(bars.length, 2 * 2 * 2);
    // The largest bar of a panel has the full height (200 - 14).
    assert.ok(bars.some((b) => Number(b[2]) === 186));
    assert.equal(escapeXml('a<b'), 'a&lt;b');
  });
});

describe('bench: child protocol', () => {
  it('reads VmHWM/VmRSS in bytes and the RESULT line', () => {
    const s = 'Name:\tnode\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\n';
    assert.equal(procStatusBytes(s, 'VmHWM'), 2048 * 1024);
    assert.equal(procStatusBytes(s, 'VmRSS'), 1024 * 1024);
    assert.equal(procStatusBytes('', 'VmHWM'), 0);
    const r = child('hearth', 1, 2, 3, 4);
    assert.deepEqual(parseChildOutput(`log\nRESULT ${JSON.stringify(r)}\n`), r);
    assert.equal(parseChildOutput('no result'), null);
  });
  it('prompt ids are deterministic, in range, and avoid the given id', () => {
    const a = promptIds(512, 42, 50000, 300);
    assert.deepEqual(a, promptIds(512, 42, 50000, 300));
    assert.equal(a.length, 512);
    assert.ok(a.every((id) => id >= 256 && id < 50000 && id !== 300));
  });
});
