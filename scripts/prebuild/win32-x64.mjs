// Cross-builds prebuilds/win32-x64/hearth.node with mingw-w64 on Linux, and
// beside it build-win32-x64/hearth_testing.addon (the test hooks, for the
// platform probe; never a prebuild).
//
// node-gyp only drives MSVC on Windows, so this compiles the sources that
// binding.gyp lists for OS=win, target_arch=x64 (gyp-targets.mjs), each
// static library with its own ISA flags, in build-win32-x64/. Choices:
// - the -posix g++: the default win32-thread one has no std::mutex/thread;
// - -static: libgcc, libstdc++ and winpthread inside the .node, so it needs
//   no DLL beyond Windows' own;
// - N-API through a delay-load import library naming "node.exe" plus our
//   hook (native/napi/win-delay-load-hook.cpp) that resolves it to the host
//   executable, so the addon loads in Code.exe (Electron), not only node.exe.
// Usage: node scripts/prebuild/win32-x64.mjs [--jobs N]
import { spawn, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createRequire } from 'module';
import { gypTargets } from './gyp-targets.mjs';

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const OUT_DIR = path.join(REPO, 'build-win32-x64');
// The two addons' own targets in binding.gyp; every other target is an engine library both link.
const ADDONS = { hearth: 'hearth.node', hearth_testing: 'hearth_testing.addon' };
const PREBUILD = path.join(REPO, 'prebuilds', 'win32-x64', 'hearth.node');
const CXX = process.env.MINGW_CXX || 'x86_64-w64-mingw32-g++-posix';
const DLLTOOL = process.env.MINGW_DLLTOOL || 'x86_64-w64-mingw32-dlltool';
const jobsArg = process.argv.indexOf('--jobs');
const JOBS = jobsArg > 0 ? Number(process.argv[jobsArg + 1]) : Math.min(2, os.cpus().length);
const require = createRequire(import.meta.url);

// Flags that mean nothing for PE/COFF (every Windows DLL is relocatable).
const DROP_FLAGS = new Set(['-fPIC', '-fpic']);
// Sources that exist only for the mingw build (MSVC node-gyp ships its own hook).
const EXTRA_SOURCES = [path.join(REPO, 'native', 'napi', 'win-delay-load-hook.cpp')];

function newestMtime(dir, pattern) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p, pattern));
    else if (pattern.test(entry.name)) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

function compileJobs() {
  const targets = gypTargets(path.join(REPO, 'binding.gyp'), { OS: 'win', target_arch: 'x64', hearth_cuda: 0, hearth_vulkan: 0 });
  const napiInclude = require('node-api-headers').include_dir;
  const jobs = [];
  for (const t of targets) {
    // Both addons are DLLs that call N-API, so both need the hook.
    const sources = t.target_name in ADDONS ? [...t.sources, ...EXTRA_SOURCES] : t.sources;
    const flags = [...t.cflags, ...t.cflags_cc].filter((f) => !DROP_FLAGS.has(f));
    const args = [
      ...flags,
      ...t.defines.map((d) => `-D${d}`),
      // C99 printf (%zu, %lld) from mingw instead of msvcrt's; status.h formats with it.
      '-D__USE_MINGW_ANSI_STDIO=1',
      ...[...t.include_dirs, napiInclude].map((d) => `-I${d}`),
    ];
    for (const src of sources.filter((s) => /\.(cpp|cc|c)$/.test(s))) {
      const rel = path.relative(REPO, src).replace(/[\\/]/g, '_').replace(/\.\w+$/, '.o');
      jobs.push({ src, obj: path.join(OUT_DIR, 'obj', t.target_name, rel), args, target: t.target_name });
    }
  }
  return jobs;
}

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`))));
  });
}

async function runPool(jobs, width, fn) {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await fn(jobs[next++]);
  };
  await Promise.all(Array.from({ length: Math.max(1, width) }, worker));
}

async function main() {
  const t0 = Date.now();
  fs.mkdirSync(OUT_DIR, { recursive: true });
  // Incremental: an object is rebuilt when its source or any native header is newer.
  const headersMtime = newestMtime(path.join(REPO, 'native'), /\.(h|inc)$/);
  const gypMtime = newestMtime(path.join(REPO, 'native', 'gyp'), /\.gypi$/);
  const jobs = compileJobs();
  const stale = jobs.filter((j) => {
    if (!fs.existsSync(j.obj)) return true;
    const built = fs.statSync(j.obj).mtimeMs;
    return built < Math.max(fs.statSync(j.src).mtimeMs, headersMtime, gypMtime);
  });
  let done = 0;
  await runPool(stale, JOBS, async (j) => {
    fs.mkdirSync(path.dirname(j.obj), { recursive: true });
    await run(CXX, [...j.args, '-c', j.src, '-o', j.obj]);
    console.log(`  CXX(win32-x64) [${++done}/${stale.length}] ${path.relative(REPO, j.src)}`);
  });

  // Delay-load import library: every napi_* from "node.exe", bound on first call.
  const def = path.join(path.dirname(require.resolve('node-api-headers/package.json')), 'def', 'node_api.def');
  const delayLib = path.join(OUT_DIR, 'libnode_delay.a');
  execFileSync(DLLTOOL, ['-d', def, '-y', delayLib, '-D', 'node.exe']);

  // Each addon: its own objects and the engine libraries' (not the other addon's).
  for (const [target, file] of Object.entries(ADDONS)) {
    const objs = jobs.filter((j) => j.target === target || !(j.target in ADDONS)).map((j) => j.obj);
    await run(CXX, ['-shared', '-static', '-s', '-o', path.join(OUT_DIR, file), ...objs, delayLib]);
  }
  const out = path.join(OUT_DIR, ADDONS.hearth);
  fs.mkdirSync(path.dirname(PREBUILD), { recursive: true });
  fs.copyFileSync(out, PREBUILD);
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(`[prebuild] ${path.relative(REPO, PREBUILD)} (${fs.statSync(PREBUILD).size} bytes, ` +
    `${stale.length} of ${jobs.length} objects rebuilt, ${secs} s)`);
}

main().catch((err) => {
  console.error(`win32-x64 prebuild failed: ${err.message}`);
  process.exit(1);
});
