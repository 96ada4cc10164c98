/** The walkthrough opens on the first start after install, and never again. */
import { strict as assert } from 'assert';
import { claimFirstRun, FIRST_RUN_KEY } from '../../extension/ui/first-run';

function memoryStore(initial: Record<string, unknown> = {}) {
  const m = new Map(Object.entries(initial));
  return { get: <T>(k: string) => m.get(k) as T | undefined, update: async (k: string, v: unknown) => void m.set(k, v), m };
}

describe('first run: walkthrough once', () => {
  it('is claimed on the first start only', async () => {
    const store = memoryStore();
    assert.equal(await claimFirstRun(store), true);
    assert.equal(store.m.get(FIRST_RUN_KEY), true);
    assert.equal(await claimFirstRun(store), false);
    assert.equal(await claimFirstRun(store), false);
  });

  it('is not claimed where the flag is already set (an update, a second window)', async () => {
    assert.equal(await claimFirstRun(memoryStore({ [FIRST_RUN_KEY]: true })), false);
  });

  it('writes the flag before the caller opens anything', async () => {
    const order: string[] = [];
    const store = { get: () => undefined, update: async () => void order.push('flag') };
    const first = await claimFirstRun(store);
    order.push('open');
    assert.equal(first, true);
    assert.deepEqual(order, ['flag', 'open']);
  });
});
