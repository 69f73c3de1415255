// loopback CHECK against a fake kernel: lo up with the addresses ADD reported, else code 102.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CniError } from '../../../lib/cni/errors.ts';
import { add } from '../../../plugins/loopback/add.ts';
import { check } from '../../../plugins/loopback/check.ts';
import { rejection } from '../../helpers/assert.ts';
import { loRequest, loWorld, NETNS, type LoWorld } from '../../helpers/loopback.ts';

async function added(w: LoWorld): Promise<Record<string, unknown>> {
  return { prevResult: await add(loRequest('ADD'), w.deps) };
}

async function failure(w: LoWorld, conf: Record<string, unknown> = {}): Promise<[number, string]> {
  const err = await rejection<CniError>(check(loRequest('CHECK', conf), w.deps));
  return [err.code, err.message];
}

test('check: passes after ADD, with its result as prevResult and without one', async () => {
  const w = await loWorld();
  const conf = await added(w);
  await check(loRequest('CHECK', conf), w.deps);
  await check(loRequest('CHECK'), w.deps);
  assert.is(w.kernel.open, 0);
});

test('check: lo down is code 102', async () => {
  const w = await loWorld();
  assert.equal(await failure(w), [102, 'loopback interface is down']);
});

test('check: an address ADD reported that is gone is code 102', async () => {
  const w = await loWorld();
  const conf = await added(w);
  const nl = await w.kernel.openNetlink(NETNS);
  await nl.deleteAddress('lo', '::1/128');
  assert.equal(await failure(w, conf), [102, 'loopback interface lacks address ::1/128']);
  await nl.deleteAddress('lo', '127.0.0.1/8');
  nl.close();
  assert.equal(await failure(w), [102, 'loopback interface lacks address 127.0.0.1/8']);
});

test("check: another plugin's prevResult addresses are not looked for on lo", async () => {
  const w = await loWorld();
  await add(loRequest('ADD'), w.deps);
  const prev = { cniVersion: '1.1.0', interfaces: [{ name: 'eth0', sandbox: NETNS }], ips: [{ interface: 0, address: '10.1.2.2/24' }] };
  await check(loRequest('CHECK', { prevResult: prev }), w.deps);
});

test('check: a namespace that is gone keeps its own code', async () => {
  const w = await loWorld();
  const err = await rejection<CniError>(check(loRequest('CHECK', {}, '/run/netns/gone'), w.deps));
  assert.match(err.message, 'failed to open netns');
  assert.is.not(err.code, 102);
});

test.run();
