// Run by `npm run test:prebuild` (PREBUILDS_ONLY=1) after `npm run prebuild`:
// proves that the prebuild alone loads, with no build/ fallback.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { loadBinding, packageRoot } from '../../extension/engine/binding';

describe('prebuild', () => {
  it('resolves to prebuilds/<platform>-<arch> and loads', () => {
    assert.equal(process.env.PREBUILDS_ONLY, '1', 'run through npm run test:prebuild');
    const dir = path.join(packageRoot(), 'prebuilds', `${process.platform}-${process.arch}`);
    assert.ok(fs.existsSync(dir), `${dir} must exist (npm run prebuild)`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const resolved: string = require('node-gyp-build').resolve(packageRoot());
    assert.ok(resolved.startsWith(dir), `resolved ${resolved}`);
    assert.equal(loadBinding().abiVersion, 1);
  });
});
