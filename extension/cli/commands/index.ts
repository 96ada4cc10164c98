import type { CliCommand } from '../command';
import { inspectCommand } from './inspect';

/** Every `hearth` command, in the order `--help` lists them. */
export const COMMANDS: readonly CliCommand[] = [inspectCommand];
