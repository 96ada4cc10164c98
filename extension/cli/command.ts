/** What every CLI command module exports. */
export interface CliCommand {
  /** The word after `hearth`. */
  readonly name: string;
  /** One line for `hearth --help`. */
  readonly summary: string;
  /** Full usage text for `hearth <name> --help` and usage errors. */
  readonly usage: string;
  /** Runs the command; resolves to the process exit code. */
  run(argv: string[], io: CliIo): Promise<number>;
}

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** A mistake in how the command was called: exit code 2 plus usage, with the stable code. */
export class UsageError extends Error {
  readonly code = 'E_INVALID_ARGUMENT';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
