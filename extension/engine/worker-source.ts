/**
 * Where a helper process or thread starts from: the bundled `dist/<name>.js`
 * beside the caller's bundle, or the TypeScript source through tsx (tests,
 * dev), the only case in which tsx is installed.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface WorkerSource {
  script: string;
  /** The module to require before the script: tsx's loader, or null for a bundled script. */
  loader: string | null;
}

/** `dir`: the caller's __dirname; `name`: the entry's file name without extension. */
export function workerSource(dir: string, name: string): WorkerSource {
  const bundled = path.join(dir, `${name}.js`);
  if (fs.existsSync(bundled)) return { script: bundled, loader: null };
  // A name in a variable keeps the bundler from trying to resolve it.
  const loader = 'tsx/cjs';
  return { script: path.join(dir, `${name}.ts`), loader: require.resolve(loader) };
}
