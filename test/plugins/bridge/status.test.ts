// bridge STATUS against fakes: code 50 names what an ADD would lack here.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CniError } from '../../../lib/cni/errors.ts';
import { status } from '../../../plugins/bridge/status.ts';
import { bridgeRequest, fakeWorld, L3, type FakeWorld } from '../../helpers/bridge-deps.ts';
import { HOST } from '../../helpers/fake-netlink.ts';

async function unavailable(w: FakeWorld, conf: Record<string, unknown>): Promise<string> {
  try {
    await status(bridgeRequest('STATUS', conf), w.deps);
  } catch (err) {
    assert.is((err as CniError).code, 50);
    return (err as Error).message;
  }
  return 'available';
}

test('status: available when a backend is usable, IPAM asked first', async () => {
  const w = fakeWorld();
  w.masq.iptables.usableHere = false;
  assert.is(await unavailable(w, L3), 'available');
  assert.is(w.log.calls[0], 'ipam.STATUS host-local');
});

test('status: the masquerade backends the config allows must be usable', async () => {
  const w = fakeWorld();
  w.masq.nftables.usableHere = false;
  assert.is(await unavailable(w, { ...L3, ipMasqBackend: 'nftables' }), 'ipMasq backend nftables is not usable');
  w.masq.iptables.usableHere = false;
  assert.is(await unavailable(w, L3), 'ipMasq backend iptables or nftables is not usable');
});

test('status: the bridge name taken by another kind of link', async () => {
  const w = fakeWorld();
  w.kernel.addLink(HOST, { name: 'cni0', kind: 'dummy' });
  assert.is(await unavailable(w, L3), '"cni0" already exists but is not a bridge');
});

test('status: a kernel without bridges, unless the bridge is there already', async () => {
  const w = fakeWorld();
  w.kernelHasBridges = false;
  assert.is(await unavailable(w, L3), 'cannot create bridge "cni0": the kernel has no bridge support');
  w.kernel.addLink(HOST, { name: 'cni0', kind: 'bridge' });
  assert.is(await unavailable(w, L3), 'available');
});

test.run();
