/**
 * The engine's C boundary (native/include/hearth.h) serves a front end with no
 * Node in it: test/native/capi-smoke.c, plain C99, is compiled here, linked
 * against the static libraries node-gyp left in build/Release, and must load
 * stories260K, tokenize and generate greedily exactly as the JS binding does.
 */
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadModel } from '../../extension/engine/engine';
import { fixture, REPO_ROOT } from '../helpers/fixtures';

const MODEL = 'tiny-llama/tinyllamas-stories-260k-f32.gguf';
const PROMPT = 'Once upon a time';
const MAX_TOKENS = 12;
const RELEASE = path.join(REPO_ROOT, 'build', 'Release');

/** Why the C program cannot be built here, or null when it can. */
function cannotBuild(): string | null {
  if (process.platform !== 'linux') return `links with GNU ld's --start-group, not on ${process.platform}`;
  if (!fs.existsSync(path.join(RELEASE, 'hearth_capi.a'))) return `no ${RELEASE}/hearth_capi.a (a prebuild-only install)`;
  for (const tool of ['cc', 'c++']) {
    try {
      execFileSync(tool, ['--version'], { stdio: 'ignore' });
    } catch {
      return `no ${tool} on PATH`;
    }
  }
  return null;
}

/** The program's `label id id ...` line as numbers. */
function idsOf(output: string, label: string): number[] {
  const line = output.split('\n').find((l) => l.startsWith(`${label} `) || l === label);
  assert.ok(line !== undefined, `no "${label}" line in:\n${output}`);
  return line.split(' ').slice(1).filter(Boolean).map(Number);
}

describe('native: the C API (hearth.h) from a C program', function () {
  let exe = '';
  let tmp = '';

  before(function () {
    const why = cannotBuild();
    if (why) {
      // CI builds from source on Linux with a compiler: there, any of these is a gap, not a reason to skip.
      assert.ok(!process.env.CI, `the C program cannot be built under CI: ${why}`);
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-capi-'));
    const obj = path.join(tmp, 'capi-smoke.o');
    exe = path.join(tmp, 'capi-smoke');
    execFileSync('cc', ['-std=c99', '-Wall', '-Wextra', '-pedantic', '-Werror', `-I${path.join(REPO_ROOT, 'native', 'include')}`,
      '-c', path.join(REPO_ROOT, 'test', 'native', 'capi-smoke.c'), '-o', obj]);
    // Every engine library, in a group: their order among themselves does not matter then.
    const libs = fs.readdirSync(RELEASE).filter((f) => f.endsWith('.a')).map((f) => path.join(RELEASE, f));
    execFileSync('c++', ['-o', exe, obj, '-Wl,--start-group', ...libs, '-Wl,--end-group', '-lpthread', '-ldl']);
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('tokenizes and generates greedily the tokens the JS binding gives', async () => {
    const out = execFileSync(exe, [fixture(MODEL), PROMPT, String(MAX_TOKENS)], { encoding: 'utf8' });
    const model = await loadModel(fixture(MODEL), { threads: 1, backend: 'cpu' });
    try {
      const js = await model.createSession().generate(PROMPT, { maxTokens: MAX_TOKENS, temperature: 0 }).result;
      assert.deepEqual(idsOf(out, 'prompt'), js.promptTokens);
      assert.deepEqual(idsOf(out, 'tokens'), js.tokens);
      assert.equal(js.tokens.length, MAX_TOKENS);
      assert.match(out, /^reason length$/m);
    } finally {
      model.dispose();
    }
  });
});
