import type { CliCommand, CliIo } from '../command';
import { UsageError } from '../command';
import { reportEngineError } from '../errors';
import { Tokenizer } from '../../engine/tokenizer';
import { readUtf8File } from '../read-text';

interface TokenizeArgs {
  model: string;
  text: string;
  special: boolean;
  bos: boolean;
  json: boolean;
}

function parseArgs(argv: string[]): TokenizeArgs {
  const positional: string[] = [];
  let text: string | undefined;
  let textFile: string | undefined;
  let special = false;
  let bos = false;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--text') text = value();
    else if (arg.startsWith('--text=')) text = arg.slice('--text='.length);
    else if (arg === '--text-file') textFile = value();
    else if (arg.startsWith('--text-file=')) textFile = arg.slice('--text-file='.length);
    else if (arg === '--special') special = true;
    else if (arg === '--bos') bos = true;
    else if (arg === '--json') json = true;
    else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option '${arg}'`);
    else positional.push(arg);
  }
  if (positional.length !== 1) throw new UsageError(positional.length === 0 ? 'missing <model>' : 'expected exactly one <model>');
  if ((text === undefined) === (textFile === undefined)) throw new UsageError('give exactly one of --text or --text-file');
  // UTF-8 text, as --text and `generate --prompt-file` take it; invalid UTF-8 is refused.
  const input = textFile !== undefined ? readUtf8File('--text-file', textFile) : (text as string);
  return { model: positional[0] as string, text: input, special, bos, json };
}

/** One line per token: index, id, the vocab text and the piece as a JSON string. */
export function formatListing(tok: Tokenizer, ids: Int32Array): string {
  const lines: string[] = [];
  const width = String(Math.max(0, ids.length - 1)).length;
  const idWidth = String(tok.nVocab - 1).length;
  const decoder = new TextDecoder('utf-8', { fatal: false });
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as number;
    const piece = decoder.decode(tok.tokenPiece(id, { special: true }));
    lines.push(`${String(i).padStart(width)}  ${String(id).padStart(idWidth)}  ${JSON.stringify(tok.tokenText(id))}  ${JSON.stringify(piece)}`);
  }
  lines.push(`${ids.length} tokens (${tok.info.model}/${tok.info.pre}, vocab ${tok.nVocab})`);
  return lines.join('\n') + '\n';
}

async function runTokenize(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv);
  let tok: Tokenizer | undefined;
  try {
    tok = await Tokenizer.load(args.model);
    const ids = await tok.tokenizeAsync(args.text, { addBos: args.bos, parseSpecial: args.special });
    io.out(args.json ? JSON.stringify({ tokens: Array.from(ids) }) + '\n' : formatListing(tok, ids));
    return 0;
  } catch (err) {
    return reportEngineError(err, io, args.json);
  } finally {
    tok?.dispose();
  }
}

export const tokenizeCommand: CliCommand = {
  name: 'tokenize',
  summary: "turn text into token ids with a model's tokenizer (vocab-only GGUF files work)",
  usage: [
    'hearth tokenize <model.gguf> (--text S | --text-file F) [--special] [--bos] [--json]',
    '',
    '  --text S        the text to tokenize',
    '  --text-file F   read the text from a file (- for stdin); it must be valid UTF-8',
    '  --special       let control-token text (e.g. <|fim_prefix|>) become control tokens;',
    '                  without it such text stays plain text',
    '  --bos           prepend the BOS token (when the vocab has one)',
    '  --json          print {"tokens":[...]} instead of a listing',
  ].join('\n'),
  run: runTokenize,
};
