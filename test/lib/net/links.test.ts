// The exact link messages lib/net builds (bridge, veth, port flags, changes), and the links it reads
// from kernel answers. These prove kernel features this machine may lack.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { F, RTM, attr, ifinfomsg, parseAttrs, readU32, str, u32, u8 } from '../../../lib/net/codec.ts';
import { bridgePortRequest, changeLinkRequest, checkIfname, createBridgeRequest, createVethRequest, getLinkRequest, parseLink } from '../../../lib/net/links.ts';

const test = suite('net codec');

const hex = (b: Buffer): string => b.toString('hex');

const nested = (b: Buffer | undefined): Map<number, Buffer> => parseAttrs(b ?? Buffer.alloc(0));

test('bridgePortRequest: RTM_NEWLINK without CREATE, IFLA_INFO_SLAVE_DATA with mode and isolated', () => {
  const r = bridgePortRequest('veth1', { hairpin: true, isolated: false });
  assert.is(r.type, RTM.NEWLINK);
  assert.is(r.flags, 0);
  const expected = Buffer.concat([
    ifinfomsg({}),
    attr(3, str('veth1')),
    attr(18, attr(5, attr(4, u8(1)), attr(33, u8(0)))),
  ]);
  assert.is(hex(r.body), hex(expected));
  assert.is(hex(bridgePortRequest(7, { isolated: true }).body), hex(Buffer.concat([ifinfomsg({ index: 7 }), attr(18, attr(5, attr(33, u8(1))))])));
});

test('createBridgeRequest: CREATE|EXCL, kind bridge, MTU, and vlan_filtering only when true', () => {
  const r = createBridgeRequest({ name: 'cni0', mtu: 1400, vlanFiltering: true });
  assert.is(r.flags, F.CREATE | F.EXCL);
  const a = parseAttrs(r.body, 16);
  assert.is(a.get(3)?.toString(), 'cni0\0');
  assert.is(readU32(a.get(4) ?? Buffer.alloc(4)), 1400);
  const info = nested(a.get(18));
  assert.is(info.get(1)?.toString(), 'bridge\0');
  assert.equal([...nested(info.get(2)).entries()], [[7, u8(1)]]);
  for (const vlanFiltering of [undefined, false]) {
    const plain = nested(parseAttrs(createBridgeRequest({ name: 'cni0', vlanFiltering }).body, 16).get(18));
    assert.not.ok(plain.has(2));
  }
});

test('createVethRequest: the peer carries its name, MTU, MAC and IFLA_NET_NS_FD', () => {
  const r = createVethRequest({ name: 'eth0', peerName: 'veth0a1b2c3d', mtu: 9000, mac: '02:42:AC:11:00:02', peerMac: '0a-00-00-00-00-01' }, 42);
  const a = parseAttrs(r.body, 16);
  assert.is(hex(a.get(1) ?? Buffer.alloc(0)), '0242ac110002');
  const info = nested(a.get(18));
  assert.is(info.get(1)?.toString(), 'veth\0');
  const peer = nested(info.get(2)).get(1) ?? Buffer.alloc(0);
  const p = parseAttrs(peer, 16);
  assert.is(p.get(3)?.toString(), 'veth0a1b2c3d\0');
  assert.is(readU32(p.get(4) ?? Buffer.alloc(4)), 9000);
  assert.is(hex(p.get(1) ?? Buffer.alloc(0)), '0a0000000001');
  assert.is(readU32(p.get(28) ?? Buffer.alloc(4)), 42);
  assert.not.ok(parseAttrs(nested(nested(parseAttrs(createVethRequest({ name: 'a', peerName: 'b' }).body, 16).get(18)).get(2)).get(1) ?? Buffer.alloc(0), 16).has(28));
});

test('changeLinkRequest sets only the flags it changes', () => {
  const up = changeLinkRequest(3, { up: true });
  assert.is(hex(up.body.subarray(8, 16)), hex(Buffer.concat([u32(1), u32(1)])));
  const down = changeLinkRequest(3, { up: false, promisc: true });
  assert.is(hex(down.body.subarray(8, 16)), hex(Buffer.concat([u32(0x100), u32(0x101)])));
  const master = parseAttrs(changeLinkRequest('veth1', { master: 0 }).body, 16);
  assert.is(readU32(master.get(10) ?? Buffer.alloc(4, 0xff)), 0);
});

test('getLinkRequest looks up by name or by index', () => {
  const byName = parseAttrs(getLinkRequest('eth0').body, 16);
  assert.equal([...byName.keys()], [3]);
  assert.is(byName.get(3)?.toString(), 'eth0\0');
  assert.is(getLinkRequest(5).body.length, 16);
  assert.is(getLinkRequest(5).body.readInt32LE(4), 5);
});

test('checkIfname follows the kernel: 1 to 15 bytes, no slash, colon or space, not . or ..', () => {
  for (const ok of ['eth0', 'a', 'veth0123456789a', 'cni0.100']) checkIfname(ok);
  for (const bad of ['', 'veth0123456789ab', 'a/b', 'a:b', 'a b', '.', '..']) {
    assert.throws(() => checkIfname(bad), (e: NodeJS.ErrnoException) => e.code === 'EINVAL');
  }
});

test('parseLink reads name, kind, MAC, MTU, flags, master, veth peer and bridge port flags', () => {
  const data = Buffer.concat([
    ifinfomsg({ index: 9, flags: 0x1 | 0x100 }),
    attr(3, str('veth1')),
    attr(1, Buffer.from('aabbccddeeff', 'hex')),
    attr(4, u32(1500)),
    attr(16, u8(6)),
    attr(10, u32(4)),
    attr(5, u32(2)),
    attr(37, u32(0)),
    attr(18, attr(1, str('veth')), attr(4, str('bridge')), attr(5, attr(4, u8(1)), attr(33, u8(0)))),
  ]);
  assert.equal(parseLink(data), {
    index: 9, name: 'veth1', mac: 'aa:bb:cc:dd:ee:ff', mtu: 1500, up: true, operState: 'up', promisc: true,
    master: 4, netnsId: 0, kind: 'veth', peerIndex: 2, bridgePort: { hairpin: true, isolated: false },
  });
});

test.run();
