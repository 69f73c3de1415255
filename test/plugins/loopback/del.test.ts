// loopback DEL against a fake kernel: lo down; an empty CNI_NETNS or a namespace already gone is
// success; any other failure is reported.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { add } from '../../../plugins/loopback/add.ts';
import { del } from '../../../plugins/loopback/del.ts';
import { rejection } from '../../helpers/assert.ts';
import { isUp, loRequest, loWorld } from '../../helpers/loopback.ts';

test('del: brings lo down, and again when repeated', async () => {
  const w = await loWorld();
  await add(loRequest('ADD'), w.deps);
  await del(loRequest('DEL'), w.deps);
  assert.not.ok(isUp(w));
  await del(loRequest('DEL'), w.deps);
  assert.not.ok(isUp(w));
  assert.is(w.kernel.open, 0);
});

test('del: an empty CNI_NETNS touches nothing; a namespace gone is success', async () => {
  const w = await loWorld();
  await del(loRequest('DEL', {}, ''), w.deps);
  assert.equal(w.kernel.log.calls, []);
  await del(loRequest('DEL', {}, '/run/netns/gone'), w.deps);
});

test('del: a config field of the wrong type does not fail it (it reads no config)', async () => {
  const w = await loWorld();
  await del(loRequest('DEL', { prevResult: 5, dns: 'x' }), w.deps);
});

test('del: a failure to bring lo down is reported', async () => {
  const w = await loWorld();
  w.kernel.log.failOn = 'ctr.changeLink lo';
  assert.match((await rejection(del(loRequest('DEL'), w.deps))).message, 'injected failure');
  assert.is(w.kernel.open, 0);
});

test.run();
