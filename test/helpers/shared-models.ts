/**
 * Test data from ../shared/models (never committed here). Where the folder is
 * absent, tests that need it skip and say why; CI always has it.
 */
import * as fs from 'fs';
import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const SHARED_MODELS = process.env.HEARTH_SHARED_MODELS ?? path.resolve(REPO_ROOT, '..', 'shared', 'models');

export function sharedModelsPresent(): boolean {
  return fs.existsSync(SHARED_MODELS);
}

/** Absolute path of a file under ../shared/models. */
export function sharedModel(rel: string): string {
  return path.join(SHARED_MODELS, rel);
}

/** Every *.gguf under ../shared/models, sorted. */
export function allSharedGgufs(): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (ent.name.endsWith('.gguf')) found.push(p);
    }
  };
  if (sharedModelsPresent()) walk(SHARED_MODELS);
  return found.sort();
}

/** Call at the top of a describe()/it() that needs shared models. */
export function skipWithoutSharedModels(ctx: Mocha.Context): void {
  if (!sharedModelsPresent()) {
    // eslint-disable-next-line no-console
    console.log(`    skipped: ${SHARED_MODELS} is absent (CI provides it)`);
    ctx.skip();
  }
}
