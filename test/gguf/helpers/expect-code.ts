import { strict as assert } from 'assert';

/** Awaits p and asserts it rejects with .code === code; returns the error. */
export async function expectCode(p: Promise<unknown>, code: string): Promise<Error & { code: string }> {
  let caught: unknown;
  try {
    await p;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof Error, `expected a rejection with ${code}, but it resolved`);
  const e = caught as Error & { code: string };
  assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
  return e;
}
