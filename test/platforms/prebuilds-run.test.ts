/**
 * The prebuilds as users get them, on each platform, from this Linux x64 box:
 * linux-x64 under qemu-x86_64 -cpu Nehalem / Haswell, linux-arm64 under
 * qemu-aarch64 -cpu max / cortex-a72 (Node for arm64 from npm), win32-x64
 * under wine (Node for Windows from npm, and the same node.exe renamed
 * Code.exe). Each loads the addon from a staged package, picks the expected
 * kernel level, passes the kernel self-checks (test/platforms/probe.js),
 * inspects a model and generates greedily with stories260K: the same tokens
 * as this machine's native run.
 *
 * `npm run test:platforms` runs all of it; CI runs the linux-x64 part
 * (scripts/test.d/platforms.sh). A platform whose tools are missing skips
 * and says why.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fixture } from '../helpers/fixtures';
import { loadTestingBinding } from '../helpers/testing-binding';
import {
  hostNode, jsonOf, NODE_WIN, qemuArm64, qemuX64, runOn, stagePackage, whyUnavailable, wineNode,
  type Platform, type TargetName,
} from './helpers/platform-run';

const MODEL = 'tiny-llama/tinyllamas-stories-260k-f32.gguf';
const PROMPT = 'Once upon a time';
const N_TOKENS = 24;

interface Probe {
  platform: string;
  arch: string;
  addon: string;
  abiVersion: number;
  /** The level the shipped addon picked (its CPU device's detail). */
  kernels: string | null;
  /** From the test hooks (null: none were built with this prebuild). */
  cpu: { selected: string; features: string[]; levels: { name: string; supported: boolean }[] } | null;
  checks: { level: string; what: string; nmse: number; bound: number; ok: boolean }[] | null;
  files: { mapped: FileSummary; read: FileSummary } | null;
}
interface FileSummary { mapped: boolean; fileSize: number; tensors: number; keys: number }
interface Generation { promptTokens: number[]; tokens: number[]; text: string }
interface Inspection { version: number; architecture: string; metadata: Record<string, unknown>; tensors: unknown[] }

function generateArgs(p: Platform, pkg: string): string[] {
  return [p.path(path.join(pkg, 'dist', 'cli.js')), 'generate', p.path(fixture(MODEL)),
    '--prompt', PROMPT, '--n', String(N_TOKENS), '--threads', '2', '--json'];
}

function inspectArgs(p: Platform, pkg: string, file: string): string[] {
  return [p.path(path.join(pkg, 'dist', 'cli.js')), 'inspect', p.path(file), '--json'];
}

/** The reference: this machine's own node with the linux-x64 prebuild. */
let reference: { generation: Generation; inspection: Inspection } | undefined;
function nativeReference(): { generation: Generation; inspection: Inspection } {
  if (reference) return reference;
  const pkg = stagePackage('linux-x64');
  try {
    const host = hostNode();
    reference = {
      generation: jsonOf<Generation>(runOn(host, generateArgs(host, pkg)), 'native generate'),
      inspection: jsonOf<Inspection>(runOn(host, inspectArgs(host, pkg, fixture(MODEL))), 'native inspect'),
    };
    return reference;
  } finally {
    fs.rmSync(pkg, { recursive: true, force: true });
  }
}

function skipUnless(ctx: Mocha.Context, target: TargetName): void {
  const why = whyUnavailable(target);
  if (why) {
    console.log(`    skipped: ${why}`);
    ctx.skip();
  }
}

/** The shared checks for one platform run; `level` is the kernel table it must pick. */
function describePlatform(p: Platform, level: string | (() => string), extra?: (pkg: () => string) => void): void {
  describe(`${p.target} under ${p.label}`, function () {
    this.timeout(300000);
    let pkg = '';
    let probe: Probe;

    before(function () {
      skipUnless(this, p.target);
      pkg = stagePackage(p.target);
      const args = [p.path(path.join(pkg, 'probe.js')), p.path(pkg), p.path(fixture(MODEL))];
      probe = jsonOf<Probe>(runOn(p, args), `${p.label} probe`);
    });
    after(() => {
      if (pkg) fs.rmSync(pkg, { recursive: true, force: true });
    });

    it('loads the prebuild from prebuilds/<platform>-<arch>', () => {
      const [platform, arch] = p.target.split('-');
      assert.equal(probe.platform, platform);
      assert.equal(probe.arch, arch);
      assert.equal(probe.addon, `prebuilds/${p.target}/hearth.node`);
      assert.equal(probe.abiVersion, 1);
    });

    it(`picks the ${typeof level === 'string' ? level : 'best'} kernels`, () => {
      const expected = typeof level === 'string' ? level : level();
      assert.equal(probe.kernels, expected, 'the shipped addon\'s pick');
      if (!probe.cpu) return;  // no hooks: the next test says so
      assert.equal(probe.cpu.selected, expected, `features: ${probe.cpu.features.join(' ')}`);
      const supported = probe.cpu.levels.filter((l) => l.supported).map((l) => l.name);
      assert.equal(supported[supported.length - 1], expected, `supported: ${supported.join(' ')}`);
    });

    it('every kernel level it runs matches the float64 reference (self-checks)', function () {
      if (!probe.checks || !probe.cpu) {
        console.log(`    skipped: no hearth_testing.addon built with the ${p.target} prebuild (the kernel hooks are not in hearth.node)`);
        this.skip();
      }
      assert.ok(probe.checks.length >= 40, `only ${probe.checks.length} checks`);
      const bad = probe.checks.filter((c) => !c.ok);
      assert.deepEqual(bad, [], JSON.stringify(bad.slice(0, 5)));
      const levels = new Set(probe.checks.map((c) => c.level));
      assert.ok(levels.has('generic') && levels.has(probe.cpu.selected), `levels checked: ${[...levels].join(' ')}`);
    });

    it('reads the model through the OS file mapping and through plain reads alike', () => {
      assert.ok(probe.files, 'no file-access result');
      const { mapped, read } = probe.files;
      assert.equal(mapped.mapped, true);
      assert.equal(read.mapped, false);
      assert.deepEqual({ ...read, mapped: true }, mapped);
      assert.equal(mapped.fileSize, fs.statSync(fixture(MODEL)).size);
      assert.ok(mapped.tensors > 0 && mapped.keys > 0);
    });

    it('inspects stories260K as the native build does', () => {
      const got = jsonOf<Inspection>(runOn(p, inspectArgs(p, pkg, fixture(MODEL))), `${p.label} inspect`);
      const ref = nativeReference().inspection;
      assert.equal(got.architecture, 'llama');
      assert.deepEqual(got.metadata, ref.metadata);
      assert.deepEqual(got.tensors, ref.tensors);
    });

    it(`generates the same ${N_TOKENS} greedy tokens as the native x64 run`, () => {
      const got = jsonOf<Generation>(runOn(p, generateArgs(p, pkg)), `${p.label} generate`);
      const ref = nativeReference().generation;
      assert.deepEqual(got.promptTokens, ref.promptTokens);
      assert.deepEqual(got.tokens, ref.tokens);
      assert.equal(got.text, ref.text);
      assert.ok(got.text.startsWith(', there was a little girl named Lily.'), JSON.stringify(got.text));
    });

    if (extra) extra(() => pkg);
  });
}

describe('platforms: prebuilds run as users get them', () => {
  // qemu 7.2 reports SSE4.2 but no AVX for Nehalem, AVX2+FMA+F16C (no AVX-512) for Haswell.
  describePlatform(qemuX64('Nehalem'), 'sse2');
  describePlatform(qemuX64('Haswell'), 'avx2');
  // max has dotprod+fp16; cortex-a72 has neither, so dotprod code must not run (it would SIGILL).
  describePlatform(qemuArm64('max'), 'dotprod');
  describePlatform(qemuArm64('cortex-a72'), 'neon');
  // Under wine the code runs on this machine's CPU: the best level it supports.
  const nativeBest = (): string => {
    const supported = loadTestingBinding().cpuInfo().levels.filter((l) => l.supported);
    return supported[supported.length - 1].name;
  };
  describePlatform(wineNode(), nativeBest, (pkg) => {
    it('reports a missing model and a directory with coded errors (mapped-file-win32)', () => {
      const p = wineNode();
      const missing = runOn(p, inspectArgs(p, pkg(), path.join(pkg(), 'no-such-model.gguf')));
      assert.notEqual(missing.status, 0);
      assert.match(missing.err, /E_IO_NOT_FOUND/);
      const dir = runOn(p, inspectArgs(p, pkg(), pkg()));
      assert.notEqual(dir.status, 0);
      assert.match(dir.err, /E_IO_OPEN.*directory/);
    });
  });
  // VS Code is Electron: the host executable is Code.exe, not node.exe. The
  // delay-load hook must bind N-API to whatever the running executable is.
  describe('win32-x64 in a host named Code.exe', function () {
    this.timeout(300000);
    let codeExe = '';
    before(function () {
      skipUnless(this, 'win32-x64');
      codeExe = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-code-')), 'Code.exe');
      fs.copyFileSync(NODE_WIN, codeExe);
    });
    after(() => {
      if (codeExe) fs.rmSync(path.dirname(codeExe), { recursive: true, force: true });
    });

    it('loads the addon and generates the native tokens', () => {
      const p = wineNode(codeExe);
      const pkg = stagePackage('win32-x64');
      try {
        const probe = jsonOf<Probe>(runOn(p, [p.path(path.join(pkg, 'probe.js')), p.path(pkg)]), 'Code.exe probe');
        assert.equal(probe.abiVersion, 1);
        const got = jsonOf<Generation>(runOn(p, generateArgs(p, pkg)), 'Code.exe generate');
        assert.deepEqual(got.tokens, nativeReference().generation.tokens);
      } finally {
        fs.rmSync(pkg, { recursive: true, force: true });
      }
    });
  });
});
