/**
 * The host-side list of supported architectures (model vetting, model
 * picker) is the engine's list: the engine names its architectures when it
 * refuses one, so a probe file with an unknown architecture reads them out.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadModel } from '../../extension/engine/engine';
import { writeGguf } from '../../extension/gguf/writer';
import { SUPPORTED_ARCHITECTURES } from '../../extension/models/model-check';

describe('supported architectures', () => {
  it('are exactly the ones the engine loads', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-arch-'));
    try {
      const probe = path.join(dir, 'probe.gguf');
      await writeGguf(probe, { metadata: [{ key: 'general.architecture', type: 'string', value: 'hearth-probe' }] });
      let message = '';
      await assert.rejects(loadModel(probe), (e: { code?: string; message: string }) => {
        message = e.message;
        return e.code === 'E_MODEL_UNSUPPORTED_ARCH';
      });
      const listed = /supported: ([^)]*)\)/.exec(message)?.[1];
      assert.ok(listed, `the engine's error does not list its architectures: ${message}`);
      assert.deepEqual([...SUPPORTED_ARCHITECTURES].sort(), listed.split(',').map((s) => s.trim()).sort());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
