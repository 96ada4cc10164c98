/**
 * The test data committed in test/fixtures: small real GGUF models, vocab-only
 * GGUFs with llama.cpp's tokenizer test vectors, and benchmark prose (sources,
 * licenses and users in test/fixtures/README.md). HEARTH_SHARED_MODELS points
 * the tests at another folder with the same layout instead.
 */
import * as fs from 'fs';
import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURES = process.env.HEARTH_SHARED_MODELS || path.join(REPO_ROOT, 'test', 'fixtures');

/** Absolute path of a file under test/fixtures, e.g. fixture('tiny-llama/llama-2-tiny-random.gguf'). */
export function fixture(rel: string): string {
  return path.join(FIXTURES, rel);
}

/** Every *.gguf under test/fixtures, sorted. */
export function allFixtureGgufs(): string[] {
  if (!fs.existsSync(FIXTURES)) throw new Error(`the test fixtures folder ${FIXTURES} does not exist`);
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (ent.name.endsWith('.gguf')) found.push(p);
    }
  };
  walk(FIXTURES);
  return found.sort();
}
