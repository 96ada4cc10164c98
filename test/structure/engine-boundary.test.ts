/**
 * The engine boundary in C (native/include/hearth.h): the shipped addon's
 * binding reaches the engine only through that header, so a second front end
 * (a CLI without Node, a server, another editor) has everything the product
 * uses. Read from binding.gyp: the sources of the `hearth` target and every
 * header they include, followed within native/napi/, may include nothing
 * under native/ but other native/napi/ files and native/include/hearth.h.
 * (hearth_testing.addon's hooks, which never ship, may include the engine.)
 *
 * And the header is C: it compiles as C99, so C++ stays behind
 * `#ifdef __cplusplus`.
 */
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');
const NAPI = 'native/napi';
const HEADER = 'native/include/hearth.h';
// Where the build looks for "quoted" and <angled> includes after the file's
// own folder (binding.gyp's include_dirs, node-addon-api's aside).
const INCLUDE_DIRS = ['native/include', 'native/src', 'native'];

/** binding.gyp is a Python literal: JSON with # comments and trailing commas. */
function readGyp(file: string): { targets: { target_name: string; sources?: string[] }[] } {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  let json = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      json += c;
      if (c === '\\') json += text[++i];
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      json += c;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      json += '\n';
    } else {
      json += c;
    }
  }
  return JSON.parse(json.replace(/,(\s*[\]}])/g, '$1'));
}

function productSources(): string[] {
  const target = readGyp('binding.gyp').targets.find((t) => t.target_name === 'hearth');
  assert.ok(target?.sources?.length, 'binding.gyp has no hearth target with sources');
  return target.sources.filter((s) => /\.(c|cc|cpp|h)$/.test(s));
}

/** The repository path an include names, or null when it is outside native/ (<napi.h>, the C++ library). */
function resolveInclude(from: string, spec: string, quoted: boolean): string | null {
  const dirs = [...(quoted ? [path.posix.dirname(from)] : []), ...INCLUDE_DIRS];
  for (const dir of dirs) {
    const candidate = path.posix.normalize(path.posix.join(dir, spec));
    if (fs.existsSync(path.resolve(ROOT, candidate))) return candidate;
  }
  return null;
}

/** Includes of files outside native/napi/ other than hearth.h, as "from -> to". */
function boundaryViolations(sources: readonly string[]): string[] {
  const bad: string[] = [];
  const seen = new Set<string>();
  const queue = [...sources];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = fs.readFileSync(path.resolve(ROOT, file), 'utf8');
    for (const m of text.matchAll(/^\s*#\s*include\s*([<"])([^>"]+)[>"]/gm)) {
      const quoted = m[1] === '"';
      const target = resolveInclude(file, m[2], quoted);
      if (target === null) {
        // A quoted include we cannot find is not something the rule can vouch for.
        if (quoted) bad.push(`${file} -> "${m[2]}" (not found)`);
        continue;
      }
      if (target === HEADER) continue;
      if (target.startsWith(`${NAPI}/`)) queue.push(target);
      else bad.push(`${file} -> ${target}`);
    }
  }
  return bad;
}

function hasCompiler(tool: string): boolean {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('structure: the shipped binding calls the engine through hearth.h only', () => {
  it('binding.gyp lists the product sources, all in native/napi/', () => {
    const sources = productSources();
    assert.ok(sources.includes('native/napi/addon.cpp'), sources.join(' '));
    assert.deepEqual(sources.filter((s) => !s.startsWith(`${NAPI}/`)), []);
  });

  it('no product source or header it includes reaches past native/napi/ except to hearth.h', () => {
    assert.deepEqual(boundaryViolations(productSources()), []);
  });

  it('the rule catches an engine include, directly or through a napi header', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-boundary-'));
    try {
      const probe = path.join(dir, 'probe.cpp');
      fs.writeFileSync(probe, '#include "hearth.h"\n#include "napi/errors.h"\n#include <engine/session.h>\n');
      assert.deepEqual(boundaryViolations([probe]), [`${probe} -> native/src/engine/session.h`]);
      // The C API's own internals are past the boundary too; napi headers are followed, and pass.
      fs.writeFileSync(probe, '#include "napi/js-values.h"\n#include "capi/capi-errors.h"\n');
      assert.deepEqual(boundaryViolations([probe]), [`${probe} -> native/src/capi/capi-errors.h`]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hearth.h compiles as C99 (and as C++17), C++ kept behind #ifdef __cplusplus', function () {
    if (!hasCompiler('gcc')) {
      // CI installs gcc (.ci/run's apt step): there a missing compiler is a broken machine, not a reason to skip.
      assert.ok(!process.env.CI, 'no gcc on PATH under CI, which installs it');
      console.log('      skipped: no gcc on PATH to compile hearth.h with');
      this.skip();
    }
    const header = path.join(ROOT, HEADER);
    // -pedantic-errors: a C++-only construct (a namespace, bool without
    // <stdbool.h>, references) is an error in C99, not a warning.
    execFileSync('gcc', ['-std=c99', '-pedantic-errors', '-Wall', '-Wextra', '-fsyntax-only', '-x', 'c', header]);
    if (hasCompiler('g++')) execFileSync('g++', ['-std=c++17', '-Wall', '-Wextra', '-fsyntax-only', '-x', 'c++', header]);
  });
});
