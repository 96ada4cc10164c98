import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { reportEngineError } from '../errors';
import { QUANTIZE_TARGETS, quantizeModel } from '../../engine/quantize';
import { parseArgs } from './model-args';

export const quantizeCommand: CliCommand = {
  name: 'quantize',
  summary: 'rewrite a GGUF model with its weights in another format (Q4_K_M, Q8_0, F16, ...)',
  usage: `hearth quantize <in.gguf> <out.gguf> <type> [--json]   (type: ${Object.keys(QUANTIZE_TARGETS).join(', ')})`,
  async run(argv, io) {
    const args = parseArgs(argv, [], ['json', 'quiet']);
    const json = args.flags.has('json');
    if (args.positionals.length !== 3) throw new UsageError('expected <in.gguf> <out.gguf> <type>');
    const [input, output, rawType] = args.positionals;
    const target = rawType.toUpperCase();
    if (!QUANTIZE_TARGETS[target]) throw new UsageError(`unknown type ${rawType}`);
    try {
      const summary = await quantizeModel(input, output, target, (i, total, name, type) => {
        if (!json && !args.flags.has('quiet')) io.err(`[${i + 1}/${total}] ${name} -> ${type}\n`);
      });
      if (json) io.out(JSON.stringify(summary) + '\n');
      else io.out(`${output}: ${target}, ${summary.bytesIn} -> ${summary.bytesOut} bytes of tensor data\n`);
      return 0;
    } catch (err) {
      return reportEngineError(err, io, json);
    }
  },
};
