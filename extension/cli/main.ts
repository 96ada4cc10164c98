/**
 * `hearth`: the command line over the same engine the extension uses.
 * Exit codes: 0 success, 1 unexpected failure, 2 usage or engine error.
 */
import { COMMANDS } from './commands/index';
import { UsageError, type CliIo } from './command';

// `hearth ... | head` closes the pipe early: that is the reader's choice, not
// a failure, so stop quietly instead of dying on an unhandled EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const io: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'usage: hearth <command> [options]',
    '',
    'Local, offline inference on Hearth\'s own engine.',
    '',
    'commands:',
    ...lines,
    '',
    'Run `hearth <command> --help` for the options of one command.',
    '',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(topHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    io.out(`${require('../../package.json').version}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`hearth: unknown command '${name}'\n\n${topHelp()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`usage: ${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`hearth ${command.name}: ${err.code}: ${err.message}\nusage: ${command.usage}\n`);
      // --json: the same error on stdout too, as every other error of a command (cli/errors.ts).
      if (rest.includes('--json')) io.out(JSON.stringify({ error: { code: err.code, message: err.message } }) + '\n');
      return 2;
    }
    io.err(`hearth: unexpected failure: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`hearth: ${String(err)}\n`);
    process.exitCode = 1;
  },
);
