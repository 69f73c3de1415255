import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { check, validAttachments, type NetworkState } from '../../../../bin/admin/doctor/check.ts';

const cached = (containerID: string, o: { netns?: string; netnsExists?: boolean; veth?: string } = {}): NetworkState['cached'][number] => ({
  network: 'n',
  containerID,
  ifname: 'eth0',
  netns: o.netns ?? `/run/netns/${containerID}`,
  netnsExists: o.netnsExists ?? true,
  addresses: ['10.0.0.2/24'],
  hostLinks: ['cni0', o.veth ?? `veth-${containerID}`],
  hostPorts: ['8080/tcp -> 80'],
});
const reserved = (ip: string, containerID: string) => ({ ip, holder: { kind: 'attachment' as const, containerID, ifname: 'eth0' } });
const state = (s: Partial<NetworkState>): NetworkState => ({ network: 'n', gc: true, hostLocal: true, cached: [], reservations: [], ports: [], firewall: [], ...s });

test('check: a consistent attachment (cache entry, reservation, its veth, its rules) is no problem', () => {
  const s = state({
    cached: [cached('a')],
    reservations: [reserved('10.0.0.2', 'a')],
    ports: [{ veth: 'veth-a', netns: '/run/netns/a', peerIfname: 'eth0', peerAddrs: ['10.0.0.2'] }],
    firewall: [{ backend: 'iptables', what: 'iptables nat chain CNI-x (masquerade)', network: 'n', containerID: 'a' }],
  });
  assert.equal(check(s), []);
});

test('check: a cache entry whose netns is gone is repaired by a DEL from the cache', () => {
  const f = check(state({ cached: [cached('a', { netnsExists: false })], reservations: [reserved('10.0.0.2', 'a')] }));
  assert.is(f.length, 1);
  assert.match(f[0]!.problem, 'its netns /run/netns/a is gone');
  assert.equal(f[0]!.fix, { kind: 'del-cached', containerID: 'a', ifname: 'eth0' });
});

test('check: a reservation without a cache entry gets a DEL, in the netns of the veth whose peer holds its address', () => {
  const s = state({
    reservations: [reserved('10.0.0.3', 'b'), reserved('fd00::3', 'b'), reserved('10.0.0.4', 'c')],
    ports: [{ veth: 'veth-b', netns: '/run/netns/b', peerIfname: 'eth0', peerAddrs: ['10.0.0.3', 'fd00::3'] }],
    firewall: [{ backend: 'nftables', what: 'nft chain', network: 'n', containerID: 'b', ifname: 'eth0' }],
  });
  const f = check(s);
  assert.equal(
    f.map((x) => x.fix),
    [
      { kind: 'del', containerID: 'b', ifname: 'eth0', netns: '/run/netns/b' },
      { kind: 'del', containerID: 'c', ifname: 'eth0', netns: '' },
    ],
  );
  assert.match(f[0]!.problem, 'reservation 10.0.0.3, fd00::3 of b eth0: no cache entry, veth veth-b');
  assert.match(f[1]!.problem, 'no veth');
});

test('check: firewall state nobody reserved or cached: GC from 1.1.0, else a bare DEL with the ifname nftables names', () => {
  const firewall = [
    { backend: 'iptables' as const, what: 'iptables nat chain CNI-DN-1 (port mapping)', network: 'n', containerID: 'z' },
    { backend: 'nftables' as const, what: 'nft chain', network: 'n', containerID: 'z', ifname: 'net1' },
  ];
  const withGC = check(state({ firewall }));
  assert.is(withGC.length, 1, 'one finding per attachment');
  assert.equal(withGC[0]!.fix, { kind: 'gc' });
  assert.match(withGC[0]!.problem, 'iptables nat chain CNI-DN-1 (port mapping), nft chain of z');
  assert.equal(check(state({ gc: false, firewall }))[0]!.fix, { kind: 'del', containerID: 'z', ifname: 'net1', netns: '' });
});

test('check: a veth on the bridge that no cache entry or reservation names is reported, with no fix', () => {
  const f = check(state({ cached: [cached('a')], reservations: [reserved('10.0.0.2', 'a')], ports: [{ veth: 'veth-a', peerAddrs: [] }, { veth: 'vstray', peerIfname: 'x', peerAddrs: [] }] }));
  assert.is(f.length, 1);
  assert.match(f[0]!.problem, 'veth vstray to x in this netns or an unnamed one');
  assert.match(f[0]!.repair, 'ip link del vstray');
  assert.is(f[0]!.fix, undefined);
});

test('check: a legacy reservation (container ID only) is known by its ID alone', () => {
  const legacy = { ip: '10.0.0.2', holder: { kind: 'legacy' as const, containerID: 'a' } };
  assert.equal(check(state({ cached: [cached('a')], reservations: [legacy], ports: [{ veth: 'veth-a', peerAddrs: [] }] })), []);
  assert.equal(check(state({ reservations: [legacy] }))[0]!.fix, { kind: 'del', containerID: 'a', ifname: 'eth0', netns: '' });
});

test('check: a live cache entry whose address host-local does not hold for it is reported, with no fix', () => {
  const f = check(state({ cached: [cached('a'), cached('b')], reservations: [reserved('10.0.0.2', 'b')], ports: [{ veth: 'veth-a', peerAddrs: [] }, { veth: 'veth-b', peerAddrs: [] }] }));
  assert.equal(
    f.map((x) => [x.problem, x.fix]),
    [['cache entry a eth0: its address 10.0.0.2 is reserved by b in host-local', undefined]],
  );
  const missing = check(state({ cached: [cached('a')], ports: [{ veth: 'veth-a', peerAddrs: [] }] }));
  assert.match(missing[0]!.problem, 'its address 10.0.0.2 is not reserved in host-local');
  assert.equal(check(state({ hostLocal: false, cached: [cached('a')], ports: [{ veth: 'veth-a', peerAddrs: [] }] })), [], 'no host-local, no reservations to compare');
});

test('validAttachments: every cached and reserved attachment once, a legacy one as eth0', () => {
  const s = state({ cached: [cached('a')], reservations: [reserved('10.0.0.2', 'a'), reserved('10.0.0.3', 'b'), { ip: '10.0.0.4', holder: { kind: 'legacy', containerID: 'c' } }] });
  assert.equal(validAttachments(s), [
    { containerID: 'a', ifname: 'eth0' },
    { containerID: 'b', ifname: 'eth0' },
    { containerID: 'c', ifname: 'eth0' },
  ]);
});

test.run();
