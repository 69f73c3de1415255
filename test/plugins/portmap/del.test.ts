// DEL over fake forwarders: what the forwarder is told (families, addresses), the flush after it,
// and failures.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { del } from '../../../plugins/portmap/del.ts';
import { fakes, request } from '../../helpers/portmap-fakes.ts';
import { rejection } from '../../helpers/assert.ts';

test('del: without a previous result, both families and no address', async () => {
  const f = fakes();
  await del(request('DEL', { prevResult: null }), f.deps);
  assert.equal(f.log, ['iptables unforward 4,6', 'flush 4 8080/tcp 5353/udp', 'flush 6 8080/tcp 5353/udp']);
  const t = f.teardowns[0]!;
  assert.equal(t.ips, []);
  assert.equal(t.attachment, { network: 'net', containerID: 'c1', ifname: 'eth0' });
  assert.equal(t.mappings.map((m) => m.hostPort), [8080, 5353]);
});

test('del: with a previous result, its families and addresses', async () => {
  const f = fakes();
  await del(request('DEL', { prevResult: { cniVersion: '1.1.0', ips: [{ address: '10.0.0.2/24' }] } }), f.deps);
  assert.equal(f.log, ['iptables unforward 4', 'flush 4 8080/tcp 5353/udp']);
  assert.equal(f.teardowns[0]!.ips, [{ family: 4, address: '10.0.0.2', cidr: '10.0.0.2/24' }]);
});

test('del: no mappings, nothing runs', async () => {
  const f = fakes();
  await del(request('DEL', { runtimeConfig: {} }), f.deps);
  assert.equal(f.log, []);
});

test('del: a failed teardown is the error, and nothing is flushed', async () => {
  const boom = new Error('iptables-restore failed');
  const f = fakes({ fail: () => boom });
  assert.is(await rejection(del(request('DEL', { backend: 'iptables' }), f.deps)), boom);
  assert.equal(f.log, ['iptables unforward 4,6']);
});

test.run();
