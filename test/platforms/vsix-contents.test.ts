/**
 * The per-platform VSIX files of `npm run package` (out/hearth-<target>-<version>.vsix):
 * each declares its target and holds its own prebuild only, plus the bundles
 * and webview; no source build, no other platform's binary, no node_modules.
 */
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from '../helpers/fixtures';

const TARGETS = ['linux-x64', 'linux-arm64', 'win32-x64'] as const;
const VERSION = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version as string;

function vsixPath(target: string): string {
  return path.join(REPO_ROOT, 'out', `hearth-${target}-${VERSION}.vsix`);
}

describe('platforms: VSIX per target', () => {
  for (const target of TARGETS) {
    it(`${target}: its own prebuild, dist bundles and webview, nothing else native`, function () {
      const file = vsixPath(target);
      if (!fs.existsSync(file)) {
        console.log(`    skipped: no ${path.relative(REPO_ROOT, file)} (npm run package)`);
        this.skip();
      }
      const names = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).split('\n').filter(Boolean);
      const native = names.filter((n) => n.endsWith('.node'));
      assert.deepEqual(native, [`extension/prebuilds/${target}/hearth.node`]);
      // Shared libraries: only the CUDA companion, only in linux-x64, only when the prebuild has one.
      const libs = names.filter((n) => /\.(so|dll|dylib)$/.test(n));
      const cuda = path.join(REPO_ROOT, 'prebuilds', target, 'hearth_cuda.so');
      assert.deepEqual(libs, fs.existsSync(cuda) ? [`extension/prebuilds/${target}/hearth_cuda.so`] : []);
      for (const f of ['extension.js', 'engine-host.js', 'template-worker.js', 'discovery-worker.js', 'cli.js', 'webview.js', 'webview.css']) {
        assert.ok(names.includes(`extension/dist/${f}`), `missing dist/${f}`);
      }
      assert.ok(names.includes('extension/package.json'));
      // The README's links stay relative (vsce --no-rewrite-relative-links): the docs they name ship too.
      for (const d of ['user-guide.md', 'architecture.md']) assert.ok(names.includes(`extension/docs/${d}`), `missing docs/${d}`);
      assert.deepEqual(names.filter((n) => /node_modules|\/build\/|\.map$|\.ts$/.test(n)), []);
      const manifest = execFileSync('unzip', ['-p', file, 'extension.vsixmanifest'], { encoding: 'utf8' });
      assert.match(manifest, new RegExp(`TargetPlatform="${target}"`));
      console.log(`      ${path.basename(file)}: ${fs.statSync(file).size} bytes, ${names.length} files`);
    });
  }
});
