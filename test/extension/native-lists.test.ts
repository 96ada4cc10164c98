/**
 * The lists C++ and TypeScript share (native/lists/*.json) reach C++ through
 * written X-macro files; these must match the lists, and each architecture
 * must have its file in the build.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import architectures from '../../native/lists/architectures.json';
import { nativeListFiles, staleNativeListFiles } from '../../scripts/gen-native-lists';

const ROOT = path.join(__dirname, '..', '..');

describe('native lists', () => {
  it('the C++ views are current (npm run gen:lists)', () => {
    assert.equal(nativeListFiles().length, 4);
    assert.deepEqual(staleNativeListFiles(), []);
  });

  it('each architecture has its arch-<name>.cpp in the model library', () => {
    const gypi = fs.readFileSync(path.join(ROOT, 'native/gyp/model.gypi'), 'utf8');
    for (const name of architectures.architectures) {
      const file = `src/model/arch-${name}.cpp`;
      assert.ok(fs.existsSync(path.join(ROOT, 'native', file)), `native/${file} is missing`);
      assert.ok(gypi.includes(`"../${file}"`), `native/gyp/model.gypi does not build ${file}`);
    }
  });
});
