/**
 * Child process of the hostile-settings property test: loads every .gguf in
 * argv[2] (sorted) in this one process, and for each that loads, generates
 * two tokens. Prints one JSON line per file: {file, code} on an error,
 * {file, info} on success. A crash ends the process with a signal, which the
 * parent reports with the file that was being loaded (the last "start" line).
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadModel } from '../../../extension/engine/engine';

async function main(): Promise<void> {
  const dir = process.argv[2];
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.gguf')).sort();
  for (const f of files) {
    process.stdout.write(JSON.stringify({ start: f }) + '\n');
    try {
      const model = await loadModel(path.join(dir, f), { threads: 1, backend: 'cpu' });
      try {
        const session = model.createSession({ contextLength: 32 });
        const r = await session.generate('hi a', { maxTokens: 2 }).result;
        const i = model.info;
        const info = { nVocab: i.nVocab, nEmbd: i.nEmbd, nLayer: i.nLayer, nHead: i.nHead, nHeadKv: i.nHeadKv,
                       contextLengthTrain: i.contextLengthTrain, tokens: r.tokens.length };
        process.stdout.write(JSON.stringify({ file: f, info }) + '\n');
      } finally {
        model.dispose();
      }
    } catch (err) {
      const e = err as { code?: string; message?: string };
      process.stdout.write(JSON.stringify({ file: f, code: e.code ?? 'NO_CODE', message: e.message }) + '\n');
    }
  }
}

main().catch((err) => {
  process.stderr.write(`load-many: ${(err as Error).stack}\n`);
  process.exit(1);
});
