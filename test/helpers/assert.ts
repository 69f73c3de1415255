// Assertions on failures: a call that throws a CNI error with exactly this code and message, one
// that throws this message, and the error a promise rejects with (to assert on it).
import * as assert from 'uvu/assert';
import { CniError } from '../../lib/cni/errors.ts';

const matches = (m: string, msg: string | RegExp): boolean => (typeof msg === 'string' ? m === msg : msg.test(m));

export function throwsCni(fn: () => unknown, code: number, msg: string | RegExp): void {
  try {
    fn();
  } catch (err) {
    assert.instance(err, CniError);
    assert.is((err as CniError).code, code);
    if (typeof msg === 'string') assert.is((err as CniError).message, msg);
    else assert.match((err as CniError).message, msg);
    return;
  }
  assert.unreachable(`expected CniError ${code} "${msg}"`);
}

export function throwsMessage(fn: () => unknown, msg: string | RegExp): void {
  try {
    fn();
  } catch (err) {
    const m = (err as Error).message;
    assert.ok(matches(m, msg), m);
    return;
  }
  assert.unreachable('expected an error');
}

/** What `p` rejects with; fails the test when it resolves. */
export async function rejection<E extends Error = Error & { code?: number | string; details?: string }>(p: Promise<unknown>): Promise<E> {
  try {
    await p;
  } catch (err) {
    return err as E;
  }
  throw new Error('expected a rejection');
}
