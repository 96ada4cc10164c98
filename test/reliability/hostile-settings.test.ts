/**
 * Hostile model settings (issue 15): a GGUF file's values are untrusted, so
 * every setting is checked against the tensors the file holds before
 * anything is sized from it (native/src/model/hparams-check.cpp), and every
 * size computed from a setting or an option is overflow-checked
 * (native/src/common/checked-size.h).
 *
 * Each file runs through `hearth generate --json` in a child process
 * (helpers/run-child.ts): a crash shows as a signal instead of a dead runner,
 * and the child reports its peak RSS. What is asserted: exit 2 with a coded
 * error (or exit 0 with a result), never a signal, a hang or a huge RSS.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { encodeGguf, type GgufFileSpec, type GgufTensorSpec } from '../../extension/gguf/writer';
import { useTmpDir } from '../gguf/helpers/tmp';
import { hostileCorpus, headCountWrap, INT_KEYS } from './helpers/hostile-corpus';
import { TINY, key, tinyModel, type MetaEdit } from './helpers/hostile-models';
import { describeRun, errorCode, runHearth, runNode, type ChildRun } from './helpers/run-child';

const FILE_TIMEOUT_MS = 20_000;
const RSS_LIMIT = 1 << 30;  // 1 GiB: a tiny model needs ~100 MiB (node + addon)

describe('hostile model settings', function () {
  this.timeout(600_000);
  const tmp = useTmpDir('hostile');
  let n = 0;
  function write(spec: GgufFileSpec, name = `case-${n++}`): string {
    const file = path.join(tmp(), `${name.replace(/[^A-Za-z0-9._=-]+/g, '_')}.gguf`);
    fs.writeFileSync(file, encodeGguf(spec));
    return file;
  }
  function generate(file: string, extra: string[] = []): Promise<ChildRun> {
    return runHearth(['generate', file, '--prompt', 'hi a', '--n', '4', '--threads', '1', '--backend', 'cpu', '--json', ...extra],
                     FILE_TIMEOUT_MS);
  }
  /** Exit 2 with `code`, in time and memory; returns the error message. */
  function assertCoded(run: ChildRun, code: string): string {
    assert.equal(run.signal, null, describeRun(run));
    assert.ok(!run.timedOut, describeRun(run));
    assert.equal(run.status, 2, describeRun(run));
    assert.equal(errorCode(run), code, describeRun(run));
    assert.ok(run.maxRss !== undefined && run.maxRss < RSS_LIMIT, describeRun(run));
    return (JSON.parse(run.stdout.trim().split('\n').pop() as string) as { error: { message: string } }).error.message;
  }

  it('the tiny model the hostile files start from is valid: it loads and generates', async () => {
    const run = await generate(write(tinyModel(), 'valid'));
    assert.equal(run.status, 0, describeRun(run));
    const out = JSON.parse(run.stdout) as { tokens: number[] };
    assert.equal(out.tokens.length, 4);
  });

  it('head_count * key_length wrapping to the Q rows (2^52+1 x 4096): E_MODEL_BAD_HPARAMS, not SIGSEGV', async () => {
    // Before: the product wrapped to 4096, matched the weights, loaded, and
    // generation died in cpu_rope.
    const msg = assertCoded(await generate(write(headCountWrap(), 'head-wrap')), 'E_MODEL_BAD_HPARAMS');
    assert.match(msg, /llama\.attention\.head_count = 4503599627370497/);
    assert.match(msg, /llama\.attention\.key_length = 4096/);
  });

  it('a context of 2^58, 2^60, just past the maximum or too small to shift: E_INVALID_ARGUMENT, not a KV cache wrapped to 0 bytes', async () => {
    // Before: the cache size wrapped to 0 bytes, 3 tokens were evaluated into
    // it and glibc aborted (free(): invalid next size).
    const file = write(tinyModel(), 'ctx');
    for (const ctx of [String(2 ** 58), String(2 ** 60), String(2 ** 20 + 1), '2']) {
      const msg = assertCoded(await generate(file, ['--ctx', ctx]), 'E_INVALID_ARGUMENT');
      assert.match(msg, /context|ctx/i, msg);
    }
    // The maximum itself is a context a tiny model can have (the cache is calloc'd lazily).
    const run = await generate(file, ['--ctx', String(2 ** 20)]);
    assert.equal(run.status, 0, describeRun(run));
  });

  it('block_count = 2e7 over one block: E_MODEL_BAD_HPARAMS at once, no per-layer allocation', async () => {
    // Before: a 20M-entry layer list (5 GB of RSS, 30 s) before E_MODEL_BAD_TENSOR.
    const spec = tinyModel({ nLayer: 1 }, [{ key: key('block_count'), type: 'uint32', value: 20_000_000 }]);
    const run = await generate(write(spec, 'blocks'));
    const msg = assertCoded(run, 'E_MODEL_BAD_HPARAMS');
    assert.match(msg, /llama\.block_count = 20000000 .* 1 blocks/);
    assert.ok(run.ms < 10_000, describeRun(run));
    assert.ok((run.maxRss as number) < 512 << 20, describeRun(run));
  });

  it('a tokenizer smaller (or larger) than the embedding, or an output head of other rows: E_MODEL_BAD_HPARAMS at load', async () => {
    // Before: accepted at load; ids past the tokenizer failed mid-generation.
    for (const [shape, pattern] of [
      [{ nTokens: TINY.nVocab - 8 }, /tokenizer\.ggml\.tokens has 32 entries .*40 rows/],
      [{ nTokens: TINY.nVocab + 8 }, /tokenizer\.ggml\.tokens has 48 entries .*40 rows/],
      [{ outputTensor: false, nTokens: TINY.nVocab - 1 }, /39 entries/],
      [{ outputRows: TINY.nVocab + 1 }, /output\.weight has 41 rows .* 40/],
    ] as const) {
      const msg = assertCoded(await generate(write(tinyModel(shape))), 'E_MODEL_BAD_HPARAMS');
      assert.match(msg, pattern);
    }
  });

  it('mixture-of-experts settings (qwen3moe) are believed only where the router and experts agree', async () => {
    const moe = { arch: 'qwen3moe' as const, nExpert: 4, nExpertUsed: 2, nFfExp: 8 };
    const run = await generate(write(tinyModel(moe), 'moe-valid'));
    assert.equal(run.status, 0, describeRun(run));
    const k = (s: string): string => `qwen3moe.${s}`;
    const cases: [MetaEdit[], RegExp][] = [
      [[{ key: k('expert_used_count'), type: 'uint32', value: 5 }], /expert_used_count = 5 is more than qwen3moe\.expert_count = 4/],
      [[{ key: k('expert_count'), type: 'uint64', value: 2n ** 40n }], /expert_count = 1099511627776 but tensor blk\.0\.ffn_gate_inp\.weight has 4 rows/],
      [[{ key: k('expert_feed_forward_length'), type: 'uint32', value: 9 }], /expert_feed_forward_length = 9 but tensor blk\.0\.ffn_up_exps\.weight has 8 rows per expert/],
      [[{ key: k('expert_used_count'), type: 'uint32', value: 0 }], /expert_used_count = 0 must be positive/],
      [[{ key: k('expert_count'), drop: true }], /lacks qwen3moe\.expert_count/],
    ];
    for (const [edits, pattern] of cases) {
      const msg = assertCoded(await generate(write(tinyModel(moe, edits))), /lacks/.test(pattern.source) ? 'E_GGUF_KEY_MISSING' : 'E_MODEL_BAD_HPARAMS');
      assert.match(msg, pattern);
    }
  });

  it('a mixture-of-experts model\'s feed_forward_length sizes no buffer: 2^26 runs in the tiny model\'s memory', async () => {
    // No tensor has feed_forward_length rows in qwen3moe (the experts are
    // expert_feed_forward_length wide), so nothing pins it. Before: the dense
    // FFN scratch was sized from it, 2 x 2^26 floats per token (2 GiB for the
    // 4-token prompt); found by fuzz-hparams as an out-of-memory.
    const moe = { arch: 'qwen3moe' as const, nExpert: 4, nExpertUsed: 2, nFfExp: 8 };
    const spec = tinyModel(moe, [{ key: 'qwen3moe.feed_forward_length', type: 'uint32', value: 2 ** 26 }]);
    const run = await generate(write(spec, 'moe-ffn-length'));
    assert.equal(run.status, 0, describeRun(run));
    assert.equal((JSON.parse(run.stdout) as { tokens: number[] }).tokens.length, 4);
    assert.ok(run.maxRss !== undefined && run.maxRss < 512 << 20, describeRun(run));
  });

  it('gemma3, starcoder2 and phi3 settings: sliding window, its pattern, soft-cap, epsilon and fused shapes are checked', async () => {
    for (const arch of ['gemma3', 'starcoder2', 'phi3', 'gpt-oss'] as const) {
      const run = await generate(write(tinyModel({ arch, nExpert: 4, nExpertUsed: 2, nFfExp: 8 }), `${arch}-valid`));
      assert.equal(run.status, 0, describeRun(run));
    }
    // gpt-oss: its window is required (llama.cpp refuses a file without it too).
    const noWindow = assertCoded(await generate(write(tinyModel({ arch: 'gpt-oss', nExpert: 4, nExpertUsed: 2, nFfExp: 8 },
                                                                [{ key: 'gpt-oss.attention.sliding_window', drop: true }]))),
                                 'E_GGUF_KEY_MISSING');
    assert.match(noWindow, /lacks gpt-oss\.attention\.sliding_window/);
    const g = (s: string): string => `gemma3.${s}`;
    const cases: [Partial<typeof TINY>, MetaEdit[], RegExp][] = [
      [{ arch: 'gemma3' }, [{ key: g('attention.sliding_window'), type: 'int32', value: -4 }], /gemma3\.attention\.sliding_window = -4 must not be negative/],
      [{ arch: 'gemma3' }, [{ key: g('attention.sliding_window_pattern'), type: 'array', value: { itemType: 'bool', items: [true, false, true] } }],
        /sliding_window_pattern lists 3 layers, block_count is 2/],
      [{ arch: 'gemma3' }, [{ key: g('attention.sliding_window_pattern'), type: 'int32', value: -2 }], /sliding_window_pattern = -2 must not be negative/],
      [{ arch: 'gemma3' }, [{ key: g('final_logit_softcapping'), type: 'float32', value: NaN }], /final_logit_softcapping = nan/],
      [{ arch: 'gemma3' }, [{ key: g('rope.freq_base_swa'), type: 'float32', value: -1 }], /rope\.freq_base_swa = -1/],
      [{ arch: 'starcoder2' }, [{ key: 'starcoder2.attention.layer_norm_epsilon', type: 'float32', value: 0 }], /starcoder2\.attention\.layer_norm_epsilon = 0/],
    ];
    for (const [shape, edits, pattern] of cases) {
      const msg = assertCoded(await generate(write(tinyModel(shape, edits))), 'E_MODEL_BAD_HPARAMS');
      assert.match(msg, pattern);
    }
    // phi3's fused attn_qkv pins no head count by itself: heads that do not add up to its rows are refused by shape.
    const fused = assertCoded(await generate(write(tinyModel({ arch: 'phi3' }, [{ key: 'phi3.attention.head_count_kv', type: 'uint32', value: 2 }]))),
                              'E_MODEL_BAD_TENSOR');
    assert.match(fused, /blk\.0\.attn_qkv\.weight has shape \[8, 16\], expected \[8, 24\]/);
  });

  it('YaRN settings: a bad beta is named; DeepSeek\'s log-multiplier variant is refused, not run wrong', async () => {
    const yarn: MetaEdit[] = [
      { key: key('rope.scaling.type'), type: 'string', value: 'yarn' },
      { key: key('rope.scaling.factor'), type: 'float32', value: 4 },
    ];
    assert.equal((await generate(write(tinyModel({}, yarn), 'yarn-valid'))).status, 0);
    const beta = assertCoded(await generate(write(tinyModel({}, [...yarn, { key: key('rope.scaling.yarn_beta_fast'), type: 'float32', value: -1 }]))),
                             'E_MODEL_BAD_HPARAMS');
    assert.match(beta, /llama\.rope\.scaling\.yarn_beta_fast = -1/);
    const logMul = assertCoded(await generate(write(tinyModel({}, [...yarn, { key: key('rope.scaling.yarn_log_multiplier'), type: 'float32', value: 0.1 }]))),
                               'E_MODEL_UNSUPPORTED_ARCH');
    assert.match(logMul, /yarn_log_multiplier is not supported/);
  });

  it('LongRoPE (phi3): both factor tensors, [n_rot/2] F32, finite and positive; a positive attn_factor; other architectures refuse it', async () => {
    const lr = { arch: 'phi3' as const, longRope: true };
    const p = (s: string): string => `phi3.${s}`;
    // Loaded for a context past the original 32 (the long set), and within it (the short set).
    const valid = write(tinyModel(lr), 'longrope-valid');
    for (const ctx of ['64', '16']) {
      const run = await generate(valid, ['--ctx', ctx]);
      assert.equal(run.status, 0, describeRun(run));
    }
    /** The tiny LongRoPE model with tensor `name` changed, or dropped (null). */
    const withTensor = (name: string, change: Partial<GgufTensorSpec> | null): GgufFileSpec => {
      const spec = tinyModel(lr);
      const tensors = (spec.tensors ?? []).flatMap((t) => (t.name !== name ? [t] : change ? [{ ...t, ...change }] : []));
      return { ...spec, tensors };
    };
    const f32 = (...v: number[]): Uint8Array => new Uint8Array(Float32Array.from(v).buffer);
    const base = tinyModel(lr);
    const tensorCases: [GgufFileSpec, RegExp][] = [
      [withTensor('rope_factors_short.weight', null), /rope_factors_short\.weight is missing: LongRoPE needs both/],
      [withTensor('rope_factors_long.weight', { type: 'F16', data: new Uint8Array(4) }), /rope_factors_long\.weight has type F16; LongRoPE factors must be F32/],
      [withTensor('rope_factors_long.weight', { shape: [3], data: f32(1, 2, 3) }), /rope_factors_long\.weight has shape \[3\], expected \[2\]/],
      [withTensor('rope_factors_short.weight', { data: f32(1, 0) }), /rope_factors_short\.weight\[1\] = 0; LongRoPE factors must be finite and positive/],
      [withTensor('rope_factors_short.weight', { data: f32(NaN, 1) }), /rope_factors_short\.weight\[0\] = nan/],
      [withTensor('rope_factors_long.weight', { data: f32(-2, 1) }), /rope_factors_long\.weight\[0\] = -2/],
      // llama.cpp's phi3 has no rope_freqs tensor: both kinds of divisors in one file is not a model.
      [{ ...base, tensors: [...(base.tensors ?? []), { name: 'rope_freqs.weight', type: 'F32', shape: [2], data: f32(1, 1) }] },
        /rope_freqs\.weight beside LongRoPE/],
      // A stated type without its factors.
      [tinyModel({ arch: 'phi3' }, [{ key: p('rope.scaling.type'), type: 'string', value: 'longrope' }]), /rope_factors_long\.weight is missing/],
    ];
    for (const [spec, pattern] of tensorCases) {
      assert.match(assertCoded(await generate(write(spec)), 'E_MODEL_BAD_TENSOR'), pattern);
    }
    const settings: [MetaEdit[], RegExp][] = [
      [[{ key: p('rope.scaling.attn_factor'), type: 'float32', value: NaN }], /phi3\.rope\.scaling\.attn_factor = nan/],
      [[{ key: p('rope.scaling.attn_factor'), type: 'float32', value: 0 }], /phi3\.rope\.scaling\.attn_factor = 0 must be positive/],
      [[{ key: p('rope.scaling.original_context_length'), type: 'int32', value: -1 }], /original_context_length = -1 must be positive/],
    ];
    for (const [edits, pattern] of settings) {
      assert.match(assertCoded(await generate(write(tinyModel(lr, edits))), 'E_MODEL_BAD_HPARAMS'), pattern);
    }
    // The factors on an architecture whose llama.cpp graph has no place for them.
    assert.match(assertCoded(await generate(write(tinyModel({ longRope: true }))), 'E_MODEL_UNSUPPORTED_ARCH'),
                 /llama: LongRoPE scaling .* is supported for phi3 only/);
  });

  it('each setting that disagrees with the tensors is named with both numbers', async () => {
    const cases: [MetaEdit[], RegExp][] = [
      [[{ key: key('embedding_length'), type: 'uint32', value: 16 }], /llama\.embedding_length = 16 .* 8/],
      [[{ key: key('feed_forward_length'), type: 'uint32', value: 17 }], /llama\.feed_forward_length = 17 .* 16 rows/],
      [[{ key: key('attention.head_count'), type: 'uint32', value: 4 }], /head_count = 4 .*key_length = 4 is 16.* 8 rows/],
      [[{ key: key('rope.dimension_count'), type: 'uint32', value: 6 }], /llama\.rope\.dimension_count = 6 .* 4/],
      [[{ key: key('attention.head_count_kv'), type: 'uint32', value: 3 }], /head_count = 2 is not a multiple of .* 3/],
      [[{ key: key('context_length'), type: 'uint64', value: 2n ** 40n }], /llama\.context_length = 1099511627776 is outside 8\.\.16777216/],
      [[{ key: key('context_length'), type: 'uint32', value: 2 }], /llama\.context_length = 2 is outside 8\.\./],
      [[{ key: key('attention.layer_norm_rms_epsilon'), type: 'float32', value: NaN }], /layer_norm_rms_epsilon = nan/],
      [[{ key: key('rope.freq_base'), type: 'float32', value: -1 }], /llama\.rope\.freq_base = -1/],
    ];
    for (const [edits, pattern] of cases) {
      const msg = assertCoded(await generate(write(tinyModel({}, edits))), 'E_MODEL_BAD_HPARAMS');
      assert.match(msg, pattern);
    }
  });

  it('a corpus of 90+ hostile files: each a coded error or a result; never a signal, a hang or > 1 GiB', async () => {
    const corpus = hostileCorpus();
    assert.ok(corpus.length >= 50, `${corpus.length} files`);
    const outcomes = new Map<string, number>();
    let maxRss = 0;
    let slowest = 0;
    const failures: string[] = [];
    // Two at a time: a child is mostly node starting up.
    const runs = await mapLimit(corpus, 2, (c) => generate(write(c.spec, c.name)));
    corpus.forEach((c, i) => {
      const run = runs[i];
      maxRss = Math.max(maxRss, run.maxRss ?? 0);
      slowest = Math.max(slowest, run.ms);
      const code = errorCode(run);
      const ok = !run.signal && !run.timedOut && run.maxRss !== undefined && run.maxRss < RSS_LIMIT &&
        ((run.status === 2 && code !== undefined && code !== 'E_INTERNAL') || run.status === 0);
      if (!ok) failures.push(`${c.name}: ${describeRun(run)}`);
      const label = run.status === 0 ? 'result' : code ?? describeRun(run);
      outcomes.set(label, (outcomes.get(label) ?? 0) + 1);
    });
    console.log(`      hostile corpus: ${corpus.length} files, max RSS ${(maxRss / 2 ** 20).toFixed(1)} MiB, ` +
      `slowest ${slowest} ms; ${[...outcomes].map(([k, v]) => `${k} x${v}`).join(', ')}`);
    assert.deepEqual(failures, []);
  });

  it('property: 200 seeded random settings over a valid tensor table never crash and are believed only when true', async () => {
    const dir = path.join(tmp(), 'property');
    fs.mkdirSync(dir);
    const rand = mulberry32(0x15eed);
    const truth: Record<(typeof INT_KEYS)[number], number> = {
      embedding_length: TINY.nEmbd, block_count: TINY.nLayer, feed_forward_length: TINY.nFf,
      'attention.head_count': TINY.nHead, 'attention.head_count_kv': TINY.nHeadKv,
      'attention.key_length': TINY.headDim, 'rope.dimension_count': TINY.headDim, context_length: 64,
    };
    const drawn: Record<string, Record<string, number | bigint | null>> = {};
    for (let i = 0; i < 200; i++) {
      const edits: MetaEdit[] = [];
      const values: Record<string, number | bigint | null> = {};
      const nKeys = 1 + Math.floor(rand() * 3);
      for (let j = 0; j < nKeys; j++) {
        const k = INT_KEYS[Math.floor(rand() * INT_KEYS.length)];
        const v = drawValue(rand, truth[k]);
        values[k] = v;
        if (v === null) edits.push({ key: key(k), drop: true });
        else edits.push({ key: key(k), type: typeof v === 'bigint' ? 'uint64' : 'int64', value: v });
      }
      const name = `p${String(i).padStart(3, '0')}.gguf`;
      fs.writeFileSync(path.join(dir, name), encodeGguf(tinyModel({}, edits)));
      drawn[name] = values;
    }
    const run = await runNode(['-r', 'tsx/cjs', path.join(__dirname, 'helpers', 'load-many.ts'), dir], 300_000);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as {
      start?: string; file?: string; code?: string; message?: string; info?: Record<string, number>;
    });
    const lastStart = [...lines].reverse().find((l) => l.start)?.start;
    assert.ok(!run.signal && !run.timedOut && run.status === 0, `${describeRun(run)} (while loading ${lastStart})`);
    const results = lines.filter((l) => l.file);
    assert.equal(results.length, 200);
    let loaded = 0;
    const codes = new Map<string, number>();
    for (const r of results) {
      const values = drawn[r.file as string];
      if (r.info) {
        loaded++;
        // Believed only when true: what a loaded model reports is the tensors' shape.
        assert.deepEqual(
          [r.info.nEmbd, r.info.nLayer, r.info.nHead, r.info.nHeadKv, r.info.nVocab],
          [TINY.nEmbd, TINY.nLayer, TINY.nHead, TINY.nHeadKv, TINY.nVocab],
          `${r.file}: ${JSON.stringify(values, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`,
        );
        assert.ok(r.info.contextLengthTrain >= 1 && r.info.contextLengthTrain <= 2 ** 24);
      } else {
        assert.ok(r.code && r.code !== 'NO_CODE' && r.code !== 'E_INTERNAL', `${r.file}: ${r.code} ${r.message}`);
        codes.set(r.code as string, (codes.get(r.code as string) ?? 0) + 1);
      }
    }
    // Both branches must be exercised for the property to mean anything.
    assert.ok(loaded >= 10 && loaded <= 190, `${loaded} of 200 loaded`);
    assert.ok(run.maxRss !== undefined && run.maxRss < 512 << 20, describeRun(run));
    console.log(`      property: 200 files in ${run.ms} ms, ${loaded} loaded, max RSS ` +
      `${((run.maxRss as number) / 2 ** 20).toFixed(1)} MiB; ${[...codes].map(([k, v]) => `${k} x${v}`).join(', ')}`);
  });
});

/** fn over items, at most `limit` at once, results in order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** A small seeded PRNG (mulberry32): the same files on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A value for a setting whose true value is `truth`: often the truth or near it, else extremes; null drops the key. */
function drawValue(rand: () => number, truth: number): number | bigint | null {
  const r = rand();
  if (r < 0.3) return truth;
  if (r < 0.45) return truth + (rand() < 0.5 ? -1 : 1);
  if (r < 0.55) return truth * 2;
  if (r < 0.62) return null;
  if (r < 0.7) return Math.floor(rand() * 64);
  if (r < 0.8) return -Math.floor(rand() * 2 ** 31);
  return 2n ** BigInt(Math.floor(rand() * 64)) + BigInt(Math.floor(rand() * 3));
}
