import { strict as assert } from 'assert';
import { loadBinding } from '../../extension/engine/binding';

describe('native addon', () => {
  it('loads through node-gyp-build and reports its ABI version', () => {
    const binding = loadBinding();
    assert.equal(binding.abiVersion, 1);
  });
});
