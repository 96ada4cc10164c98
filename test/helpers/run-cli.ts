/** Runs the `hearth` CLI from source (tsx) in a child process. */
import { execFile } from 'child_process';
import * as path from 'path';
import { REPO_ROOT } from './fixtures';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], input?: string, timeoutMs = 120000): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['-r', 'tsx/cjs', path.join(REPO_ROOT, 'extension', 'cli', 'main.ts'), ...args],
      { cwd: REPO_ROOT, timeout: timeoutMs, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}
