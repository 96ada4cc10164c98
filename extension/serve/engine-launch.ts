/**
 * The engine for `hearth serve`: an EngineProcess, the same supervised child
 * process the extension runs (restarted after a crash, with the model
 * reloaded). Its entry is dist/engine-host.js beside the bundled CLI, or the
 * TypeScript entry through tsx when the CLI itself runs from source.
 */
import * as fs from 'fs';
import * as path from 'path';
import { EngineProcess, type EngineEvent } from '../host/parent/engine-process';

export interface EngineEntry {
  scriptPath: string;
  execArgv: string[];
}

/** `dir`: the caller's __dirname (dist/ when bundled, extension/serve/ from source). */
export function engineEntry(dir: string): EngineEntry {
  const bundled = path.join(dir, 'engine-host.js');
  if (fs.existsSync(bundled)) return { scriptPath: bundled, execArgv: [] };
  // A name in a variable keeps the bundler from trying to resolve it.
  const loader = 'tsx/cjs';
  return { scriptPath: path.join(__dirname, '..', 'host', 'child', 'engine-host-main.ts'), execArgv: ['-r', require.resolve(loader)] };
}

export function launchEngine(onEvent: (e: EngineEvent) => void, env?: NodeJS.ProcessEnv): EngineProcess {
  const entry = engineEntry(__dirname);
  return new EngineProcess({ ...entry, env, onEvent });
}
