import type { CliCommand } from '../command';
import { inspectCommand } from './inspect';
import { tokenizeCommand } from './tokenize';
import { detokenizeCommand } from './detokenize';

/** Every `hearth` command, in the order `--help` lists them. */
export const COMMANDS: readonly CliCommand[] = [inspectCommand, tokenizeCommand, detokenizeCommand];
