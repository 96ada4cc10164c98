import type { CliCommand } from '../command';
import { inspectCommand } from './inspect';
import { tokenizeCommand } from './tokenize';
import { detokenizeCommand } from './detokenize';
import { generateCommand } from './generate';
import { quantizeCommand } from './quantize';
import { completeCommand } from './complete';
import { chatCommand } from './chat';
import { benchCommand } from './bench';
import { serveCommand } from './serve';

/** Every `hearth` command, in the order `--help` lists them. */
export const COMMANDS: readonly CliCommand[] = [
  inspectCommand,
  tokenizeCommand,
  detokenizeCommand,
  generateCommand,
  completeCommand,
  chatCommand,
  serveCommand,
  benchCommand,
  quantizeCommand,
];
