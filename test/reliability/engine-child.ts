/**
 * Runs a scenario of engine-child.cjs in its own node process and returns
 * what it printed. The process must exit 0 on its own: a signal (SIGSEGV,
 * SIGBUS, SIGABRT from a corrupted heap) or a timeout (a hang) fails the test
 * with what the child wrote.
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';

const CHILD = path.join(__dirname, 'engine-child.cjs');

export function runChild(scenario: string, args: string[], timeoutMs = 60000): Record<string, unknown> {
  const r = spawnSync(process.execPath, [CHILD, scenario, ...args], { encoding: 'utf8', timeout: timeoutMs });
  const said = `stdout: ${r.stdout}\nstderr: ${r.stderr?.slice(-2000)}`;
  assert.equal(r.error, undefined, `${scenario}: ${String(r.error)} (a hang?)\n${said}`);
  assert.equal(r.signal, null, `${scenario}: killed by ${r.signal}\n${said}`);
  assert.equal(r.status, 0, `${scenario}: exit ${r.status}\n${said}`);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as Record<string, unknown>;
}
