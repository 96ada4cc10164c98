/**
 * Loads hearth.node through node-gyp-build: a matching prebuild under
 * prebuilds/<platform>-<arch>/ or, failing that, build/Release. With
 * PREBUILDS_ONLY=1 node-gyp-build looks at prebuilds alone.
 *
 * The native surface is typed once here; each module adds its interface.
 * This is the shipped addon's surface only: the test and bench hooks are in
 * a second addon, hearth_testing.node (test/helpers/testing-binding.ts),
 * which runtime code never loads.
 */
import * as path from 'path';
import { EngineError } from './errors';
import type { GgufNative } from './native-gguf';
import type { TokenizerNative } from './native-tokenizer';
import type { ModelNative } from './native-model';

export interface NativeBinding extends GgufNative, TokenizerNative, ModelNative {
  readonly abiVersion: number;
}

let cached: NativeBinding | undefined;

/** The package root: where package.json, prebuilds/ and build/ live. */
export function packageRoot(): string {
  // Bundled: dist/cli.js -> ..; from source (tests): extension/engine -> ../..
  const here = __dirname;
  return path.basename(here) === 'dist' ? path.resolve(here, '..') : path.resolve(here, '..', '..');
}

export function loadBinding(): NativeBinding {
  if (cached) return cached;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const load = require('node-gyp-build') as (dir: string) => unknown;
    cached = load(packageRoot()) as NativeBinding;
  } catch (err) {
    throw new EngineError(
      'E_ADDON_LOAD',
      `could not load the Hearth native engine: ${(err as Error).message}`,
    );
  }
  return cached;
}
