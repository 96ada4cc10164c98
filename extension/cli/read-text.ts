/**
 * Text files given to the CLI (`tokenize --text-file`, `generate
 * --prompt-file`, `complete --file`): all read the same way, as UTF-8, and
 * a file that is not valid UTF-8 is refused (E_INVALID_ARGUMENT) rather than
 * silently changed (replacement characters) or passed through as bytes by one
 * command and not another. A BOM is kept as text, as the file has it.
 */
import * as fs from 'fs';
import { UsageError } from './command';

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > bytes.length) return i;
    if (len > 1) {
      const b1 = bytes[i + 1];
      // Second-byte bounds exclude overlongs, surrogates and code points past U+10FFFF.
      const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
      const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
      if (b1 < lo || b1 > hi) return i;
      for (let k = 2; k < len; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    }
    i += len;
  }
  return -1;
}

/** Reads `file` ('-': stdin) as UTF-8 text for option `flag`; usage errors name both. */
export function readUtf8File(flag: string, file: string): string {
  let bytes: Buffer;
  try {
    bytes = file === '-' ? fs.readFileSync(0) : fs.readFileSync(file);
  } catch (err) {
    throw new UsageError(`cannot read ${flag} ${file}: ${(err as Error).message}`);
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    throw new UsageError(`${flag} ${file} is not valid UTF-8 text (byte 0x${bytes[bad].toString(16).padStart(2, '0')} at offset ${bad})`);
  }
  return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
}
