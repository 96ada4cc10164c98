import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from './fixtures';

/** The .ts files under `dir` (relative to the repository root), as posix paths relative to it. */
export function tsSourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })) {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) out.push(...tsSourceFiles(rel));
    else if (e.name.endsWith('.ts')) out.push(rel);
  }
  return out;
}
