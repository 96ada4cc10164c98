/**
 * Tokenizer throughput: ours vs llama.cpp (node-llama-cpp, CPU prebuilt) on
 * war-and-peace.txt (3.2 MB), MB/s of UTF-8 input. Runs are interleaved
 * (ours, llama.cpp, alternating who goes first) and the median of --reps
 * (default 3) is reported. Both sides take the same JS string and return an
 * id array, so both pay for the string conversion. Not a test.
 *
 *   npm run bench:tokenizer [-- --reps 5 --json]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Tokenizer } from '../../extension/engine/tokenizer';
import { fixture } from '../../test/helpers/fixtures';
import { deriveVocab, makeTempDir } from '../../test/tokenizer/helpers/derived-vocab';

interface LlamaModelLike {
  tokenize(text: string, specialTokens?: boolean): number[];
  dispose(): Promise<void>;
}

const VOCABS: { label: string; file: string; pre?: string }[] = [
  { label: 'llama-spm (SPM)', file: 'llama.cpp-vocab/ggml-vocab-llama-spm.gguf' },
  { label: 'gpt-2', file: 'llama.cpp-vocab/ggml-vocab-gpt-2.gguf' },
  { label: 'deepseek-coder', file: 'llama.cpp-vocab/ggml-vocab-deepseek-coder.gguf' },
  { label: 'starcoder', file: 'llama.cpp-vocab/ggml-vocab-starcoder.gguf' },
  { label: 'llama-bpe (dbrx vocab)', file: 'llama.cpp-vocab-pr7132/ggml-vocab-dbrx.gguf', pre: 'llama-bpe' },
  { label: 'qwen2 (dbrx vocab)', file: 'llama.cpp-vocab-pr7132/ggml-vocab-dbrx.gguf', pre: 'qwen2' },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function time(fn: () => unknown): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const repsArg = argv.indexOf('--reps');
  const reps = repsArg >= 0 ? Number(argv[repsArg + 1]) : 3;
  const json = argv.includes('--json');
  const text = fs.readFileSync(fixture('bench-text/war-and-peace.txt'), 'utf8');
  const mb = Buffer.byteLength(text, 'utf8') / 1e6;
  const { getLlama } = await import('node-llama-cpp');
  // 'fatal': node-llama-cpp tries a full load before the vocab-only one and llama.cpp logs that failure.
  const llama = await getLlama({ gpu: false, build: 'never', usePrebuiltBinaries: true, logLevel: 'fatal' as never });
  const tmp = makeTempDir('hearth-tok-bench-');
  const rows: { vocab: string; ids: number; oursMBs: number; llamaMBs: number; ratio: number; same: boolean }[] = [];
  try {
    for (const v of VOCABS) {
      // The same derived vocab-only file for both (llama.cpp cannot open some originals).
      const file = path.join(tmp.dir, `${rows.length}.gguf`);
      await deriveVocab(fixture(v.file), file, { pre: v.pre });
      const ours = await Tokenizer.load(file);
      const model = (await llama.loadModel({ modelPath: file, vocabOnly: true })) as unknown as LlamaModelLike;
      let a: ArrayLike<number> = [];
      let b: ArrayLike<number> = [];
      const tOurs: number[] = [];
      const tLlama: number[] = [];
      for (let r = 0; r < reps; r++) {
        const runOurs = (): void => void tOurs.push(time(() => (a = ours.tokenize(text))));
        const runLlama = (): void => void tLlama.push(time(() => (b = model.tokenize(text))));
        if (r % 2 === 0) { runOurs(); runLlama(); } else { runLlama(); runOurs(); }
      }
      const same = a.length === b.length && Array.prototype.every.call(a, (x: number, i: number) => x === b[i]);
      const oursMBs = mb / median(tOurs);
      const llamaMBs = mb / median(tLlama);
      rows.push({ vocab: v.label, ids: a.length, oursMBs, llamaMBs, ratio: oursMBs / llamaMBs, same });
      ours.dispose();
      await model.dispose();
    }
  } finally {
    tmp.cleanup();
  }
  if (json) {
    process.stdout.write(JSON.stringify({ textMB: mb, reps, cpu: os.cpus()[0]?.model, rows }, null, 2) + '\n');
    return;
  }
  const lines = [
    `war-and-peace.txt ${mb.toFixed(2)} MB, median of ${reps} interleaved runs, ${os.cpus()[0]?.model ?? 'cpu'}`,
    `${'vocab'.padEnd(24)} ${'ids'.padStart(8)} ${'ours MB/s'.padStart(10)} ${'llama.cpp'.padStart(10)} ${'ratio'.padStart(6)}  same ids`,
    ...rows.map((r) => `${r.vocab.padEnd(24)} ${String(r.ids).padStart(8)} ${r.oursMBs.toFixed(2).padStart(10)} ${r.llamaMBs.toFixed(2).padStart(10)} ${r.ratio.toFixed(1).padStart(5)}x  ${r.same ? 'yes' : 'NO'}`),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
