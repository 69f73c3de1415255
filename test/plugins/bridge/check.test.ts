// bridge CHECK against fakes: what ADD made passes, and each kind of drift is named as the
// reference names it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resultToWire, type Wire100 } from '../../../lib/cni/convert.ts';
import { add } from '../../../plugins/bridge/add.ts';
import { check } from '../../../plugins/bridge/check.ts';
import { bridgeRequest, fakeWorld, L3, NETNS, type FakeWorld } from '../../helpers/bridge-deps.ts';

async function added(): Promise<{ w: FakeWorld; prevResult: Wire100 }> {
  const w = fakeWorld();
  const result = await add(bridgeRequest('ADD', L3), w.deps);
  return { w, prevResult: resultToWire(result, '1.1.0') as Wire100 };
}

async function checkFails(w: FakeWorld, prevResult: unknown, message: string, conf: Record<string, unknown> = {}): Promise<void> {
  try {
    await check(bridgeRequest('CHECK', { ...L3, ...conf, prevResult }), w.deps);
    assert.unreachable(`CHECK passed, expected: ${message}`);
  } catch (err) {
    assert.is((err as Error).message, message);
  }
  assert.is(w.kernel.open, 0);
}

test('check: what ADD made passes, IPAM and the chosen masquerade backend asked', async () => {
  const { w, prevResult } = await added();
  w.log.calls.length = 0;
  await check(bridgeRequest('CHECK', { ...L3, prevResult }), w.deps);
  assert.ok(w.log.calls.includes('ipam.CHECK host-local'));
  assert.equal(w.log.calls.filter((c) => c.startsWith('masq.')), ['masq.iptables.missing']);
  assert.is(w.kernel.open, 0);
});

test('check: a container MAC that is not the one in prevResult', async () => {
  const { w, prevResult } = await added();
  const actual = w.kernel.find(NETNS, 'eth0')!.mac;
  const wrong = { ...prevResult, interfaces: prevResult.interfaces!.map((i) => (i.name === 'eth0' ? { ...i, mac: '0a:00:00:00:00:99' } : i)) };
  await checkFails(w, wrong, `Interface eth0 Mac 0a:00:00:00:00:99 doesn't match container Mac: ${actual}`);
});

test('check: a missing container address', async () => {
  const { w, prevResult } = await added();
  w.kernel.addresses.splice(w.kernel.addresses.findIndex((a) => a.ip === '10.1.2.2'), 1);
  await checkFails(w, prevResult, 'Failed to match addr 10.1.2.2/24 on interface eth0');
});

test('check: a missing route', async () => {
  const { w, prevResult } = await added();
  w.kernel.routes.splice(w.kernel.routes.findIndex((r) => r.dst === '10.9.0.0/16'), 1);
  await checkFails(w, prevResult, 'Expected Route {Dst:10.9.0.0/16 GW:<nil>} not found in routing table');
});

test('check: a missing masquerade rule', async () => {
  const { w, prevResult } = await added();
  w.masq.iptables.rules.clear();
  await checkFails(w, prevResult, 'Expected ipMasq rule not found: masquerade 10.1.2.2');
});

test('check: the configured backend is the one checked', async () => {
  const { w, prevResult } = await added();
  w.log.calls.length = 0;
  await checkFails(w, prevResult, 'Expected ipMasq rule not found: masquerade 10.1.2.2', { ipMasqBackend: 'nftables' });
  assert.equal(w.log.calls.filter((c) => c.startsWith('masq.')), ['masq.nftables.missing']);
});

test.run();
