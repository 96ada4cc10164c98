/**
 * Texts for the differential tokenizer tests: prose, source code taken from
 * the project's own node_modules (deterministic: sorted paths, size-capped),
 * and adversarial Unicode.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fixture, REPO_ROOT } from '../../helpers/fixtures';

/** The first `bytes` of war-and-peace.txt, cut at a line end. */
export function prose(bytes: number): string {
  const all = fs.readFileSync(fixture('bench-text/war-and-peace.txt'), 'utf8');
  const cut = all.lastIndexOf('\n', bytes);
  return all.slice(0, cut > 0 ? cut + 1 : bytes);
}

const CODE_EXTENSIONS = ['.js', '.ts', '.py', '.c', '.h', '.cpp', '.md', '.json', '.gyp', '.sh'];

/** Up to `perExt` bytes of files of each extension under node_modules, named by path. */
export function codeCorpus(perExt: number): { name: string; text: string }[] {
  const root = path.join(REPO_ROOT, 'node_modules');
  const byExt = new Map<string, string[]>();
  const walk = (dir: string, depth: number): void => {
    if (depth > 6) return;
    let ents: fs.Dirent[];
    try {
      ents = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    ents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const ent of ents) {
      const p = path.join(dir, ent.name);
      if (ent.isDirectory()) walk(p, depth + 1);
      else if (ent.isFile()) {
        const ext = path.extname(ent.name);
        if (!CODE_EXTENSIONS.includes(ext)) continue;
        const list = byExt.get(ext) ?? [];
        if (list.length < 400) list.push(p);
        byExt.set(ext, list);
      }
    }
  };
  walk(root, 0);
  const out: { name: string; text: string }[] = [];
  for (const ext of CODE_EXTENSIONS) {
    let budget = perExt;
    for (const file of byExt.get(ext) ?? []) {
      const size = fs.statSync(file).size;
      if (size === 0 || size > 16384 || size > budget) continue;
      const text = fs.readFileSync(file, 'utf8');
      out.push({ name: path.relative(root, file), text });
      budget -= size;
      if (budget < 512) break;
    }
  }
  return out;
}

/**
 * Hard cases for pre-tokenizers and byte fallback. Only characters assigned
 * before Unicode 15 (llama.cpp's and our tables may differ on newer ones).
 */
export const ADVERSARIAL: readonly string[] = [
  'e\u0301 a\u0308 n\u0303o Z\u0324\u0354\u0367\u0311\u0313a\u0308\u0356\u032d\u0308\u0307 \u0915\u094d\u0937',
  '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466} \u{1F1FA}\u{1F1F8}\u{1F44D}\u{1F3FD} \u2764\uFE0F \u{1F600}\u{1F601}',
  '\u4e2d\u6587\u5b57\u7b26\u6d4b\u8bd5\uff0c\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8\u3002\ud55c\uad6d\uc5b4 \ud14d\uc2a4\ud2b8',
  '\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645 \u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd \u200F\u202Eabc\u202C',
  '\u0661\u0662\u0663\u0664\u0665 \u0967\u0968\u0969 \u2460\u2461 \u00bd\u00bc 12345678901234567890 3.14159 1,000,000',
  'lone \uD800 surrogates \uDFFF\uD83D mixed \uDC00x',
  'nul\u0000inside\u0000\u0000 ctrl \u0001\u0007\u001b[31m\u001F\u007F\u0085end',
  'zero\u200Bwidth\u200C\u200D\uFEFFjoin \u00A0nbsp\u3000ideo\u2009thin\u1680ogham\u2028ls\u2029ps',
  '\r\n\r\n  \n\t\t \u000b\u000c  x   \n\n\n   y\t\n',
  "I'LL 'S 'Re don't can'T we'Ve they'D ''' '' 's",
  '\uff21\uff22\uff23\uff11\uff12\uff13\uff01\uff1f \u2211\u222b\u221a\u221e\u2260\u2264 \ue000\uf8ff \u0378\u0379 \u{1D49C}\u{1D4D1}\u{1D520}',
  '\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35\u0e04\u0e23\u0e31\u0e1a \u0928\u092e\u0938\u094d\u0924\u0947 \u1100\u1161\u11a8 \u0410\u0411\u0412\u0433\u0434 \u03b1\u03b2\u03b3 \u00df\u0130\u0131',
  '<|endoftext|><|im_start|>user\n<fim_prefix><|fim_prefix|><s></s>[INST] <<SYS>> <\uff5cfim\u2581begin\uff5c>',
  '    def f(x):\n        return x  # \u00e9\n\n\n\t}\n}\n' + ' '.repeat(40) + '\n' + '='.repeat(30),
  '\u00b5\u00c0\u00d6\u00d8\u00f6\u00f8\u01bb\u01bc \u1e00\u1f00\u2126\u212a\u2c00\ua640 \uff41\uff5a \u{10400}\u{10c80}\u{1e900}',
  '!!!???...,,,;;;:::--- ((( ))) [[[ ]]] {{{ }}} $$$ +++ <<< >>> === ^^^ ~~~ ||| ``` @@@ ### %%% &&& ***',
];
