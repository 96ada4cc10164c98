import type { CliCommand } from '../command';
import { UsageError } from '../command';

export const inspectCommand: CliCommand = {
  name: 'inspect',
  summary: 'show a GGUF model file: architecture, parameters, tensors, tokenizer',
  usage: 'hearth inspect <file.gguf> [--json]',
  async run(argv) {
    throw new UsageError(`not implemented yet (${argv.length} args)`);
  },
};
