// bridge DEL against fakes: after a whole ADD, without a netns, with the netns gone, after an ADD
// that died half-way, and with failures: a failed IPAM release stops the DEL before anything
// goes; later failures never stop the other steps and come back together.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CniError } from '../../../lib/cni/errors.ts';
import { errnoError } from '../../../lib/net/index.ts';
import { resultToWire } from '../../../lib/cni/convert.ts';
import { add } from '../../../plugins/bridge/add.ts';
import { del } from '../../../plugins/bridge/del.ts';
import { bridgeRequest, fakeWorld, L3, NETNS, type FakeWorld } from '../../helpers/bridge-deps.ts';

const firewallAndIpam = (w: FakeWorld): string[] => w.log.calls.filter((c) => /^(ipam|masq|spoof|ctr\.deleteLink)/.test(c));

/** A world after a successful ADD; the DEL request carries its result as prevResult. */
async function added(): Promise<{ w: FakeWorld; prevResult: unknown }> {
  const w = fakeWorld();
  const result = await add(bridgeRequest('ADD', L3), w.deps);
  w.log.calls.length = 0;
  return { w, prevResult: resultToWire(result, '1.1.0') };
}

const leftovers = (w: FakeWorld): number =>
  w.kernel.links.filter((l) => l.kind === 'veth').length + w.masq.iptables.rules.size + w.masq.nftables.rules.size + w.spoof.chains.size + w.reserved.size;

test('del: after ADD, the link, IPAM, spoof check and masquerading on both backends go', async () => {
  const { w, prevResult } = await added();
  await del(bridgeRequest('DEL', { ...L3, prevResult }), w.deps);
  assert.equal(firewallAndIpam(w).sort(), ['ctr.deleteLink 3', 'ipam.DEL host-local', 'masq.iptables.teardown 10.1.2.2', 'masq.nftables.teardown 10.1.2.2', 'spoof.teardown']);
  assert.is(w.log.calls[0], 'ctr.open', 'the link is looked up first, so that its deletion starts first');
  assert.is(leftovers(w), 0);
  assert.is(w.kernel.open, 0);
});

test('del: without a netns (CNI_NETNS empty), the addresses come from prevResult and nothing opens the container', async () => {
  const { w, prevResult } = await added();
  await del(bridgeRequest('DEL', { ...L3, prevResult }, { netns: '' }), w.deps);
  assert.not.ok(w.log.calls.includes('ctr.open'));
  assert.equal(firewallAndIpam(w).sort(), ['ipam.DEL host-local', 'masq.iptables.teardown 10.1.2.2', 'masq.nftables.teardown 10.1.2.2', 'spoof.teardown']);
  assert.is(w.masq.iptables.rules.size + w.spoof.chains.size + w.reserved.size, 0);
});

test('del: with the netns gone and no prevResult, the firewall state is still found by name', async () => {
  const { w } = await added();
  w.kernel.removeNetns(NETNS);
  await del(bridgeRequest('DEL', L3), w.deps);
  assert.equal(firewallAndIpam(w).sort(), ['ipam.DEL host-local', 'masq.iptables.teardown ', 'masq.nftables.teardown ', 'spoof.teardown']);
  assert.is(leftovers(w), 0);
});

test('del: after an ADD that died half-way (its rollback too), everything it made goes', async () => {
  const clean = fakeWorld();
  await add(bridgeRequest('ADD', L3), clean.deps);
  const w = fakeWorld();
  w.log.failFrom = clean.log.calls.indexOf('ctr.addAddress 10.1.2.2/24');
  try {
    await add(bridgeRequest('ADD', L3), w.deps);
    assert.unreachable();
  } catch {
    // expected
  }
  assert.ok(leftovers(w) >= 4, 'the dead ADD left its veth, reservation, spoof check and masquerading');
  w.log.failFrom = undefined;
  w.log.calls.length = 0;
  await del(bridgeRequest('DEL', L3), w.deps);
  assert.is(leftovers(w), 0);
  // Its link has no address yet: the masquerading is found by name.
  assert.ok(w.log.calls.includes('masq.iptables.teardown '));
});

test('del: a link of that name that is no veth (CNI_IFNAME=lo, another plugin\'s) is left alone', async () => {
  const w = fakeWorld();
  w.kernel.addLink(NETNS, { name: 'eth0', kind: 'dummy' });
  await del(bridgeRequest('DEL', L3), w.deps);
  assert.ok(w.kernel.links.some((l) => l.name === 'eth0' && l.kind === 'dummy'));
  assert.not.ok(w.log.calls.some((c) => c.startsWith('ctr.deleteLink')));
  assert.is(w.kernel.open, 0);
});

test('del: a CNI_NETNS that is no netns is taken as gone; one that cannot be opened fails with nothing released', async () => {
  for (const [errno, gone] of [[22, true], [13, false]] as const) {
    const { w, prevResult } = await added();
    const before = leftovers(w);
    const deps = { ...w.deps, openNetlink: (netns?: string) => (netns === undefined ? w.deps.openNetlink() : Promise.reject(errnoError(`failed to enter netns "${netns}"`, errno))) };
    let error: Error | undefined;
    await del(bridgeRequest('DEL', { ...L3, prevResult }), deps).catch((err: Error) => (error = err));
    if (gone) {
      assert.is(error, undefined);
      assert.is(w.reserved.size + w.masq.iptables.rules.size + w.spoof.chains.size, 0);
    } else {
      assert.match(error?.message ?? '', /failed to enter netns/);
      assert.is(leftovers(w), before);
    }
  }
});

test('del: a failed IPAM release ends the DEL with nothing removed, as in the reference', async () => {
  const { w, prevResult } = await added();
  const before = leftovers(w);
  const failing = { ...w.deps, delegate: async () => Promise.reject(new Error('host-local: store is read-only')) };
  try {
    await del(bridgeRequest('DEL', { ...L3, prevResult }), failing);
    assert.unreachable();
  } catch (err) {
    assert.is((err as Error).message, 'host-local: store is read-only');
  }
  assert.is(leftovers(w), before, 'the retry finds the attachment whole');
  assert.is(w.kernel.open, 0, 'the link lookup let go of its handle');
});

test('del: after the release, failures do not stop the other steps and come back as one error', async () => {
  const { w, prevResult } = await added();
  w.log.failOn = 'ctr.listAddresses 3';
  w.masq.nftables.broken = true;
  try {
    await del(bridgeRequest('DEL', { ...L3, prevResult }), w.deps);
    assert.unreachable();
  } catch (err) {
    const e = err as CniError;
    assert.is(e.message, 'injected failure of ctr.listAddresses 3');
    assert.is(e.details, 'nftables is broken');
  }
  // The masquerading still went on iptables, by prevResult's address.
  assert.is(w.masq.iptables.rules.size + w.spoof.chains.size + w.reserved.size, 0);
});

test('del: a failure on a backend that is not usable here does not count; on a usable one it does', async () => {
  for (const usable of [false, true]) {
    const { w, prevResult } = await added();
    w.masq.nftables.usableHere = usable;
    w.masq.nftables.broken = true;
    let error: Error | undefined;
    await del(bridgeRequest('DEL', { ...L3, prevResult }), w.deps).catch((err: Error) => (error = err));
    assert.is(error?.message, usable ? 'nftables is broken' : undefined);
    assert.is(w.masq.iptables.rules.size, 0);
  }
});

test.run();
