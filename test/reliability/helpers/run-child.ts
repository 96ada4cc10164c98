/**
 * Runs hostile input in a child process, so that a crash is seen as a signal
 * instead of taking the test runner down, with a wall-clock limit and the
 * child's peak RSS (helpers/report-rss.cjs).
 *
 * HEARTH_HOSTILE_CLI=<path/to/bin/hearth.js> runs another build's CLI (e.g.
 * the main checkout's) instead of this tree's sources: how the tests were
 * checked to fail on the tree before the fix.
 */
import { spawn } from 'child_process';
import * as path from 'path';
import { REPO_ROOT } from '../../helpers/fixtures';

export interface ChildRun {
  /** Exit status, or null when a signal ended it. */
  status: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Peak RSS in bytes, or undefined when the child died before reporting it. */
  maxRss?: number;
  ms: number;
}

const RSS_PRELOAD = path.join(__dirname, 'report-rss.cjs');

/** node [preloads] args..., killed after timeoutMs. */
export function runNode(args: string[], timeoutMs: number): Promise<ChildRun> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', RSS_PRELOAD, ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString('utf8'); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      const m = /HEARTH_MAX_RSS_KB=(\d+)/.exec(stderr);
      resolve({
        status, signal, timedOut, stdout, stderr,
        maxRss: m ? Number(m[1]) * 1024 : undefined,
        ms: Date.now() - t0,
      });
    });
  });
}

/** `hearth <args>` from this tree's sources (or HEARTH_HOSTILE_CLI). */
export function runHearth(args: string[], timeoutMs: number): Promise<ChildRun> {
  const cli = process.env.HEARTH_HOSTILE_CLI;
  const entry = cli ? [cli] : ['-r', 'tsx/cjs', path.join(REPO_ROOT, 'extension', 'cli', 'main.ts')];
  return runNode([...entry, ...args], timeoutMs);
}

/** The `{"error":{"code"}}` of a --json run, or undefined when it printed none. */
export function errorCode(run: ChildRun): string | undefined {
  for (const line of run.stdout.split('\n')) {
    try {
      const j = JSON.parse(line) as { error?: { code?: string } };
      if (j.error?.code) return j.error.code;
    } catch {
      // not a JSON line
    }
  }
  return undefined;
}

/** One line for assertion messages: how the child ended and what it said. */
export function describeRun(run: ChildRun): string {
  const how = run.timedOut ? `timed out after ${run.ms} ms` : run.signal ? `signal ${run.signal}` : `exit ${run.status}`;
  const tail = run.stderr.replace(/\nHEARTH_MAX_RSS_KB=\d+\n?/, '').trim().split('\n').slice(-3).join(' | ');
  return `${how}, ${run.maxRss !== undefined ? `${(run.maxRss / 2 ** 20).toFixed(0)} MiB` : 'no RSS'}: ${tail.slice(0, 400)}`;
}
