import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { reportEngineError } from '../errors';
import { loadModel } from '../../engine/engine';
import { readUtf8File } from '../read-text';
import { backendOptions, floatOption, intOption, parseArgs, placementLine, timingsJson } from './model-args';

export const generateCommand: CliCommand = {
  name: 'generate',
  summary: 'continue a prompt with a model (greedy by default), streamed or as JSON',
  usage:
    'hearth generate <model.gguf> (--prompt S | --prompt-file F) [--n 32] [--temp 0] [--seed 1] [--threads N] [--ctx N] [--backend auto|cpu|cuda|vulkan] [--gpu-layers auto|all|N] [--json]',
  async run(argv, io) {
    const args = parseArgs(argv, ['prompt', 'prompt-file', 'n', 'temp', 'seed', 'threads', 'ctx', 'backend', 'gpu-layers'], ['json']);
    const json = args.flags.has('json');
    if (args.positionals.length !== 1) throw new UsageError('expected exactly one model path');
    const hasPrompt = args.options.has('prompt');
    const hasFile = args.options.has('prompt-file');
    if (hasPrompt === hasFile) throw new UsageError('give exactly one of --prompt and --prompt-file');
    const n = intOption(args, 'n', 32);
    const temperature = floatOption(args, 'temp', 0);
    const seed = intOption(args, 'seed', 1);
    const threads = intOption(args, 'threads', 0, io.err);
    const ctx = intOption(args, 'ctx', 0);
    const placement = backendOptions(args);
    const prompt = hasPrompt ? (args.options.get('prompt') as string) : readUtf8File('--prompt-file', args.options.get('prompt-file') as string);
    let model;
    try {
      model = await loadModel(args.positionals[0], { threads, contextLength: ctx, ...placement });
    } catch (err) {
      return reportEngineError(err, io, json);
    }
    try {
      if (!json) io.err(placementLine(model.info));
      const session = model.createSession();
      const gen = session.generate(prompt, { maxTokens: n, temperature, seed, stopOnEog: true });
      if (!json) {
        for await (const piece of gen) io.out(piece.text);
        io.out('\n');
      }
      const r = await gen.result;
      if (json) {
        const i = model.info;
        const backend = { name: i.backend, device: i.device, gpuLayers: i.gpuLayers, reasons: i.reasons };
        io.out(JSON.stringify({ promptTokens: r.promptTokens, tokens: r.tokens, text: r.text, timings: timingsJson(r.timings), backend }) + '\n');
      } else {
        const t = r.timings;
        io.err(
          `hearth: prompt ${t.promptTokens} tokens in ${t.promptMs.toFixed(1)} ms (${t.promptTokensPerSec.toFixed(1)} t/s), ` +
            `generated ${t.generatedTokens} in ${t.genMs.toFixed(1)} ms (${t.genTokensPerSec.toFixed(1)} t/s), stop: ${r.reason}\n`,
        );
      }
      return 0;
    } catch (err) {
      return reportEngineError(err, io, json);
    } finally {
      model.dispose();
    }
  },
};
