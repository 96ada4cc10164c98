/** Builds the standalone C++ kernel test drivers (test/kernels/native/) into a temp dir. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from '../helpers/fixtures';

export const NATIVE_SRC = path.join(REPO_ROOT, 'native', 'src');

export function buildDir(): string {
  const dir = path.join(os.tmpdir(), `hearth-kernel-tests-${process.pid}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Compiles sources (repo-relative) into an executable; returns its path. */
export function compile(cxx: string, out: string, sources: string[], flags: string[] = []): string {
  execFileSync(
    cxx,
    ['-std=c++17', '-O2', `-I${NATIVE_SRC}`, ...flags, ...sources.map((s) => path.join(REPO_ROOT, s)), '-o', out],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return out;
}
