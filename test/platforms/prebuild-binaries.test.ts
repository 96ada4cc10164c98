/**
 * What each prebuild binary links against, read with objdump (no emulator):
 * the Linux builds stay under the glibc/libstdc++ floor of the distributions
 * VS Code supports (native/src/common/glibc-floor.h), the arm64 build holds
 * dotprod code, the win32 build needs only Windows' own DLLs and takes N-API
 * from a delay-loaded "node.exe" (bound to the host by our hook).
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { prebuildPath, type TargetName } from './helpers/platform-run';

// VS Code's own floor for Linux: glibc 2.28, libstdc++ of GCC 8.
const FLOOR = { GLIBC: '2.28', GLIBCXX: '3.4.25', CXXABI: '1.3.11' };

function tool(name: string, args: string[]): string | null {
  const r = spawnSync(name, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error || r.status !== 0) return null;
  return r.stdout;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Highest version each of GLIBC / GLIBCXX / CXXABI is needed at, from objdump -T. */
function symbolVersionFloor(dynamicSymbols: string): Record<string, string> {
  const highest: Record<string, string> = {};
  for (const m of dynamicSymbols.matchAll(/\((GLIBC|GLIBCXX|CXXABI)_([0-9.]+)\)/g)) {
    const [, lib, ver] = m;
    if (!highest[lib] || compareVersions(ver, highest[lib]) > 0) highest[lib] = ver;
  }
  return highest;
}

function needPrebuild(ctx: Mocha.Context, target: TargetName, objdump: string): string {
  const file = prebuildPath(target);
  const why = !fs.existsSync(file) ? `no ${file} (npm run prebuild:all)` : tool(objdump, ['--version']) === null ? `${objdump} missing` : null;
  if (why) {
    console.log(`    skipped: ${why}`);
    ctx.skip();
  }
  return file;
}

describe('platforms: prebuild binaries', () => {
  it('symbolVersionFloor reads the highest version per library', () => {
    const sample = '0 DF *UND* 0 (GLIBC_2.2.5) pow\n0 DF *UND* 0 (GLIBC_2.27) expf\n0 DF *UND* 0 (GLIBCXX_3.4.9) x\n' +
      '0 DF *UND* 0 (GLIBCXX_3.4.22) y\n0 DF *UND* 0 (CXXABI_1.3.8) z\n';
    assert.deepEqual(symbolVersionFloor(sample), { GLIBC: '2.27', GLIBCXX: '3.4.22', CXXABI: '1.3.8' });
  });

  for (const [target, objdump] of [['linux-x64', 'objdump'], ['linux-arm64', 'aarch64-linux-gnu-objdump']] as const) {
    it(`${target}: needs at most GLIBC_${FLOOR.GLIBC}, GLIBCXX_${FLOOR.GLIBCXX}, CXXABI_${FLOOR.CXXABI}`, function () {
      const file = needPrebuild(this, target, objdump);
      const floor = symbolVersionFloor(tool(objdump, ['-T', file]) ?? '');
      console.log(`      ${target} floor: ${Object.entries(floor).map(([k, v]) => `${k}_${v}`).join(' ')}`);
      assert.ok(floor.GLIBC, 'no versioned glibc symbols at all: objdump output not understood');
      for (const lib of ['GLIBC', 'GLIBCXX', 'CXXABI'] as const) {
        if (floor[lib]) assert.ok(compareVersions(floor[lib], FLOOR[lib]) <= 0, `${lib}_${floor[lib]} > ${FLOOR[lib]}`);
      }
      const needed = (tool(objdump, ['-p', file]) ?? '').match(/NEEDED\s+\S+/g) ?? [];
      const libs = needed.map((n) => n.split(/\s+/)[1]).sort();
      assert.deepEqual(libs.filter((l) => !/^(libc|libm|libstdc\+\+|libgcc_s|ld-linux-[\w-]+)\.so/.test(l)), [], `NEEDED: ${libs.join(' ')}`);
    });
  }

  it('linux-arm64: is an aarch64 ELF whose dotprod kernels use SDOT', function () {
    const file = needPrebuild(this, 'linux-arm64', 'aarch64-linux-gnu-objdump');
    const header = tool('aarch64-linux-gnu-objdump', ['-f', file]) ?? '';
    assert.match(header, /elf64-littleaarch64/);
    const sdot = (tool('aarch64-linux-gnu-objdump', ['-d', '--no-show-raw-insn', file]) ?? '').match(/\tsdot\t/g) ?? [];
    assert.ok(sdot.length > 0, 'no sdot instruction: the dotprod table is missing');
  });

  it('win32-x64: imports only Windows DLLs; N-API comes delay-loaded from "node.exe"', function () {
    const file = needPrebuild(this, 'win32-x64', 'x86_64-w64-mingw32-objdump');
    const dump = tool('x86_64-w64-mingw32-objdump', ['-p', file]) ?? '';
    assert.match(dump, /file format pei-x86-64/);
    const dlls = [...dump.matchAll(/DLL Name: (\S+)/g)].map((m) => m[1].toLowerCase()).sort();
    // -static: no libstdc++-6.dll, libgcc_s_seh-1.dll or libwinpthread-1.dll to ship.
    assert.deepEqual(dlls.filter((d) => !['kernel32.dll', 'msvcrt.dll', 'user32.dll', 'advapi32.dll'].includes(d)), [],
      `imports: ${dlls.join(' ')}`);
    assert.ok(!dlls.includes('node.exe'), 'node.exe is a plain import: the addon would not load in Code.exe');
    assert.match(dump, /napi_register_module_v1/);
    // The delay-import names are plain strings in the image: each must be a
    // function the host exports (node_api.def lists them all), or the first
    // call would fail at run time.
    const names = new Set(fs.readFileSync(file).toString('latin1').match(/(?<![A-Za-z0-9_])(?:napi|node_api)_[a-z0-9_]+/g) ?? []);
    const def = new Set(fs.readFileSync(
      path.join(path.dirname(require.resolve('node-api-headers/package.json')), 'def', 'node_api.def'), 'utf8').split(/\s+/));
    const exported = ['napi_register_module_v1', 'node_api_module_get_api_version_v1'];
    const imported = [...names].filter((n) => !exported.includes(n));
    assert.ok(imported.includes('napi_create_double') && imported.length > 40, `imports: ${imported.join(' ')}`);
    assert.deepEqual(imported.filter((n) => !def.has(n)), []);
    assert.ok(fs.readFileSync(file).toString('latin1').includes('node.exe'), 'no delay import of node.exe');
  });
});
