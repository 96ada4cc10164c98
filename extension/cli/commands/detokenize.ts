import type { CliCommand, CliIo } from '../command';
import { UsageError } from '../command';
import { reportEngineError } from '../errors';
import { Tokenizer } from '../../engine/tokenizer';

function parseIds(list: string): number[] {
  const parts = list.split(/[\s,]+/).filter((p) => p.length > 0);
  if (parts.length === 0) throw new UsageError('--tokens needs at least one id');
  return parts.map((p) => {
    if (!/^\d+$/.test(p)) throw new UsageError(`not a token id: '${p}'`);
    return Number(p);
  });
}

async function runDetokenize(argv: string[], io: CliIo): Promise<number> {
  const positional: string[] = [];
  let tokens: string | undefined;
  let json = false;
  let special = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--tokens') {
      tokens = argv[++i];
      if (tokens === undefined) throw new UsageError('--tokens needs a value');
    } else if (arg.startsWith('--tokens=')) tokens = arg.slice('--tokens='.length);
    else if (arg === '--json') json = true;
    else if (arg === '--special') special = true;
    else if (arg.startsWith('-')) throw new UsageError(`unknown option '${arg}'`);
    else positional.push(arg);
  }
  if (positional.length !== 1) throw new UsageError(positional.length === 0 ? 'missing <model>' : 'expected exactly one <model>');
  if (tokens === undefined) throw new UsageError('missing --tokens');
  const ids = parseIds(tokens);
  let tok: Tokenizer | undefined;
  try {
    tok = await Tokenizer.load(positional[0] as string);
    const text = tok.detokenize(ids, { special });
    io.out(json ? JSON.stringify({ text }) + '\n' : text.endsWith('\n') ? text : `${text}\n`);
    return 0;
  } catch (err) {
    return reportEngineError(err, io, json);
  } finally {
    tok?.dispose();
  }
}

export const detokenizeCommand: CliCommand = {
  name: 'detokenize',
  summary: 'turn token ids back into text',
  usage: [
    'hearth detokenize <model.gguf> --tokens 1,2,3 [--special] [--json]',
    '',
    '  --tokens L  token ids, separated by commas or spaces',
    '  --special   render control tokens (e.g. <|im_end|>) as their text',
    '  --json      print {"text": "..."}',
  ].join('\n'),
  run: runDetokenize,
};
