import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CniError, combineErrors, settleAll } from '../../../lib/cni/errors.ts';

test('combineErrors: the first error leads, the others go to the details', () => {
  const e = combineErrors([new CniError(11, 'busy', 'retry later'), new Error('b'), new Error('c')]);
  assert.equal(e.toJSON(), { code: 11, msg: 'busy', details: 'retry later; b; c' });
  assert.is(combineErrors([new Error('only')]).message, 'only');
});

test('combineErrors: errors it combined before are taken apart, so no message is lost', () => {
  const inner = combineErrors([new Error('ipv4'), new Error('ipv6')]);
  const outer = combineErrors([new Error('link'), inner, new Error('nft')]);
  assert.equal(outer.toJSON(), { code: 999, msg: 'link', details: 'ipv4; ipv6; nft' });
  assert.is((outer.cause as AggregateError).errors.length, 4);
  assert.equal(combineErrors([inner]).toJSON(), inner.toJSON());
});

test('settleAll: waits for every job and throws the failures as one', async () => {
  let finished = false;
  const slow = new Promise<void>((resolve) => setTimeout(() => ((finished = true), resolve()), 5));
  try {
    await settleAll([Promise.reject(new Error('a')), slow, undefined, Promise.reject(new Error('b'))]);
    assert.unreachable();
  } catch (err) {
    assert.ok(finished);
    assert.equal((err as CniError).toJSON(), { code: 999, msg: 'a', details: 'b' });
  }
  await settleAll([Promise.resolve(1), undefined]);
});

test.run();
