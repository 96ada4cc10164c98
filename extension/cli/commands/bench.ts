/**
 * `hearth bench`: prompt processing (pp) and generation (tg) speed of one
 * model on the chosen backend, llama-bench style: a prompt of --pp
 * pseudo-random tokens evaluated in one batch, then --tg greedy tokens.
 * Reports tokens/s per phase; --reps repeats with a fresh session each time.
 */
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { reportEngineError } from '../errors';
import { loadModel } from '../../engine/engine';
import { backendOptions, intOption, parseArgs, placementLine } from './model-args';

/** Token ids spread over the vocab, away from the low ids that are usually control tokens. */
function benchTokens(n: number, nVocab: number): number[] {
  const out: number[] = [];
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out.push(Math.min(nVocab - 1, 256 + (s % Math.max(1, nVocab - 256))));
  }
  return out;
}

export const benchCommand: CliCommand = {
  name: 'bench',
  summary: 'measure prompt (pp) and generation (tg) tokens/s on a backend',
  usage:
    'hearth bench <model.gguf> [--pp 512] [--tg 128] [--reps 1] [--threads N] [--backend auto|cpu|cuda|vulkan] [--gpu-layers auto|all|N] [--json]',
  async run(argv, io) {
    const args = parseArgs(argv, ['pp', 'tg', 'reps', 'threads', 'backend', 'gpu-layers'], ['json']);
    const json = args.flags.has('json');
    if (args.positionals.length !== 1) throw new UsageError('expected exactly one model path');
    const pp = intOption(args, 'pp', 512);
    const tg = intOption(args, 'tg', 128);
    const reps = intOption(args, 'reps', 1);
    const threads = intOption(args, 'threads', 0, io.err);
    const placement = backendOptions(args);
    let model;
    try {
      model = await loadModel(args.positionals[0], { threads, ...placement });
    } catch (err) {
      return reportEngineError(err, io, json);
    }
    try {
      if (!json) io.err(placementLine(model.info));
      const prompt = benchTokens(pp, model.info.nVocab);
      const runs: { ppTokensPerSec: number; tgTokensPerSec: number; ppMs: number; tgMs: number }[] = [];
      for (let r = 0; r < reps; r++) {
        const session = model.createSession({ contextLength: pp + tg + 1, batchSize: pp });
        try {
          const gen = session.generate(prompt, { maxTokens: tg, temperature: 0, stopOnEog: false, addBos: false });
          const res = await gen.result;
          const t = res.timings;
          runs.push({ ppTokensPerSec: t.promptTokensPerSec, tgTokensPerSec: t.genTokensPerSec, ppMs: t.promptMs, tgMs: t.genMs });
        } finally {
          session.dispose();
        }
      }
      const mean = (f: (x: (typeof runs)[number]) => number): number => runs.reduce((a, x) => a + f(x), 0) / runs.length;
      const i = model.info;
      const summary = {
        model: args.positionals[0],
        backend: i.backend,
        device: i.device,
        gpuLayers: i.gpuLayers,
        nLayer: i.nLayer,
        pp,
        tg,
        reps,
        ppTokensPerSec: Math.round(mean((x) => x.ppTokensPerSec) * 100) / 100,
        tgTokensPerSec: Math.round(mean((x) => x.tgTokensPerSec) * 100) / 100,
        runs,
      };
      if (json) io.out(JSON.stringify(summary) + '\n');
      else {
        io.out(`pp${pp}: ${summary.ppTokensPerSec.toFixed(2)} t/s\ntg${tg}: ${summary.tgTokensPerSec.toFixed(2)} t/s\n`);
      }
      return 0;
    } catch (err) {
      return reportEngineError(err, io, json);
    } finally {
      model.dispose();
    }
  },
};
