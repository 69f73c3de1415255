// Assertion that a call throws a CNI error with exactly this code, and this message (or one
// matching this pattern).
import * as assert from 'uvu/assert';
import { CniError } from '../../lib/cni/errors.ts';

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
