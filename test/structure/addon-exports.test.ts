/**
 * The shipped addon exports the product surface and nothing else: the test
 * and bench hooks (kernels by level, Vulkan ops, sampler and UTF-8 decoder on
 * their own) live in hearth_testing.addon (native/napi/testing-addon.cpp),
 * which never ships. A new export of hearth.node must be added here on
 * purpose, with a runtime caller in extension/.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { loadBinding, packageRoot } from '../../extension/engine/binding';
import { loadTestingBinding } from '../helpers/testing-binding';

/** hearth.node's exports: what extension/ (runtime, CLI, engine process) calls. */
const PRODUCT_EXPORTS = [
  'abiVersion',
  'dequantizeRows',
  'ggufInspect',
  'listDevices',
  'loadModel',
  'loadTokenizer',
  'quantizeRows',
];

const exportsOf = (addon: object): string[] => Object.keys(addon).sort();

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('structure: the shipped addon exports the product surface only', () => {
  it('hearth.node (as node-gyp-build loads it) exports exactly the allow-list', () => {
    assert.deepEqual(exportsOf(loadBinding()), PRODUCT_EXPORTS);
  });

  it('the prebuild for this platform, when there is one, holds hearth.node alone with the same exports', function () {
    const dir = path.join(packageRoot(), 'prebuilds', `${process.platform}-${process.arch}`);
    if (!fs.existsSync(dir)) {
      // CI builds the prebuild before mocha; only a local run without `npx prebuildify` has none.
      assert.ok(!process.env.CI, `${dir} is missing: CI's prebuild step should have made it`);
      console.log(`      skipped: no ${dir} (run npx prebuildify --napi --strip to check the prebuild)`);
      this.skip();
    }
    const addons = fs.readdirSync(dir).filter((n) => /\.(node|addon)$/.test(n));
    assert.deepEqual(addons, ['hearth.node']);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    assert.deepEqual(exportsOf(require(path.join(dir, 'hearth.node'))), PRODUCT_EXPORTS);
  });

  it('the hooks are in hearth_testing.addon, which shares no export with hearth.node', () => {
    const hooks = exportsOf(loadTestingBinding());
    assert.ok(hooks.includes('cpuMatmul') && hooks.includes('vulkanRunOp'), hooks.join(' '));
    assert.deepEqual(hooks.filter((k) => PRODUCT_EXPORTS.includes(k)), []);
  });

  it('runtime code (extension/) never loads the hooks', () => {
    const root = packageRoot();
    const loaders = tsFiles(path.join(root, 'extension'))
      .filter((f) => /(from|import\()\s*'[^']*(testing-binding|\/test\/)|hearth_testing\.addon'/.test(fs.readFileSync(f, 'utf8')))
      .map((f) => path.relative(root, f));
    assert.deepEqual(loaders, []);
  });
});
