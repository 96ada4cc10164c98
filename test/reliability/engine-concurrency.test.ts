/**
 * Session methods during a generation (issue 15, defects 2 and 9):
 * tokens()/info() read a snapshot under the session's lock instead of
 * copying a vector the generation thread is changing (the old tree died of a
 * corrupted heap, 3 runs of 3); evaluate()/generate() meanwhile fail with
 * E_BUSY; dispose() of the session or of its model aborts the generation and
 * waits for its thread (the old tree streamed 1,809 and 3,325 more tokens
 * after dispose() in the runs below, and never sent a final event).
 */
import { strict as assert } from 'assert';
import { fixture } from '../helpers/fixtures';
import { runChild } from './engine-child';

const MODEL = fixture('tiny-llama/tinyllamas-stories-260k-f32.gguf');

describe('reliability: engine concurrency and lifetimes', function () {
  this.timeout(120000);
  it('tokens() and info() during a generation are safe; evaluate/generate get E_BUSY', () => {
    // Three runs: the old tree's heap corruption showed in each of three.
    for (let run = 0; run < 3; run++) {
      const r = runChild('tokens-during-generate', [MODEL]);
      assert.deepEqual(r.final, { type: 'done', reason: 'length' });
      assert.equal(r.generated, 3000);
      assert.ok((r.reads as number) > 100, `only ${String(r.reads)} reads overlapped the generation`);
      assert.equal(r.badLength, 0);
      assert.deepEqual(r.busy, ['E_BUSY', 'E_BUSY']);
    }
  });

  it('session dispose() aborts the running generation: no token after it, the final event says "abort"', () => {
    const r = runChild('dispose-during-generate', [MODEL, 'session']);
    assert.equal(r.tokensAfterDispose, 0, JSON.stringify(r));
    assert.deepEqual(r.finalEvent, { type: 'done', reason: 'abort' });
    assert.equal(r.laterCall, 'E_INVALID_ARGUMENT');
  });

  it('model dispose() aborts the generations of its sessions too', () => {
    const r = runChild('dispose-during-generate', [MODEL, 'model']);
    assert.equal(r.tokensAfterDispose, 0, JSON.stringify(r));
    assert.deepEqual(r.finalEvent, { type: 'done', reason: 'abort' });
    assert.equal(r.laterCall, 'E_INVALID_ARGUMENT');
  });
});
