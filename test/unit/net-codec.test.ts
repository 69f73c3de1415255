// The exact rtnetlink messages lib/net builds, and what it reads from kernel answers. These
// are what proves kernel features this machine lacks (bridge vlan_filtering).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { addressRequest, parseAddress } from '../../lib/net/addresses.ts';
import { F, RTM, attr, ifinfomsg, parseAttrs, readU32, str, u32, u8 } from '../../lib/net/codec.ts';
import { errnoError, hasCode, wrapError } from '../../lib/net/errors.ts';
import {
  bridgePortRequest,
  changeLinkRequest,
  checkIfname,
  createBridgeRequest,
  createVethRequest,
  getLinkRequest,
  parseLink,
} from '../../lib/net/links.ts';
import { parseRoute, routeRequest } from '../../lib/net/routes.ts';
import { sysctlPath } from '../../lib/net/sysctl.ts';

const test = suite('net codec');

const hex = (b: Buffer): string => b.toString('hex');
const nested = (b: Buffer | undefined): Map<number, Buffer> => parseAttrs(b ?? Buffer.alloc(0));

test('attr pads to 4 bytes and keeps NLA_F_NESTED in the type', () => {
  assert.is(hex(attr(3, str('br0'))), '0800030062723000');
  assert.is(hex(attr(4, u8(1))), '0500040001000000');
  assert.is(hex(attr(0x8000 | 12, attr(4, u8(1)))), '0c000c800500040001000000');
});

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

test('addressRequest: IFA_LOCAL and IFA_ADDRESS, IPv4 broadcast below /31, nodad', () => {
  const add = addressRequest('add', 4, '10.1.2.2/24');
  assert.is(add.type, RTM.NEWADDR);
  assert.is(add.flags, F.CREATE | F.EXCL);
  assert.is(hex(add.body.subarray(0, 8)), '0218000004000000');
  const a = parseAttrs(add.body, 8);
  assert.is(hex(a.get(2) ?? Buffer.alloc(0)), '0a010202');
  assert.is(hex(a.get(1) ?? Buffer.alloc(0)), '0a010202');
  assert.is(hex(a.get(4) ?? Buffer.alloc(0)), '0a0102ff');
  assert.not.ok(parseAttrs(addressRequest('add', 4, '10.1.2.2/31').body, 8).has(4));
  const v6 = addressRequest('add', 4, 'fd00::2/64', { noDad: true });
  assert.is(hex(v6.body.subarray(0, 4)), '0a400200');
  assert.is(readU32(parseAttrs(v6.body, 8).get(8) ?? Buffer.alloc(4)), 2);
  assert.is(addressRequest('delete', 4, '10.1.2.2/24').type, RTM.DELADDR);
  assert.throws(() => addressRequest('add', 4, '10.1.2.2'), /invalid CIDR address "10.1.2.2"/);
});

test('parseAddress prints Go-canonical text and reads IFA_FLAGS', () => {
  const data = Buffer.concat([
    Buffer.from([10, 64, 0, 0]), u32(3),
    attr(1, Buffer.from('fd000000000000000000000000000002', 'hex')),
    attr(8, u32(0x40 | 0x08)),
  ]);
  assert.equal(parseAddress(data), { index: 3, family: 6, ip: 'fd00::2', prefixLen: 64, scope: 0, flags: 0x48, tentative: true, dadFailed: true });
});

test('routeRequest: CREATE without EXCL by default, host bits cleared, tables above 255 by attribute', () => {
  const r = routeRequest('add', { dst: '10.1.2.3/24', gw: '10.1.2.1', oif: 2, table: 1000, priority: 7, scope: 253 });
  assert.is(r.type, RTM.NEWROUTE);
  assert.is(r.flags, F.CREATE);
  assert.is(hex(r.body.subarray(0, 8)), '021800000003fd01');
  const a = parseAttrs(r.body, 12);
  assert.is(readU32(a.get(15) ?? Buffer.alloc(4)), 1000);
  assert.is(hex(a.get(1) ?? Buffer.alloc(0)), '0a010200');
  assert.is(hex(a.get(5) ?? Buffer.alloc(0)), '0a010201');
  assert.is(readU32(a.get(4) ?? Buffer.alloc(4)), 2);
  assert.is(readU32(a.get(6) ?? Buffer.alloc(4)), 7);
  assert.is(hex(routeRequest('add', { dst: '0.0.0.0/0', gw: '10.1.2.1' }).body.subarray(0, 8)), '02000000fe030001');
  assert.not.ok(parseAttrs(routeRequest('add', { dst: '0.0.0.0/0' }).body, 12).has(1));
  assert.is(routeRequest('add', { dst: '::/0' }, { replace: true }).flags, F.CREATE | F.REPLACE);
  assert.is(routeRequest('add', { dst: '::/0' }, { exclusive: true }).flags, F.CREATE | F.EXCL);
  const del = routeRequest('delete', { dst: '10.0.0.0/8' });
  assert.is(del.type, RTM.DELROUTE);
  assert.is(hex(del.body.subarray(0, 8)), '02080000fe00ff00');
  assert.throws(() => routeRequest('add', { dst: '10.0.0.0/8', gw: 'fd00::1' }), /not of the same family/);
});

test('parseRoute: a default route without RTA_DST, multipath nexthops, cache clones skipped', () => {
  const hop = (oif: number, gw: string): Buffer => {
    const g = attr(5, Buffer.from(gw, 'hex'));
    const h = Buffer.alloc(8);
    h.writeUInt16LE(8 + g.length);
    h.writeInt32LE(oif, 4);
    return Buffer.concat([h, g]);
  };
  const v6 = Buffer.concat([
    Buffer.from([10, 0, 0, 0, 254, 3, 0, 1]), u32(0),
    attr(15, u32(254)), attr(6, u32(1024)),
    attr(9, hop(2, 'fd000000000000000000000000000001'), hop(3, 'fd000000000000000000000000000004')),
  ]);
  assert.equal(parseRoute(v6), {
    family: 6, dst: '::/0', table: 254, scope: 0, protocol: 3, type: 1, priority: 1024,
    nexthops: [{ oif: 2, gw: 'fd00::1' }, { oif: 3, gw: 'fd00::4' }],
  });
  const clone = Buffer.concat([Buffer.from([2, 32, 0, 0, 254, 2, 0, 1]), u32(0x200)]);
  assert.is(parseRoute(clone), undefined);
});

test('sysctlPath: slash and dotted keys, dotted keys with a dot in an interface name', () => {
  assert.is(sysctlPath('net/ipv4/ip_forward'), '/proc/sys/net/ipv4/ip_forward');
  assert.is(sysctlPath('net.ipv6.conf.eth0.accept_dad'), '/proc/sys/net/ipv6/conf/eth0/accept_dad');
  assert.is(sysctlPath('net/ipv6/conf/cni0.100/accept_ra'), '/proc/sys/net/ipv6/conf/cni0.100/accept_ra');
  assert.is(sysctlPath('net.ipv6.conf.cni0/100.accept_ra'), '/proc/sys/net/ipv6/conf/cni0.100/accept_ra');
  for (const bad of ['net/../../etc/passwd', 'net..ipv4', '/net/ipv4', 'net/ipv4/']) {
    assert.throws(() => sysctlPath(bad), /invalid sysctl key/);
  }
});

test('errors: errnoError and wrapError keep code and errno and read like Go', () => {
  const e = errnoError('failed to add address 10.1.2.2/24 to "eth0"', 17);
  assert.is(e.message, 'failed to add address 10.1.2.2/24 to "eth0": file exists');
  assert.is(e.code, 'EEXIST');
  assert.is(e.errno, -17);
  assert.ok(hasCode(e, 'ENOENT', 'EEXIST'));
  const fsErr = Object.assign(new Error("ENOENT: no such file or directory, open '/x'"), { code: 'ENOENT', errno: -2, syscall: 'open' });
  const w = wrapError('failed to open netns "/x"', fsErr) as NodeJS.ErrnoException;
  assert.is(w.message, 'failed to open netns "/x": no such file or directory');
  assert.is(w.code, 'ENOENT');
  assert.is(w.cause, fsErr);
  const chain = wrapError('failed to read sysctl a/b', w);
  assert.is(chain.message, 'failed to read sysctl a/b: failed to open netns "/x": no such file or directory');
  assert.is(wrapError('x', new Error('boom')).message, 'x: boom');
  assert.is(errnoError('x', 95).code, 'EOPNOTSUPP');
});

test.run();
