import type { CliCommand } from '../command';
import { inspectCommand } from './inspect';
import { generateCommand } from './generate';
import { quantizeCommand } from './quantize';

/** Every `hearth` command, in the order `--help` lists them. */
export const COMMANDS: readonly CliCommand[] = [inspectCommand, generateCommand, quantizeCommand];
