// GC over fake forwarders: every backend is asked to keep exactly the valid attachments, and
// failures count only where the backend is usable, reported together.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gc } from '../../../plugins/portmap/gc.ts';
import { fakes, request } from '../../helpers/portmap-fakes.ts';
import { rejection } from '../../helpers/assert.ts';

const valid = { 'cni.dev/valid-attachments': [{ containerID: 'c1', ifname: 'eth0' }, { containerID: 'c2', ifname: 'net1' }] };

test('gc: both backends keep the valid attachments of this network', async () => {
  const f = fakes();
  await gc(request('GC', valid), f.deps);
  assert.equal(f.log.sort(), ['iptables collect net keep net/c1/eth0 net/c2/net1', 'nftables collect net keep net/c1/eth0 net/c2/net1']);
});

test('gc: every backend, even with one configured; no valid attachment keeps nothing', async () => {
  const f = fakes();
  await gc(request('GC', { backend: 'iptables' }), f.deps);
  assert.equal(f.log.sort(), ['iptables collect net keep ', 'nftables collect net keep ']);
});

test('gc: a failure where the backend is unusable does not count', async () => {
  const f = fakes({ usable: { nftables: false }, fail: (b) => (b === 'nftables' ? new Error('nft: not found') : undefined) });
  assert.is(await gc(request('GC', valid), f.deps), undefined);
  assert.ok(f.log.includes('iptables collect net keep net/c1/eth0 net/c2/net1'), f.log.join());
  assert.ok(f.log.includes('nftables usable'), 'the failing backend was probed');
});

test('gc: failures of usable backends, combined into one error', async () => {
  const f = fakes({ fail: (b) => new Error(`${b} failed`) });
  const err = await rejection(gc(request('GC', valid), f.deps));
  assert.is(err.message, 'iptables failed');
  assert.is(err.details, 'nftables failed');
});

test.run();
