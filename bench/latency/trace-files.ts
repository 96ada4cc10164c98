/**
 * The files the default trace is built over (vendored in bench/latency/files,
 * see its README for sources and licences), or the user's --files.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { TraceFile } from './trace';

export const FILES_DIR = path.join(__dirname, 'files');

/**
 * Stored name and the workspace path the pipeline sees (the TypeScript file
 * is stored as .txt so the project's type check leaves it alone).
 */
export const DEFAULT_TRACE_FILES: readonly { stored: string; relPath: string }[] = [
  { stored: 'engine.ts.txt', relPath: 'extension/engine/engine.ts' },
  { stored: 'argparse.py', relPath: 'Lib/argparse.py' },
  { stored: 'sampling.cpp', relPath: 'common/sampling.cpp' },
];

export function loadTraceFiles(files: readonly string[], root: string): TraceFile[] {
  if (files.length === 0) {
    return DEFAULT_TRACE_FILES.map((f) => ({ relPath: f.relPath, text: fs.readFileSync(path.join(FILES_DIR, f.stored), 'utf8') }));
  }
  return files.map((f) => {
    const abs = path.resolve(f);
    if (!fs.existsSync(abs)) throw new Error(`--files: no file at ${f}`);
    const rel = path.relative(root, abs);
    return { relPath: rel.startsWith('..') ? path.basename(abs) : rel, text: fs.readFileSync(abs, 'utf8') };
  });
}
