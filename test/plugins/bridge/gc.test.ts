// bridge GC against fakes: the state of attachments not in the valid list goes, on both
// masquerade backends and in the spoof check; valid ones and other bridges' stay; failures are
// reported together once every step has run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CniError } from '../../../lib/cni/errors.ts';
import { add } from '../../../plugins/bridge/add.ts';
import { gc } from '../../../plugins/bridge/gc.ts';
import { bridgeRequest, fakeWorld, L3, type FakeWorld } from '../../helpers/bridge-deps.ts';

/** Two attachments of this network, and a spoof check of another bridge's port. */
async function twoAttachments(): Promise<FakeWorld> {
  const w = fakeWorld();
  await add(bridgeRequest('ADD', L3), w.deps);
  await add(bridgeRequest('ADD', L3, { containerID: 'ctr2', ifname: 'eth1' }), w.deps);
  await add(bridgeRequest('ADD', { ...L3, bridge: 'other0' }, { containerID: 'ctr3', ifname: 'eth2' }), w.deps);
  w.masq.nftables.rules.set('testnet/ctr2/eth1', ['10.1.2.2']); // made by another config
  w.log.calls.length = 0;
  return w;
}

const valid = { 'cni.dev/valid-attachments': [{ containerID: 'ctr1', ifname: 'eth0' }] };

test('gc: the invalid attachment goes from both backends and the spoof check; the valid one stays', async () => {
  const w = await twoAttachments();
  await gc(bridgeRequest('GC', { ...L3, ...valid }), w.deps);
  assert.equal([...w.masq.iptables.rules.keys()], ['testnet/ctr1/eth0']);
  assert.equal([...w.masq.nftables.rules.keys()], []);
  // ctr3's chain is of a live port of another bridge: not this network's to remove.
  assert.equal([...w.spoof.chains.keys()].sort(), ['ctr1-eth0', 'ctr3-eth2']);
  assert.ok(w.log.calls.includes('ipam.GC host-local'));
  assert.is(w.kernel.open, 0);
});

test('gc: a spoof check whose host veth is gone is stale whoever made it', async () => {
  const w = await twoAttachments();
  w.kernel.removeLink(w.kernel.find('host', w.spoof.chains.get('ctr3-eth2')!)!);
  await gc(bridgeRequest('GC', { ...L3, ...valid }), w.deps);
  assert.equal([...w.spoof.chains.keys()], ['ctr1-eth0']);
});

test('gc: failures are combined, after every step ran', async () => {
  const w = await twoAttachments();
  w.masq.nftables.broken = true;
  const deps = { ...w.deps, delegate: async () => Promise.reject(new Error('host-local: GC failed')) };
  try {
    await gc(bridgeRequest('GC', { ...L3, ...valid }), deps);
    assert.unreachable();
  } catch (err) {
    const e = err as CniError;
    assert.is(e.message, 'nftables is broken');
    assert.is(e.details, 'host-local: GC failed');
  }
  assert.equal([...w.masq.iptables.rules.keys()], ['testnet/ctr1/eth0']);
  assert.equal([...w.spoof.chains.keys()].sort(), ['ctr1-eth0', 'ctr3-eth2']);
});

test('gc: a failure of a backend that is not usable here is not an error', async () => {
  const w = await twoAttachments();
  w.masq.nftables.broken = true;
  w.masq.nftables.usableHere = false;
  await gc(bridgeRequest('GC', { ...L3, ...valid }), w.deps);
  assert.equal([...w.masq.iptables.rules.keys()], ['testnet/ctr1/eth0']);
});

test.run();
