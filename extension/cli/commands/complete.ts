import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { reportEngineError } from '../errors';
import { buildFimPrompt } from '../../engine/fim';
import { loadModel, type Model } from '../../engine/engine';
import { readUtf8File } from '../read-text';
import { intOption, parseArgs, timingsJson } from './model-args';

/** Splits text at a 0-based line and column (UTF-16 units; both clamped to the text). */
export function splitAt(text: string, line: number, column: number): { prefix: string; suffix: string } {
  let offset = 0;
  for (let l = 0; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) {
      offset = text.length;
      break;
    }
    offset = nl + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  const end = lineEnd < 0 ? text.length : lineEnd;
  offset = Math.min(offset + column, end);
  return { prefix: text.slice(0, offset), suffix: text.slice(offset) };
}

export const completeCommand: CliCommand = {
  name: 'complete',
  summary: 'fill in the middle of a file at a line/column (code completion)',
  usage: 'hearth complete <model.gguf> --file F --line L --column C [--n 64] [--threads N] [--ctx N] [--json]',
  async run(argv, io) {
    const args = parseArgs(argv, ['file', 'line', 'column', 'n', 'threads', 'ctx'], ['json']);
    const json = args.flags.has('json');
    if (args.positionals.length !== 1) throw new UsageError('expected exactly one model path');
    const file = args.options.get('file');
    if (file === undefined) throw new UsageError('--file is required');
    if (!args.options.has('line') || !args.options.has('column')) throw new UsageError('--line and --column are required');
    const line = intOption(args, 'line', 0);
    const column = intOption(args, 'column', 0);
    const n = intOption(args, 'n', 64);
    const text = readUtf8File('--file', file);
    let model: Model;
    try {
      model = await loadModel(args.positionals[0], { threads: intOption(args, 'threads', 0, io.err), contextLength: intOption(args, 'ctx', 0) });
    } catch (err) {
      return reportEngineError(err, io, json);
    }
    try {
      const { prefix, suffix } = splitAt(text, line, column);
      // The tokenizer module's builder: the model family's FIM layout, BOS when
      // the vocab wants it, and the family's stop tokens (E_MODEL_NO_FIM if none).
      const fim = buildFimPrompt(model.tokenizer, { prefix, suffix, path: file });
      const session = model.createSession();
      const gen = session.generate(Array.from(fim.tokens), {
        maxTokens: n,
        temperature: 0,
        stopTokens: fim.stopIds,
        stop: fim.stopStrings,
      });
      if (!json) {
        for await (const piece of gen) io.out(piece.text);
        io.out('\n');
      }
      const r = await gen.result;
      if (json) io.out(JSON.stringify({ completion: r.text, timings: timingsJson(r.timings) }) + '\n');
      return 0;
    } catch (err) {
      return reportEngineError(err, io, json);
    } finally {
      model.dispose();
    }
  },
};
