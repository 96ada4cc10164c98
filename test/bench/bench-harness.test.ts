/** The benchmark harness's pure parts (bench/**): math, flags, table, chart, model layout (the latency trace has its own tests in latency-*.test.ts). */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseBenchArgs, USAGE } from '../../bench/args';
import { childEnv, parseChildOutput } from '../../bench/engines/spawn-child';
import { levelMismatch, procStatusBytes, promptIdBound, promptIds, type ChildRequest, type ChildResult, type EngineName } from '../../bench/engines/protocol';
import { llamaRefStale, parseLlamaRefOutput } from '../../bench/engines/raw-llama';
import { defaultLevels, hearthLabel, resolveLevels, type LevelCpu } from '../../bench/levels';
import { hash2, RowPool } from '../../bench/model/random-pool';
import { parameterCount, planModel, shapeById, SHAPES, slidingLayer, tensorLayout, type ModelShape } from '../../bench/model/shapes';
import { modelMetadata } from '../../bench/model/write-model';
import { padVocab, textRows } from '../../bench/model/vocab';
import { escapeXml, resultsChart } from '../../bench/report/chart';
import { bounds, flopsPerPromptToken, median, percentile, ratio, weightBytesPerToken } from '../../bench/report/stats';
import { ppBatchTable } from '../../bench/report/batch-table';
import { summarizeCase, type EngineRun } from '../../bench/report/summary';
import { ratioLines } from '../../bench/report/summary-lines';
import { resultsTable } from '../../bench/report/table';
import { readReport, writeResults } from '../../bench/report/write-results';

export const TINY: ModelShape = { id: 'tiny', arch: 'qwen2', nEmbd: 256, nLayer: 8, nHead: 4, nHeadKv: 2, headDim: 64, nFf: 512, nVocab: 320, nCtxTrain: 2048, tiedEmbeddings: true };
// qwen3: a head size that is not nEmbd / nHead, as in the real models (1024 / 16 heads, head_dim 128).
const TINY_QWEN3: ModelShape = { ...TINY, id: 'tiny-qwen3', arch: 'qwen3', headDim: 128 };
// qwen3moe: 8 experts, 2 used, untied head; expert width 256 so Q4_K fits its rows.
const TINY_MOE: ModelShape = { ...TINY, id: 'tiny-moe', arch: 'qwen3moe', nLayer: 4, nHeadKv: 1, tiedEmbeddings: false, nExpert: 8, nExpertUsed: 2, nFfExp: 256 };
// gemma3: heads of 128 on 256 wide, one KV head (as in the 1B), 5 of 6 layers sliding over 64 positions.
const TINY_GEMMA3: ModelShape = { ...TINY, id: 'tiny-gemma3', arch: 'gemma3', nHeadKv: 1, headDim: 128, slidingWindow: 64 };
// starcoder2: LayerNorm and biases everywhere, StarCoder2's eps and rope base.
const TINY_SC2: ModelShape = { ...TINY, id: 'tiny-sc2', arch: 'starcoder2', ropeBase: 999999.4, normEps: 1e-5 };
// gpt-oss: 8 experts of 256, 2 used, untied; layers 0 and 2 slide over 128 positions; YaRN x4 over 512.
const TINY_OSS: ModelShape = {
  ...TINY, id: 'tiny-oss', arch: 'gpt-oss', nLayer: 4, tiedEmbeddings: false, nExpert: 8, nExpertUsed: 2, nFfExp: 256,
  ropeBase: 150000, normEps: 1e-5, slidingWindow: 128, ropeYarn: { factor: 4, origCtx: 512 },
};

/** Bytes of a tensor of `elems` values in Q8_0 (32 values in 34 bytes). */
const q8 = (elems: number): number => (elems / 32) * 34;

function child(engine: EngineName, pp: number, tg: number, load: number, rss: number, batches?: Record<string, number>): ChildResult {
  const r: ChildResult = { engine, loadToFirstTokenMs: load, ppTokPerSec: pp, tgTokPerSec: tg, tgTokens: 128, peakRssBytes: rss, baseRssBytes: 0, backendNote: 'cpu' };
  if (batches) r.ppBatchTokPerSec = batches;
  return r;
}

const X64_LEVELS = ['generic', 'sse2', 'avx2', 'avx512', 'avx512vnni', 'avx512bf16'] as const;
/** cpuInfo() of an x86-64 CPU that runs every level up to `top`, with dispatch having selected `top`. */
function x64Cpu(top: (typeof X64_LEVELS)[number]): LevelCpu {
  const up = X64_LEVELS.indexOf(top);
  return { selected: top, levels: X64_LEVELS.map((name, i) => ({ name, supported: i <= up })) };
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
  it('weight bytes per token: a tied embedding is read whole, of an untied one only the token\'s row', () => {
    const tied = planModel(TINY, 'f16');
    const all = tied.reduce((n, t) => n + t.nBytes, 0);
    assert.equal(weightBytesPerToken(TINY, tied), all);
    const untiedShape = { ...TINY, tiedEmbeddings: false };
    const untied = planModel(untiedShape, 'f16');
    const embd = untied.find((t) => t.name === 'token_embd.weight');
    assert.ok(embd);
    assert.equal(weightBytesPerToken(untiedShape, untied), untied.reduce((n, t) => n + t.nBytes, 0) - embd.nBytes + 256 * 2);
  });
  it('weight bytes per token of a MoE: the used experts only, the router and attention whole', () => {
    const plan = planModel(TINY_MOE, 'q8_0');
    const exps = plan.filter((t) => t.name.endsWith('_exps.weight')).reduce((n, t) => n + t.nBytes, 0);
    const rest = plan.filter((t) => !t.name.endsWith('_exps.weight') && t.name !== 'token_embd.weight').reduce((n, t) => n + t.nBytes, 0);
    assert.equal(weightBytesPerToken(TINY_MOE, plan), rest + (exps * 2) / 8 + q8(256));
    // per layer: 2 of 8 experts of gate, up and down, 256 x 256 each
    assert.equal(exps * 2 / 8, 4 * 2 * 3 * q8(256 * 256));
    const b = bounds(TINY_MOE, plan, { readBytesPerSec: 1e9, fmaFlopsPerSec: 1e11 }, 512);
    assert.equal(b.tgTokPerSec, 1e9 / weightBytesPerToken(TINY_MOE, plan));
    assert.ok(b.tgTokPerSec > 1e9 / plan.reduce((n, t) => n + t.nBytes, 0) * 2, 'a MoE token reads far less than its file');
  });
  it('weight bytes per token of gpt-oss: the used experts\' biases only too, the router\'s bias and the sinks whole', () => {
    const plan = planModel(TINY_OSS, 'q8_0');
    const perExpert = plan.filter((t) => /_exps\.(weight|bias)$/.test(t.name)).reduce((n, t) => n + t.nBytes, 0) / 8;
    const rest = plan.filter((t) => !/_exps\.(weight|bias)$/.test(t.name) && t.name !== 'token_embd.weight').reduce((n, t) => n + t.nBytes, 0);
    assert.equal(weightBytesPerToken(TINY_OSS, plan), rest + 2 * perExpert + q8(256));
    // per layer and expert: gate, up, down 256 x 256 in Q8_0, biases 256 + 256 + 256 in F32
    assert.equal(perExpert, 4 * (3 * q8(256 * 256) + 3 * 256 * 4));
  });
  it('FLOPs per prompt token: 2 per weight of the matmuls plus attention over the average position', () => {
    // per layer: q 256x256, k and v 256x128, o 256x256, 3 FFN 256x512
    const perLayer = 65536 + 2 * 32768 + 65536 + 3 * 131072;
    const expect = 2 * (8 * perLayer + 256 * 320) + 8 * 4 * 256 * ((512 + 1) / 2);
    assert.equal(flopsPerPromptToken(TINY, 512), expect);
    const b = bounds(TINY, planModel(TINY, 'f16'), { readBytesPerSec: 1e9, fmaFlopsPerSec: 1e11 }, 512);
    assert.equal(b.ppTokPerSec, 1e11 / expect);
    assert.equal(b.tgTokPerSec, 1e9 / weightBytesPerToken(TINY, planModel(TINY, 'f16')));
  });
  it('FLOPs per prompt token: qwen3 sizes Q/K/V by head_dim, a MoE counts its router and used experts', () => {
    // q and o 256x512, k and v 256x256 (4 and 2 heads of 128)
    const q3Layer = 2 * 256 * 512 + 2 * 256 * 256 + 3 * 256 * 512;
    assert.equal(flopsPerPromptToken(TINY_QWEN3, 512), 2 * (8 * q3Layer + 256 * 320) + 8 * 4 * 512 * ((512 + 1) / 2));
    // q and o 256x256, k and v 256x64, router 256x8, 2 experts of 3 256x256 matrices
    const moeLayer = 2 * 256 * 256 + 2 * 256 * 64 + 256 * 8 + 2 * 3 * 256 * 256;
    assert.equal(flopsPerPromptToken(TINY_MOE, 512), 2 * (4 * moeLayer + 256 * 320) + 4 * 4 * 256 * ((512 + 1) / 2));
  });
  it('FLOPs per prompt token: a sliding layer attends to at most its window; starcoder2 has no gate', () => {
    // gemma3: q and o 256x512, k and v 256x128, 3 FFN 256x512; 7 of 8 layers slide (all but 5).
    const gLayer = 2 * 256 * 512 + 2 * 256 * 128 + 3 * 256 * 512;
    // Over 512 positions a 64-window layer sees 1, 2, ... 64, then 64 each: (2080 + 448 * 64) / 512 on average.
    const windowed = (64 * 65) / 2 / 512 + (448 * 64) / 512;
    assert.equal(flopsPerPromptToken(TINY_GEMMA3, 512), 2 * (8 * gLayer + 256 * 320) + 4 * 512 * (1 * 256.5 + 7 * windowed));
    // A window past the prompt changes nothing.
    assert.equal(flopsPerPromptToken({ ...TINY_GEMMA3, slidingWindow: 4096 }, 512), flopsPerPromptToken({ ...TINY_GEMMA3, slidingWindow: undefined }, 512));
    // starcoder2: up and down only.
    const scLayer = 2 * 256 * 256 + 2 * 256 * 128 + 2 * 256 * 512;
    assert.equal(flopsPerPromptToken(TINY_SC2, 512), 2 * (8 * scLayer + 256 * 320) + 8 * 4 * 256 * 256.5);
    // gpt-oss: router, 2 of 8 experts of 3 256x256 matrices; layers 0 and 2 of 4 see at most 128 positions.
    const ossLayer = 2 * 256 * 256 + 2 * 256 * 128 + 256 * 8 + 2 * 3 * 256 * 256;
    const w128 = (128 * 129) / 2 / 512 + (384 * 128) / 512;
    assert.equal(flopsPerPromptToken(TINY_OSS, 512), 2 * (4 * ossLayer + 256 * 320) + 4 * 256 * (2 * 256.5 + 2 * w128));
  });
});

describe('bench: model layout', () => {
  it('the Qwen2.5-Coder shapes have their published parameter counts', () => {
    // 0.49B and 1.54B in the model cards (tied head counted once)
    assert.ok(Math.abs(parameterCount(SHAPES['0.5b']) / 1e9 - 0.494) < 0.01, String(parameterCount(SHAPES['0.5b'])));
    assert.ok(Math.abs(parameterCount(SHAPES['1.5b']) / 1e9 - 1.543) < 0.01, String(parameterCount(SHAPES['1.5b'])));
  });
  it('the Qwen3 and Qwen3-Coder-30B-A3B shapes have their published parameter counts', () => {
    // Qwen3-0.6B: 0.6B (0.44B without the embedding); 1.7B: 1.7B (1.4B); 30B-A3B: 30.5B, 3.3B activated.
    const embd = 151936 * SHAPES['0.6b-qwen3'].nEmbd;
    assert.ok(Math.abs((parameterCount(SHAPES['0.6b-qwen3']) - embd) / 1e9 - 0.44) < 0.01);
    assert.ok(Math.abs((parameterCount(SHAPES['1.7b-qwen3']) - 2 * embd) / 1e9 - 1.41) < 0.01);
    const full = shapeById('30b-a3b-qwen3moe-d48');
    assert.ok(full);
    assert.equal(full.nLayer, 48);
    assert.ok(Math.abs(parameterCount(full) / 1e9 - 30.5) < 0.05, String(parameterCount(full)));
    // Activated at F16 (2 bytes a weight): the used experts, attention, router, the head and one embedding row.
    const active = weightBytesPerToken(full, planModel(full, 'f16')) / 2;
    assert.ok(Math.abs(active / 1e9 - 3.04) < 0.02, String(active));
    assert.deepEqual(shapeById('30b-a3b-qwen3moe-d4'), SHAPES['30b-a3b-qwen3moe-d4']);
    assert.equal(shapeById('30b-a3b-qwen3moe-d0'), undefined);
    assert.equal(shapeById('7b'), undefined);
  });
  it('Gemma-3-1B, StarCoder2-3B and gpt-oss-20b have their published parameter counts', () => {
    // 1.0B (999.9M) and 3.03B in the model cards; gpt-oss-20b 20.9B of which 3.6B active.
    assert.ok(Math.abs(parameterCount(SHAPES['1b-gemma3']) / 1e9 - 1.0) < 0.005, String(parameterCount(SHAPES['1b-gemma3'])));
    assert.ok(Math.abs(parameterCount(SHAPES['3b-starcoder2']) / 1e9 - 3.03) < 0.01, String(parameterCount(SHAPES['3b-starcoder2'])));
    const full = shapeById('20b-gpt-oss-d24');
    assert.ok(full);
    assert.equal(full.nLayer, 24);
    assert.ok(Math.abs(parameterCount(full) / 1e9 - 20.91) < 0.01, String(parameterCount(full)));
    const active = weightBytesPerToken(full, planModel(full, 'f16')) / 2;
    assert.ok(Math.abs(active / 1e9 - 3.61) < 0.01, String(active));
    assert.deepEqual(shapeById('20b-gpt-oss-d4'), SHAPES['20b-gpt-oss-d4']);
    assert.equal(shapeById('20b-gpt-oss-d0'), undefined);
    assert.equal(shapeById('1b-gemma3-d4'), undefined, 'only the MoE shapes take a depth');
  });
  it('sliding layers: gemma3 five of every six, gpt-oss every other from 0, none without a window', () => {
    const slides = (s: ModelShape): number[] => Array.from({ length: 12 }, (_, il) => il).filter((il) => slidingLayer({ ...s, nLayer: 12 }, il));
    assert.deepEqual(slides(TINY_GEMMA3), [0, 1, 2, 3, 4, 6, 7, 8, 9, 10]);
    assert.deepEqual(slides(TINY_OSS), [0, 2, 4, 6, 8, 10]);
    assert.deepEqual(slides({ ...TINY_GEMMA3, slidingWindow: undefined }), []);
    assert.deepEqual(slides(TINY_QWEN3), []);
  });
  it('qwen2 tensors: biases on q/k/v, no output.weight when tied', () => {
    const names = tensorLayout(TINY).map((t) => t.name);
    assert.equal(names.length, 2 + 12 * 8);
    assert.ok(names.includes('blk.3.attn_k.bias'));
    assert.ok(!names.includes('output.weight'));
    assert.ok(tensorLayout({ ...TINY, tiedEmbeddings: false }).some((t) => t.name === 'output.weight'));
  });
  it('qwen3 tensors: QK-norm of head_dim, no biases, Q/K/V/O sized by head_dim; metadata under qwen3.*', () => {
    const plan = planModel(TINY_QWEN3, 'q8_0');
    const layer = plan.filter((t) => t.name.startsWith('blk.3.')).map((t) => [t.name.slice(6), t.shape.join('x'), t.type, t.nBytes]);
    assert.deepEqual(layer, [
      ['attn_norm.weight', '256', 'F32', 1024],
      ['attn_q.weight', '256x512', 'Q8_0', q8(256 * 512)],
      ['attn_k.weight', '256x256', 'Q8_0', q8(256 * 256)],
      ['attn_v.weight', '256x256', 'Q8_0', q8(256 * 256)],
      ['attn_q_norm.weight', '128', 'F32', 512],
      ['attn_k_norm.weight', '128', 'F32', 512],
      ['attn_output.weight', '512x256', 'Q8_0', q8(512 * 256)],
      ['ffn_norm.weight', '256', 'F32', 1024],
      ['ffn_gate.weight', '256x512', 'Q8_0', q8(256 * 512)],
      ['ffn_up.weight', '256x512', 'Q8_0', q8(256 * 512)],
      ['ffn_down.weight', '512x256', 'Q8_0', q8(512 * 256)],
    ]);
    assert.equal(plan.length, 2 + 11 * 8);
    assert.equal(plan[0].name, 'token_embd.weight');
    assert.ok(!plan.some((t) => t.name === 'output.weight'));
    const meta = new Map(modelMetadata(TINY_QWEN3, 'q8_0', []).map((e) => [e.key, e.value]));
    assert.equal(meta.get('general.architecture'), 'qwen3');
    assert.equal(meta.get('qwen3.attention.key_length'), 128);
    assert.equal(meta.get('qwen3.attention.value_length'), 128);
    assert.equal(meta.get('qwen3.rope.dimension_count'), 128);
    assert.equal(meta.get('qwen3.embedding_length'), 256);
    assert.equal(meta.get('qwen3.attention.layer_norm_rms_epsilon'), 1e-6);
    assert.ok(![...meta.keys()].some((k) => k.startsWith('qwen2.') || k.includes('expert')));
    // qwen2 files keep the keys they always had: no head size written.
    assert.ok(!modelMetadata(TINY, 'q8_0', []).some((e) => e.key.endsWith('key_length')));
  });
  it('qwen3moe tensors: router in F32, stacked experts [E, F, X] / [F, E, X] with every expert in the byte size, untied head', () => {
    const plan = planModel(TINY_MOE, 'q8_0');
    assert.deepEqual(plan.slice(0, 3).map((t) => [t.name, t.shape.join('x'), t.type]), [
      ['token_embd.weight', '256x320', 'Q8_0'],
      ['output_norm.weight', '256', 'F32'],
      ['output.weight', '256x320', 'Q8_0'],
    ]);
    const layer = plan.filter((t) => t.name.startsWith('blk.1.')).map((t) => [t.name.slice(6), t.shape.join('x'), t.type, t.nBytes]);
    assert.deepEqual(layer, [
      ['attn_norm.weight', '256', 'F32', 1024],
      ['attn_q.weight', '256x256', 'Q8_0', q8(256 * 256)],
      ['attn_k.weight', '256x64', 'Q8_0', q8(256 * 64)],
      ['attn_v.weight', '256x64', 'Q8_0', q8(256 * 64)],
      ['attn_q_norm.weight', '64', 'F32', 256],
      ['attn_k_norm.weight', '64', 'F32', 256],
      ['attn_output.weight', '256x256', 'Q8_0', q8(256 * 256)],
      ['ffn_norm.weight', '256', 'F32', 1024],
      ['ffn_gate_inp.weight', '256x8', 'F32', 256 * 8 * 4],
      ['ffn_gate_exps.weight', '256x256x8', 'Q8_0', q8(256 * 256 * 8)],
      ['ffn_up_exps.weight', '256x256x8', 'Q8_0', q8(256 * 256 * 8)],
      ['ffn_down_exps.weight', '256x256x8', 'Q8_0', q8(256 * 256 * 8)],
    ]);
    assert.equal(plan.length, 3 + 12 * 4);
    assert.ok(!plan.some((t) => /ffn_(gate|up|down)\.weight$/.test(t.name)), 'no dense FFN');
    // Q4_K_M: Q6_K on the head and on ffn_down_exps of the use_more_bits layers (2 and 3 of 4), router still F32.
    const km = new Map(planModel(TINY_MOE, 'q4_k_m').map((t) => [t.name, t.type]));
    assert.equal(km.get('output.weight'), 'Q6_K');
    assert.equal(km.get('token_embd.weight'), 'Q4_K');
    assert.deepEqual([0, 1, 2, 3].map((l) => km.get(`blk.${l}.ffn_down_exps.weight`)), ['Q4_K', 'Q4_K', 'Q6_K', 'Q6_K']);
    assert.equal(km.get('blk.0.ffn_gate_exps.weight'), 'Q4_K');
    assert.equal(km.get('blk.0.ffn_gate_inp.weight'), 'F32');
    const meta = new Map(modelMetadata(TINY_MOE, 'q4_k_m', []).map((e) => [e.key, e.value]));
    assert.equal(meta.get('general.architecture'), 'qwen3moe');
    assert.equal(meta.get('general.file_type'), 15);
    assert.equal(meta.get('qwen3moe.expert_count'), 8);
    assert.equal(meta.get('qwen3moe.expert_used_count'), 2);
    assert.equal(meta.get('qwen3moe.expert_feed_forward_length'), 256);
    assert.equal(meta.get('qwen3moe.feed_forward_length'), 512);
    assert.equal(meta.get('qwen3moe.attention.head_count_kv'), 1);
    assert.equal(meta.get('qwen3moe.attention.key_length'), 64);
    assert.equal(meta.get('qwen3moe.block_count'), 4);
    assert.throws(() => planModel({ ...TINY_MOE, nExpert: undefined }, 'q8_0'), /lacks nExpert/);
  });
  it('gemma3 tensors: QK-norm, a norm before and after each sub-block, GeGLU; metadata with the window and head size', () => {
    const plan = planModel(TINY_GEMMA3, 'q8_0');
    const layer = plan.filter((t) => t.name.startsWith('blk.2.')).map((t) => [t.name.slice(6), t.shape.join('x'), t.type]);
    assert.deepEqual(layer, [
      ['attn_norm.weight', '256', 'F32'],
      ['attn_q.weight', '256x512', 'Q8_0'],
      ['attn_k.weight', '256x128', 'Q8_0'],
      ['attn_v.weight', '256x128', 'Q8_0'],
      ['attn_q_norm.weight', '128', 'F32'],
      ['attn_k_norm.weight', '128', 'F32'],
      ['attn_output.weight', '512x256', 'Q8_0'],
      ['post_attention_norm.weight', '256', 'F32'],
      ['ffn_norm.weight', '256', 'F32'],
      ['ffn_gate.weight', '256x512', 'Q8_0'],
      ['ffn_up.weight', '256x512', 'Q8_0'],
      ['ffn_down.weight', '512x256', 'Q8_0'],
      ['post_ffw_norm.weight', '256', 'F32'],
    ]);
    assert.equal(plan.length, 2 + 13 * 8);
    assert.ok(plan.filter((t) => t.name.endsWith('norm.weight')).every((t) => t.role === 'norm'));
    const meta = new Map(modelMetadata(TINY_GEMMA3, 'q8_0', []).map((e) => [e.key, e.value]));
    assert.equal(meta.get('general.architecture'), 'gemma3');
    assert.equal(meta.get('gemma3.attention.sliding_window'), 64);
    assert.equal(meta.get('gemma3.attention.key_length'), 128);
    assert.equal(meta.get('gemma3.attention.head_count_kv'), 1);
    assert.equal(meta.get('gemma3.rope.freq_base'), 1000000);
    assert.equal(meta.get('gemma3.attention.layer_norm_rms_epsilon'), 1e-6);
    // As released files: the pattern (5 of 6) and the sliding layers' base (10000) are the engines' defaults.
    assert.ok(![...meta.keys()].some((k) => k.includes('pattern') || k.includes('freq_base_swa') || k.includes('scaling')));
    // The Gemma-3-1B shape itself.
    const g = SHAPES['1b-gemma3'];
    assert.deepEqual([g.nEmbd, g.nLayer, g.nHead, g.nHeadKv, g.headDim, g.nFf, g.nVocab, g.slidingWindow], [1152, 26, 4, 1, 256, 6912, 262144, 512]);
  });
  it('starcoder2 tensors: LayerNorm biases, biases on every matrix, no gate; eps under layer_norm_epsilon', () => {
    const plan = planModel(TINY_SC2, 'q4_0');
    assert.deepEqual(plan.slice(0, 3).map((t) => [t.name, t.role]), [['token_embd.weight', 'vocab'], ['output_norm.weight', 'norm'], ['output_norm.bias', 'bias']]);
    const layer = plan.filter((t) => t.name.startsWith('blk.0.')).map((t) => [t.name.slice(6), t.shape.join('x'), t.type]);
    assert.deepEqual(layer, [
      ['attn_norm.weight', '256', 'F32'],
      ['attn_norm.bias', '256', 'F32'],
      ['attn_q.weight', '256x256', 'Q4_0'],
      ['attn_q.bias', '256', 'F32'],
      ['attn_k.weight', '256x128', 'Q4_0'],
      ['attn_k.bias', '128', 'F32'],
      ['attn_v.weight', '256x128', 'Q4_0'],
      ['attn_v.bias', '128', 'F32'],
      ['attn_output.weight', '256x256', 'Q4_0'],
      ['attn_output.bias', '256', 'F32'],
      ['ffn_norm.weight', '256', 'F32'],
      ['ffn_norm.bias', '256', 'F32'],
      ['ffn_up.weight', '256x512', 'Q4_0'],
      ['ffn_up.bias', '512', 'F32'],
      ['ffn_down.weight', '512x256', 'Q4_0'],
      ['ffn_down.bias', '256', 'F32'],
    ]);
    const meta = new Map(modelMetadata(TINY_SC2, 'q4_0', []).map((e) => [e.key, e.value]));
    assert.equal(meta.get('starcoder2.attention.layer_norm_epsilon'), 1e-5);
    assert.equal(meta.get('starcoder2.rope.freq_base'), 999999.4);
    assert.ok(!meta.has('starcoder2.attention.layer_norm_rms_epsilon'));
    assert.equal(SHAPES['3b-starcoder2'].vocab, 'ggml-vocab-starcoder.gguf');
  });
  it('gpt-oss tensors: sinks, biases on attention, router and experts (F32, expert last), its FFN pre-norm named post_attention_norm', () => {
    const plan = planModel(TINY_OSS, 'q8_0');
    assert.equal(plan[2].name, 'output.weight');
    const layer = plan.filter((t) => t.name.startsWith('blk.1.')).map((t) => [t.name.slice(6), t.shape.join('x'), t.type, t.role]);
    assert.deepEqual(layer, [
      ['attn_norm.weight', '256', 'F32', 'norm'],
      ['attn_q.weight', '256x256', 'Q8_0', 'matrix'],
      ['attn_q.bias', '256', 'F32', 'bias'],
      ['attn_k.weight', '256x128', 'Q8_0', 'matrix'],
      ['attn_k.bias', '128', 'F32', 'bias'],
      ['attn_v.weight', '256x128', 'Q8_0', 'matrix'],
      ['attn_v.bias', '128', 'F32', 'bias'],
      ['attn_output.weight', '256x256', 'Q8_0', 'matrix'],
      ['attn_output.bias', '256', 'F32', 'bias'],
      ['attn_sinks.weight', '4', 'F32', 'bias'],
      ['post_attention_norm.weight', '256', 'F32', 'norm'],
      ['ffn_gate_inp.weight', '256x8', 'F32', 'matrix'],
      ['ffn_gate_inp.bias', '8', 'F32', 'bias'],
      ['ffn_gate_exps.weight', '256x256x8', 'Q8_0', 'matrix'],
      ['ffn_gate_exps.bias', '256x8', 'F32', 'bias'],
      ['ffn_up_exps.weight', '256x256x8', 'Q8_0', 'matrix'],
      ['ffn_up_exps.bias', '256x8', 'F32', 'bias'],
      ['ffn_down_exps.weight', '256x256x8', 'Q8_0', 'matrix'],
      ['ffn_down_exps.bias', '256x8', 'F32', 'bias'],
    ]);
    assert.ok(!plan.some((t) => t.name.includes('ffn_norm')));
    const meta = new Map(modelMetadata(TINY_OSS, 'q8_0', []).map((e) => [e.key, e.value]));
    assert.equal(meta.get('general.architecture'), 'gpt-oss');
    assert.equal(meta.get('gpt-oss.expert_count'), 8);
    assert.equal(meta.get('gpt-oss.expert_used_count'), 2);
    assert.equal(meta.get('gpt-oss.expert_feed_forward_length'), 256);
    assert.equal(meta.get('gpt-oss.attention.sliding_window'), 128);
    assert.equal(meta.get('gpt-oss.rope.scaling.type'), 'yarn');
    assert.equal(meta.get('gpt-oss.rope.scaling.factor'), 4);
    assert.equal(meta.get('gpt-oss.rope.scaling.original_context_length'), 512);
    assert.equal(meta.get('gpt-oss.rope.freq_base'), 150000);
    assert.equal(meta.get('gpt-oss.attention.layer_norm_rms_epsilon'), 1e-5);
    assert.equal(meta.get('gpt-oss.attention.key_length'), 64);
    const o = shapeById('20b-gpt-oss-d2');
    assert.ok(o);
    assert.deepEqual([o.nEmbd, o.nHead, o.nHeadKv, o.headDim, o.nExpert, o.nExpertUsed, o.nFfExp, o.nVocab, o.tiedEmbeddings], [2880, 64, 8, 64, 32, 4, 2880, 201088, false]);
  });
  it('mxfp4: MXFP4 experts, every other matrix Q8_0, router and biases F32, llama.cpp\'s MXFP4_MOE file type; MoE shapes only', () => {
    const types = new Map(planModel(TINY_OSS, 'mxfp4').map((t) => [t.name, [t.type, t.nBytes]]));
    // MXFP4: 32 values in 17 bytes
    assert.deepEqual(types.get('blk.0.ffn_up_exps.weight'), ['MXFP4', (256 * 256 * 8 / 32) * 17]);
    assert.equal(types.get('blk.0.ffn_down_exps.weight')?.[0], 'MXFP4');
    assert.equal(types.get('blk.0.ffn_down_exps.bias')?.[0], 'F32');
    assert.equal(types.get('blk.0.ffn_gate_inp.weight')?.[0], 'F32');
    assert.equal(types.get('blk.0.attn_q.weight')?.[0], 'Q8_0');
    assert.equal(types.get('output.weight')?.[0], 'Q8_0');
    assert.equal(types.get('token_embd.weight')?.[0], 'Q8_0');
    assert.equal(new Map(modelMetadata(TINY_OSS, 'mxfp4', []).map((e) => [e.key, e.value])).get('general.file_type'), 38);
    assert.equal(planModel(TINY_MOE, 'mxfp4').find((t) => t.name === 'blk.0.ffn_gate_exps.weight')?.type, 'MXFP4');
    assert.throws(() => planModel(TINY_GEMMA3, 'mxfp4'), /mxfp4 is for mixture-of-experts shapes/);
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
  it('text rows: the first run of NORMAL tokens, wherever the markers are', () => {
    assert.deepEqual(textRows([1, 1, 1, 3, 5, 5]), { begin: 0, end: 3 });
    // StarCoder2's layout: control markers first.
    assert.deepEqual(textRows([3, 3, 1, 1, 1]), { begin: 2, end: 5 });
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
    const ids = '0.6b-qwen3,1.7b-qwen3,30b-a3b-qwen3moe-d4,30b-a3b-qwen3moe-d48,1b-gemma3,3b-starcoder2,20b-gpt-oss-d4,20b-gpt-oss-d24';
    assert.deepEqual(parseBenchArgs(['--models', ids], d).models, ids.split(','));
    assert.deepEqual(parseBenchArgs(['--formats', 'mxfp4,q8_0'], d).formats, ['mxfp4', 'q8_0']);
  });
  it('bad values name what was wrong', () => {
    assert.throws(() => parseBenchArgs(['--models', '7b'], d), /unknown model '7b'/);
    assert.throws(() => parseBenchArgs(['--models', '30b-a3b-qwen3moe-d0'], d), /unknown model/);
    assert.throws(() => parseBenchArgs(['--runs', '0'], d), /--runs needs a positive integer/);
    assert.throws(() => parseBenchArgs(['--backend', 'metal'], d), /unknown backend 'metal'/);
    assert.throws(() => parseBenchArgs(['--frobnicate'], d), /unknown flag '--frobnicate'/);
    assert.throws(() => parseBenchArgs(['--runs'], d), /--runs needs a value/);
    assert.throws(() => parseBenchArgs(['--ctx', '100'], d), /--ctx must hold/);
  });
  it('--levels: none given means the CPU\'s default (null); names are kept in order, lowercased, once each', () => {
    assert.equal(parseBenchArgs([], d).levels, null);
    assert.deepEqual(parseBenchArgs(['--levels', 'avx2,AVX512BF16,avx2'], d).levels, ['avx2', 'avx512bf16']);
    assert.deepEqual(parseBenchArgs(['--levels=generic'], d).levels, ['generic']);
    assert.throws(() => parseBenchArgs(['--levels', ' , '], d), /--levels needs at least one value/);
    assert.match(USAGE, /--levels /);
  });
  it('--pp-batches: 32,64,128,256 by default, sorted and once each, none turns it off', () => {
    assert.deepEqual(parseBenchArgs([], d).ppBatches, [32, 64, 128, 256]);
    assert.deepEqual(parseBenchArgs(['--pp-batches', '128,32,128'], d).ppBatches, [32, 128]);
    assert.deepEqual(parseBenchArgs(['--pp-batches', '1,512'], d).ppBatches, [1, 512]);
    assert.deepEqual(parseBenchArgs(['--pp-batches', 'none'], d).ppBatches, []);
    assert.deepEqual(parseBenchArgs(['--pp-batches=None'], d).ppBatches, []);
    assert.match(USAGE, /--pp-batches 32,64,128,256 \| none/);
  });
  it('--pp-batches: bad sizes name the value and the range', () => {
    assert.throws(() => parseBenchArgs(['--pp-batches', '0'], d), /--pp-batches needs integers from 1 to 512 \(or none\), got '0'/);
    assert.throws(() => parseBenchArgs(['--pp-batches', '32,513'], d), /got '513'/);
    assert.throws(() => parseBenchArgs(['--pp-batches', '32,x'], d), /got 'x'/);
    assert.throws(() => parseBenchArgs(['--pp-batches', '6.5'], d), /got '6\.5'/);
    assert.throws(() => parseBenchArgs(['--pp-batches', ','], d), /--pp-batches needs at least one value \(or none\)/);
    assert.throws(() => parseBenchArgs(['--pp-batches'], d), /--pp-batches needs a value/);
  });
});

describe('bench: kernel levels', () => {
  it('default on an AVX-512 CPU: the selected level and AVX2 beside it', () => {
    assert.deepEqual(defaultLevels(x64Cpu('avx512bf16')), ['avx512bf16', 'avx2']);
    assert.deepEqual(defaultLevels(x64Cpu('avx512vnni')), ['avx512vnni', 'avx2']);
    assert.deepEqual(defaultLevels(x64Cpu('avx512')), ['avx512', 'avx2']);
    assert.deepEqual(resolveLevels(null, x64Cpu('avx512bf16')), ['avx512bf16', 'avx2']);
  });
  it('default on an AVX2-only CPU (and elsewhere): the selected level alone', () => {
    assert.deepEqual(defaultLevels(x64Cpu('avx2')), ['avx2']);
    assert.deepEqual(resolveLevels(null, x64Cpu('avx2')), ['avx2']);
    assert.deepEqual(defaultLevels(x64Cpu('sse2')), ['sse2']);
    // HEARTH_CPU=avx512 on the parent of an avx512bf16 CPU: what was selected, and AVX2.
    assert.deepEqual(defaultLevels({ ...x64Cpu('avx512bf16'), selected: 'avx512' }), ['avx512', 'avx2']);
    const arm: LevelCpu = { selected: 'dotprod', levels: [{ name: 'generic', supported: true }, { name: 'neon', supported: true }, { name: 'dotprod', supported: true }] };
    assert.deepEqual(defaultLevels(arm), ['dotprod']);
  });
  it('asked levels run in their order; unknown or unsupported ones name the level and the supported ones', () => {
    assert.deepEqual(resolveLevels(['avx2', 'generic'], x64Cpu('avx2')), ['avx2', 'generic']);
    assert.throws(() => resolveLevels(['avx512'], x64Cpu('avx2')), /--levels: this CPU cannot run kernel level 'avx512' \(it supports generic, sse2, avx2\)/);
    assert.throws(() => resolveLevels(['avx2', 'avx9'], x64Cpu('avx2')), /--levels: unknown kernel level 'avx9' \(this CPU supports generic, sse2, avx2\)/);
    // arm64's names are unknown to an x86-64 build.
    assert.throws(() => resolveLevels(['neon'], x64Cpu('avx512bf16')), /unknown kernel level 'neon' \(this CPU supports generic, sse2, avx2, avx512, avx512vnni, avx512bf16\)/);
  });
  it('rows are named by level', () => {
    assert.equal(hearthLabel('avx512bf16'), 'hearth (avx512bf16)');
    assert.equal(hearthLabel(undefined), 'hearth');
  });
});

describe('bench: report', () => {
  const runs: EngineRun[] = [
    { engine: 'hearth', level: 'avx2', full: child('hearth', 100, 20, 50, 600 << 20), cold: child('hearth', 0, 0, 500, 0) },
    { engine: 'llama.cpp', full: child('llama.cpp', 50, 10, 100, 700 << 20), cold: child('llama.cpp', 0, 0, 900, 0) },
    { engine: 'hearth', level: 'avx2', full: child('hearth', 120, 22, 60, 610 << 20), cold: child('hearth', 0, 0, 520, 0) },
    { engine: 'llama.cpp', full: child('llama.cpp', 60, 11, 110, 710 << 20), cold: child('llama.cpp', 0, 0, 1000, 0) },
    { engine: 'hearth', level: 'avx2', full: child('hearth', 110, 21, 55, 605 << 20), cold: null },
    { engine: 'llama.cpp', full: child('llama.cpp', 55, 12, 105, 705 << 20), cold: null },
  ];
  const c = summarizeCase('0.5b', 'q8_0', 1e9, 5e8, { tgTokPerSec: 40, ppTokPerSec: 220 }, runs);
  const raw3: EngineRun[] = [
    { engine: 'llama.cpp-raw', full: child('llama.cpp-raw', 80, 16, 90, 300 << 20, { 32: 240, 64: 390 }), cold: null },
    { engine: 'llama.cpp-raw', full: child('llama.cpp-raw', 88, 20, 95, 310 << 20, { 32: 260, 64: 410 }), cold: null },
    { engine: 'llama.cpp-raw', full: child('llama.cpp-raw', 84, 18, 92, 305 << 20, { 32: 250, 64: 400 }), cold: null },
  ];
  // An AVX-512 machine's default: avx512bf16 and avx2, interleaved with llama.cpp as the bench runs them.
  const twoLevels: EngineRun[] = [0, 1, 2].flatMap((i): EngineRun[] => [
    { engine: 'hearth', level: 'avx512bf16', full: child('hearth', [100, 120, 110][i], 21, 55, 605 << 20, { 32: [390, 400, 410][i], 64: 500 }), cold: null },
    { engine: 'hearth', level: 'avx2', full: child('hearth', [80, 75, 85][i], 19, 56, 606 << 20, { 32: 300, 64: [370, 380, 390][i] }), cold: null },
    runs[2 * i + 1],
    raw3[i],
  ]);
  it('medians per engine, ratios Hearth / llama.cpp, fractions of the bounds', () => {
    assert.equal(c.runs, 3);
    assert.equal(c.levels.length, 1);
    const h = c.levels[0];
    assert.equal(h.level, 'avx2');
    assert.equal(h.hearth.ppTokPerSec, 110);
    assert.equal(c.llamaCpp.ppTokPerSec, 55);
    assert.equal(h.ratio.ppTokPerSec, 2);
    assert.equal(h.ratio.tgTokPerSec, 21 / 11);
    assert.equal(h.hearth.loadColdMs, 510);
    assert.equal(c.llamaCpp.loadColdMs, 950);
    assert.equal(h.fraction.tg, 21 / 40);
    assert.equal(c.fraction.llamaCpp.pp, 55 / 220);
    assert.deepEqual([c.ppBatchSizes, h.ppBatches, h.ppBatchesRatioRaw], [[], {}, null]);
  });
  it('table: one row per case and level, the level in the engine column, both engines and the ratio', () => {
    const t = resultsTable([c]);
    const lines = t.trim().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0], /^\| model \| format \| engine \| file MiB/);
    assert.match(lines[2], /^\| 0\.5b \| q8_0 \| hearth \(avx2\) \| 954 \/ 477 \| 110\.0 \/ 55\.0 \(2\.00\) \| 21\.0 \/ 11\.0 \(1\.91\) \| 55 \/ 105 \| 510 \/ 950 \| 605 \/ 705 \| 53% \/ 28% \| 50% \/ 25% \|$/);
    const noTg = { ...c, levels: [{ ...c.levels[0], hearth: { ...c.levels[0].hearth, tgTokPerSec: NaN } }] };
    assert.match(resultsTable([noTg]), /– \/ 11\.0/);
    assert.equal(c.llamaRaw, null);
    assert.equal(ppBatchTable([c]), '', 'no --pp-batches, no second table');
  });
  it('raw llama.cpp: its medians, Hearth / raw ratios and three more table cells', () => {
    const withRaw = summarizeCase('0.5b', 'q8_0', 1e9, 5e8, { tgTokPerSec: 40, ppTokPerSec: 220 }, [...runs, ...raw3]);
    assert.equal(withRaw.llamaRaw?.ppTokPerSec, 84);
    assert.equal(withRaw.levels[0].ratioRaw?.tgTokPerSec, 21 / 18);
    assert.equal(withRaw.fraction.llamaRaw?.tg, 18 / 40);
    const row = resultsTable([withRaw]).trim().split('\n')[2];
    assert.match(row, /\| 84\.0 \(1\.31\) \| 18\.0 \(1\.17\) \| 92, 305, 45% \|$/);
    const bars = [...resultsChart([withRaw], 't').matchAll(/<rect x="[\d.]+" y="[\d.]+" width="26"/g)];
    assert.equal(bars.length, 3 * 2);
  });
  it('two levels: medians and ratios per level, against llama.cpp and raw, pp batches included', () => {
    const s = summarizeCase('0.5b', 'q8_0', 1e9, 5e8, { tgTokPerSec: 40, ppTokPerSec: 220 }, twoLevels, [32, 64]);
    assert.equal(s.runs, 3);
    assert.deepEqual(s.levels.map((l) => l.level), ['avx512bf16', 'avx2']);
    const [bf16, avx2] = s.levels;
    assert.equal(bf16.hearth.ppTokPerSec, 110);
    assert.equal(avx2.hearth.ppTokPerSec, 80);
    assert.equal(bf16.ratio.ppTokPerSec, 2);
    assert.equal(avx2.ratio.ppTokPerSec, 80 / 55);
    assert.equal(avx2.ratioRaw?.ppTokPerSec, 80 / 84);
    assert.equal(avx2.fraction.pp, 80 / 220);
    assert.deepEqual(bf16.ppBatches, { 32: 400, 64: 500 });
    assert.deepEqual(avx2.ppBatches, { 32: 300, 64: 380 });
    assert.deepEqual(s.llamaRawPpBatches, { 32: 250, 64: 400 });
    assert.deepEqual(bf16.ppBatchesRatioRaw, { 32: 1.6, 64: 1.25 });
    assert.deepEqual(avx2.ppBatchesRatioRaw, { 32: 1.2, 64: 0.95 });
  });
  it('two levels: a main-table row each, named by level, and the pp-batch table with H / R (H/R ×)', () => {
    const s = summarizeCase('0.5b', 'q8_0', 1e9, 5e8, { tgTokPerSec: 40, ppTokPerSec: 220 }, twoLevels, [32, 64]);
    const rows = resultsTable([s]).trim().split('\n').slice(2);
    assert.equal(rows.length, 2);
    assert.match(rows[0], /^\| 0\.5b \| q8_0 \| hearth \(avx512bf16\) \| 954 \/ 477 \| 110\.0 \/ 55\.0 \(2\.00\) \|/);
    assert.match(rows[1], /^\| 0\.5b \| q8_0 \| hearth \(avx2\) \| 954 \/ 477 \| 80\.0 \/ 55\.0 \(1\.45\) \| 19\.0 \/ 11\.0 \(1\.73\) \|/);
    assert.match(rows[1], /\| 84\.0 \(0\.95\) \| 18\.0 \(1\.06\) \| 92, 305, 45% \|$/);
    assert.equal(ppBatchTable([s]), [
      '| model | format | engine | pp32 tok/s H / R (H/R ×) | pp64 tok/s H / R (H/R ×) |',
      '|---|---|---|---|---|',
      '| 0.5b | q8_0 | hearth (avx512bf16) | 400.0 / 250.0 (1.60) | 500.0 / 400.0 (1.25) |',
      '| 0.5b | q8_0 | hearth (avx2) | 300.0 / 250.0 (1.20) | 380.0 / 400.0 (0.95) |',
    ].join('\n') + '\n');
    // Without raw llama.cpp there is nothing to divide by: Hearth's speeds alone.
    const noRaw = summarizeCase('0.5b', 'q8_0', 1e9, 5e8, { tgTokPerSec: 40, ppTokPerSec: 220 }, twoLevels.filter((r) => r.engine !== 'llama.cpp-raw'), [32, 64]);
    assert.deepEqual(ppBatchTable([noRaw]).trim().split('\n').slice(0, 3), [
      '| model | format | engine | pp32 tok/s H | pp64 tok/s H |',
      '|---|---|---|---|---|',
      '| 0.5b | q8_0 | hearth (avx512bf16) | 400.0 | 500.0 |',
    ]);
    const bars = [...resultsChart([s], 't').matchAll(/<rect x="[\d.]+" y="[\d.]+" width="26"/g)];
    assert.equal(bars.length, 4 * 2, 'a bar per level, llama.cpp and raw, per panel');
    assert.ok(resultsChart([s], 't').includes('Hearth (avx2)'));
  });
  it('summary lines: one per level, named, with the per-level ratios', () => {
    const s = summarizeCase('0.5b', 'q8_0', 1e9, 5e8, { tgTokPerSec: 40, ppTokPerSec: 220 }, twoLevels, [32, 64]);
    assert.deepEqual(ratioLines(s), [
      'median hearth (avx512bf16) / llama.cpp: pp 2.00, tg 1.91; / raw llama.cpp: pp 1.31, tg 1.17, pp32 1.60, pp64 1.25',
      'median hearth (avx2) / llama.cpp: pp 1.45, tg 1.73; / raw llama.cpp: pp 0.95, tg 1.06, pp32 1.20, pp64 0.95',
    ]);
    const noRaw = summarizeCase('0.5b', 'q8_0', 1e9, 5e8, { tgTokPerSec: 40, ppTokPerSec: 220 }, twoLevels.filter((r) => r.engine !== 'llama.cpp-raw'), [32, 64]);
    assert.equal(ratioLines(noRaw)[1], 'median hearth (avx2) / llama.cpp: pp 1.45, tg 1.73; pp32 300.0, pp64 380.0 tok/s');
    assert.deepEqual(ratioLines(c), ['median hearth (avx2) / llama.cpp: pp 2.00, tg 1.91']);
  });
  it('results: the header names the CPU, the selected level and the levels run; the pp-batch table follows with its note', () => {
    const s = summarizeCase('0.5b', 'q8_0', 1e9, 5e8, { tgTokPerSec: 40, ppTokPerSec: 220 }, twoLevels, [32, 64]);
    const machine = { cpu: 'AMD EPYC 9B14', logicalCpus: 2, physicalCores: 2, kernelLevel: 'avx512bf16', supportedLevels: [...X64_LEVELS], features: [], memoryBytes: 8 * 2 ** 30, os: 'Linux', node: 'v20', date: '2026-12-07T10:00:00.000Z' };
    const settings = { models: ['0.5b'], formats: ['q8_0'], runs: 3, threads: 2, backend: 'cpu' as const, contextSize: 1024, ppTokens: 512, tgTokens: 128, cold: false, raw: true, levels: ['avx512bf16', 'avx2'], ppBatches: [32, 64], eviction: 'dd' };
    const { header, table } = writeResults({ machine, settings, limits: { readBytesPerSec: 2e10, fmaFlopsPerSec: 1e11 }, cases: [s], raw: [], notes: [] }, null);
    assert.match(header, /^Machine: AMD EPYC 9B14, 2 cores, 8 GiB; Hearth kernel level avx512bf16 selected by dispatch;/);
    assert.match(header, /H = Hearth at the row's kernel level \(HEARTH_CPU=<level>: avx512bf16, avx2\)/);
    assert.match(table, /\nppN: tokens\/s of one evaluation of N prompt tokens from an empty context .*node-llama-cpp \(L\) skips these/);
    assert.match(table, /\| 0\.5b \| q8_0 \| hearth \(avx2\) \| 300\.0 \/ 250\.0 \(1\.20\) \|/);
    const forced = writeResults({ machine: { ...machine, kernelLevel: 'avx2', forcedLevel: 'avx2' }, settings, limits: { readBytesPerSec: 2e10, fmaFlopsPerSec: 1e11 }, cases: [s], raw: [], notes: [] }, null);
    assert.match(forced.header, /Hearth kernel level avx2 \(forced by HEARTH_CPU\)/);
  });
  it('a saved report from before --levels re-renders: its one Hearth becomes a row at the machine\'s level', () => {
    const file = path.join(__dirname, '..', '..', 'bench', 'results', 'latest.json');
    const old = JSON.parse(fs.readFileSync(file, 'utf8')) as { machine: { kernelLevel: string }; cases: unknown[] };
    const report = readReport(fs.readFileSync(file, 'utf8'));
    const level = old.machine.kernelLevel;
    assert.deepEqual(report.settings.levels, [level]);
    assert.equal(report.cases.length, old.cases.length);
    const { table } = writeResults(report, null);
    const rows = table.trim().split('\n').slice(2);
    assert.equal(rows.length, old.cases.length);
    assert.ok(rows.every((r) => r.includes(`| hearth (${level}) |`)), rows[0]);
    assert.ok(!table.includes('ppN:'), 'no pp-batch table for a report without sizes');
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
  it('a Hearth child gets its level as HEARTH_CPU, and a child that ran another level is refused', () => {
    const req: ChildRequest = { engine: 'hearth', level: 'avx2', model: 'm.gguf', threads: 2, contextSize: 1024, backend: 'cpu', mode: 'full', ppTokens: 512, tgTokens: 128, nVocab: 151936, ppBatches: [32] };
    assert.equal(childEnv(req, { PATH: '/bin', HEARTH_CPU: 'avx512bf16' }).HEARTH_CPU, 'avx2');
    assert.equal(childEnv(req, {}).NODE_LLAMA_CPP_SKIP_DOWNLOAD, 'true');
    assert.equal(childEnv({ ...req, engine: 'llama.cpp', level: undefined }, { PATH: '/bin' }).HEARTH_CPU, undefined);
    assert.equal(levelMismatch('avx2', 'avx2'), null);
    assert.equal(levelMismatch(undefined, 'avx512bf16'), null);
    assert.match(levelMismatch('avx2', 'avx512bf16') ?? '', /asked for kernel level 'avx2' \(HEARTH_CPU\) but the engine selected 'avx512bf16'/);
    assert.match(levelMismatch('avx2', undefined) ?? '', /selected 'nothing it reported'/);
  });
  it('llama-ref: the JSON line with the pp-batch speeds; rebuilt when older than its source', () => {
    const line = '{"engine":"llama.cpp","pp":84.5,"tg":18,"load_ms":92,"peak_rss_bytes":1,"base_rss_bytes":0,"pp_batches":[{"n":32,"tps":250.5,"reps":[250.5]}],"devices":[]}';
    assert.deepEqual(parseLlamaRefOutput(`llama-ref pp512 84.5\n${line}\n`)?.pp_batches, [{ n: 32, tps: 250.5, reps: [250.5] }]);
    assert.equal(parseLlamaRefOutput('nothing'), null);
    assert.equal(llamaRefStale(null, 5), true);
    assert.equal(llamaRefStale(4, 5), true);
    assert.equal(llamaRefStale(5, 5), false);
    assert.equal(llamaRefStale(6, 5), false);
  });
  it('prompt ids are deterministic, in range, and avoid the given id', () => {
    const a = promptIds(512, 42, 50000, 300);
    assert.deepEqual(a, promptIds(512, 42, 50000, 300));
    assert.equal(a.length, 512);
    assert.ok(a.every((id) => id >= 256 && id < 50000 && id !== 300));
    // Inside GPT-2's range, and inside StarCoder2's smaller vocab.
    assert.equal(promptIdBound(151936), 50000);
    assert.equal(promptIdBound(49152), 49152);
  });
});
