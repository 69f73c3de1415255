// lib/net against the real kernel: links, veth pairs across namespaces, bridge ports,
// addresses and routes, read back with iproute2 inside the namespace. A second namespace
// plays the host, so the machine's own links are never touched, and every namespace made
// here is deleted in `after` (with everything in it), even when a test fails.
import { execFileSync } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hasCode, openNetlink, writeSysctl } from '../../../lib/net/index.ts';
import type { Netlink } from '../../../lib/net/index.ts';

const made: string[] = [];
const sockets: Netlink[] = [];
let count = 0;

async function netns(tag: string): Promise<{ name: string; path: string; nl: Netlink }> {
  const name = `cnits-net-${process.pid}-${tag}${count++}`;
  execFileSync('ip', ['netns', 'add', name]);
  made.push(name);
  const path = `/run/netns/${name}`;
  const nl = await openNetlink(path);
  sockets.push(nl);
  return { name, path, nl };
}

function cleanup(): void {
  for (const nl of sockets.splice(0)) nl.close();
  for (const name of made.splice(0)) {
    try {
      execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}
process.on('exit', cleanup);

// iproute2's JSON, run inside the namespace.
type Json = any;
function inNs(ns: string, cmd: string, ...args: string[]): Json {
  return JSON.parse(execFileSync('ip', ['netns', 'exec', ns, cmd, ...args], { encoding: 'utf8' }) || 'null');
}
const ipLink = (ns: string, dev: string): Json => inNs(ns, 'ip', '-d', '-j', 'link', 'show', 'dev', dev)[0];
const linkExists = (ns: string, dev: string): boolean => {
  try {
    execFileSync('ip', ['netns', 'exec', ns, 'ip', 'link', 'show', 'dev', dev], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

async function rejects(p: Promise<unknown>, code: string, message?: string): Promise<NodeJS.ErrnoException> {
  try {
    await p;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    assert.is(e.code, code, e.message);
    assert.is(typeof e.errno, 'number');
    if (message !== undefined) assert.is(e.message, message);
    return e;
  }
  assert.unreachable(`expected ${code}`);
  throw new Error('unreachable');
}

// ---------------------------------------------------------------------------------------------
const links = suite('net links');
links.after(cleanup);

const BR = 'cnits-br0';
const VETH = 'cnits-veth0';
let host: Awaited<ReturnType<typeof netns>>;
let ctr: Awaited<ReturnType<typeof netns>>;

links.before(async () => {
  host = await netns('h');
  ctr = await netns('c');
});

links('createBridge makes a bridge with its MTU in the socket\'s namespace only', async () => {
  await host.nl.createBridge({ name: BR, mtu: 1400 });
  const got = await host.nl.getLink(BR);
  const ip = ipLink(host.name, BR);
  assert.is(ip.linkinfo.info_kind, 'bridge');
  assert.is(ip.mtu, 1400);
  assert.equal([got.kind, got.index, got.mac, got.mtu, got.up], ['bridge', ip.ifindex, ip.address, 1400, false]);
  assert.not.ok(linkExists(ctr.name, BR));
  const real = await openNetlink();
  try {
    assert.is(await real.findLink(BR), undefined, 'the machine\'s own namespace is untouched');
  } finally {
    real.close();
  }
});

links('createVeth puts the peer directly into another namespace, with MTU and MACs', async () => {
  const t = performance.now();
  await ctr.nl.createVeth({ name: 'eth0', peerName: VETH, peerNetnsPath: host.path, mtu: 1400, mac: '02:00:0a:01:02:02', peerMac: '02:00:0a:01:02:fe' });
  const ms = performance.now() - t;
  const eth0 = ipLink(ctr.name, 'eth0');
  const peer = ipLink(host.name, VETH);
  assert.equal([eth0.linkinfo.info_kind, eth0.mtu, eth0.address], ['veth', 1400, '02:00:0a:01:02:02']);
  assert.equal([peer.linkinfo.info_kind, peer.mtu, peer.address], ['veth', 1400, '02:00:0a:01:02:fe']);
  assert.not.ok(linkExists(ctr.name, VETH));
  const c = await ctr.nl.getLink('eth0');
  const h = await host.nl.getLink(VETH);
  assert.is(c.peerIndex, h.index);
  assert.is(h.peerIndex, c.index);
  assert.is(typeof h.netnsId, 'number');
  assert.ok(ms < 1000, `${ms} ms`);
});

links('changeLink master, setUp and bridge port flags hairpin and isolated, on and off', async () => {
  const br = await host.nl.getLink(BR);
  await host.nl.changeLink(VETH, { master: br.index });
  await host.nl.setUp(VETH);
  await host.nl.setUp(BR);
  await host.nl.setBridgePortFlags(VETH, { hairpin: true, isolated: true });
  let ip = ipLink(host.name, VETH);
  assert.is(ip.master, BR);
  assert.ok(ip.flags.includes('UP'));
  assert.equal([ip.linkinfo.info_slave_data.hairpin, ip.linkinfo.info_slave_data.isolated], [true, true]);
  let port = inNs(host.name, 'bridge', '-d', '-j', 'link', 'show', 'dev', VETH)[0];
  assert.equal([port.master, port.hairpin, port.isolated], [BR, true, true]);
  let got = await host.nl.getLink(VETH);
  assert.equal([got.master, got.up, got.bridgePort], [br.index, true, { hairpin: true, isolated: true }]);

  await host.nl.setBridgePortFlags(VETH, { hairpin: false });
  port = inNs(host.name, 'bridge', '-d', '-j', 'link', 'show', 'dev', VETH)[0];
  assert.equal([port.hairpin, port.isolated], [false, true]);
  await host.nl.setBridgePortFlags(VETH, { hairpin: false, isolated: false });
  ip = ipLink(host.name, VETH);
  assert.equal([ip.linkinfo.info_slave_data.hairpin, ip.linkinfo.info_slave_data.isolated], [false, false]);
  got = await host.nl.getLink(VETH);
  assert.equal(got.bridgePort, { hairpin: false, isolated: false });
});

links('the bridge port reaches operstate up once both ends are up', async () => {
  await ctr.nl.setUp('eth0');
  let state = '';
  for (const wait of [0, 50, 500, 1000]) {
    await new Promise((r) => setTimeout(r, wait));
    state = (await host.nl.getLink(VETH)).operState;
    if (state === 'up') break;
  }
  assert.is(state, 'up');
  assert.is(ipLink(host.name, VETH).operstate, 'UP');
});

links('changeLink mtu and up, setMac and setPromisc', async () => {
  await host.nl.changeLink(BR, { mtu: 1300 });
  await host.nl.setMac(BR, '02:00:0A:01:02:01');
  await host.nl.setPromisc(BR, true);
  let ip = ipLink(host.name, BR);
  assert.equal([ip.mtu, ip.address, ip.flags.includes('PROMISC')], [1300, '02:00:0a:01:02:01', true]);
  const got = await host.nl.getLink(BR);
  assert.equal([got.mtu, got.mac, got.promisc], [1300, '02:00:0a:01:02:01', true]);
  await host.nl.setPromisc(BR, false);
  await host.nl.changeLink(BR, { up: false });
  ip = ipLink(host.name, BR);
  assert.equal([ip.flags.includes('PROMISC'), ip.flags.includes('UP')], [false, false]);
  await host.nl.setUp(BR);
});

links('getLink by index reads the socket\'s own namespace', async () => {
  assert.is((await ctr.nl.getLink('eth0')).name, 'eth0');
  const byIndex = await ctr.nl.getLink(1);
  assert.is(byIndex.name, 'lo');
});

links('errors carry code and errno and name the operation and link', async () => {
  await rejects(host.nl.createBridge({ name: BR }), 'EEXIST', `failed to create bridge "${BR}": file exists`);
  await rejects(ctr.nl.createVeth({ name: 'eth0', peerName: 'cnits-veth9', peerNetnsPath: host.path }), 'EEXIST',
    'failed to create veth pair "eth0" <-> "cnits-veth9": file exists');
  await rejects(ctr.nl.createVeth({ name: 'eth9', peerName: VETH, peerNetnsPath: host.path }), 'EEXIST');
  await rejects(ctr.nl.getLink('nosuch0'), 'ENODEV', 'failed to get link "nosuch0": no such device');
  await rejects(ctr.nl.getLink(9999), 'ENODEV');
  assert.is(await ctr.nl.findLink('nosuch0'), undefined);
  await rejects(ctr.nl.deleteLink('nosuch0'), 'ENODEV', 'failed to delete link "nosuch0": no such device');
  await rejects(ctr.nl.setUp('nosuch0'), 'ENODEV', 'failed to set "nosuch0" up: no such device');
  await rejects(ctr.nl.addAddress('nosuch0', '10.9.9.9/24'), 'ENODEV');
  await rejects(ctr.nl.setBridgePortFlags('eth0', { hairpin: true }), 'EOPNOTSUPP');
  await rejects(ctr.nl.createVeth({ name: 'a', peerName: 'b', peerNetnsPath: '/run/netns/cnits-nope' }), 'ENOENT',
    'failed to open netns "/run/netns/cnits-nope": no such file or directory');
  await rejects(host.nl.createBridge({ name: 'much-too-long-name' }), 'EINVAL');
  assert.not.ok(linkExists(ctr.name, 'a'));
});

links('a bridge with vlan_filtering is made, or refused by this kernel with EOPNOTSUPP', async () => {
  await host.nl.createBridge({ name: 'cnits-brn', vlanFiltering: false });
  assert.is(ipLink(host.name, 'cnits-brn').linkinfo.info_kind, 'bridge');
  try {
    await host.nl.createBridge({ name: 'cnits-brv', vlanFiltering: true });
  } catch (err) {
    assert.ok(hasCode(err, 'EOPNOTSUPP'), String(err));
    return;
  }
  assert.is((await host.nl.getLink('cnits-brv')).vlanFiltering, true);
  assert.is(ipLink(host.name, 'cnits-brv').linkinfo.info_data.vlan_filtering, 1);
});

links('deleteLink removes both ends of a veth pair', async () => {
  const t = performance.now();
  await ctr.nl.deleteLink('eth0');
  const ms = performance.now() - t;
  assert.not.ok(linkExists(ctr.name, 'eth0'));
  assert.not.ok(linkExists(host.name, VETH));
  assert.is(await host.nl.findLink(VETH), undefined);
  await host.nl.deleteLink((await host.nl.getLink(BR)).index);
  assert.not.ok(linkExists(host.name, BR));
  assert.ok(ms < 2000, `${ms} ms`);
});

links.run();

// ---------------------------------------------------------------------------------------------
const addrs = suite('net addresses and routes');
addrs.after(cleanup);

let a: Awaited<ReturnType<typeof netns>>;
let b: Awaited<ReturnType<typeof netns>>;

addrs.before(async () => {
  a = await netns('a');
  b = await netns('b');
  await a.nl.createVeth({ name: 'eth0', peerName: 'peer0', peerNetnsPath: b.path });
  writeSysctl('net/ipv6/conf/eth0/accept_dad', '1', a.path);
  await b.nl.setUp('peer0');
  await a.nl.setUp('eth0');
  await a.nl.setUp('lo');
});

const ipAddrs = (ns: string): Json[] => inNs(ns, 'ip', '-j', 'addr', 'show', 'dev', 'eth0')[0].addr_info;

addrs('addAddress: IPv4 with its broadcast, IPv6 with noDad not tentative, without it tentative', async () => {
  await a.nl.addAddress('eth0', '10.1.2.2/24');
  await a.nl.addAddress('eth0', 'fd00::2/64', { noDad: true });
  await a.nl.addAddress('eth0', 'fd00::3/64');
  const ip = ipAddrs(a.name);
  const v4 = ip.find((x) => x.local === '10.1.2.2');
  assert.equal([v4.prefixlen, v4.broadcast, v4.family], [24, '10.1.2.255', 'inet']);
  const nodad = ip.find((x) => x.local === 'fd00::2');
  assert.equal([nodad.prefixlen, nodad.nodad, nodad.tentative], [64, true, undefined]);
  assert.is(ip.find((x) => x.local === 'fd00::3').tentative, true);

  const got = await a.nl.listAddresses('eth0');
  const find = (text: string) => got.find((x) => x.ip === text);
  assert.equal([find('10.1.2.2')?.family, find('10.1.2.2')?.prefixLen, find('10.1.2.2')?.tentative], [4, 24, false]);
  assert.equal([find('fd00::2')?.tentative, find('fd00::2')?.dadFailed], [false, false]);
  assert.is(find('fd00::3')?.tentative, true);
  assert.ok(got.every((x) => x.index === got[0]?.index));
});

addrs('listAddresses filters by family and link', async () => {
  const v4 = await a.nl.listAddresses(undefined, 4);
  assert.equal(v4.map((x) => x.ip).sort(), ['10.1.2.2', '127.0.0.1']);
  const v6 = await a.nl.listAddresses('eth0', 6);
  assert.ok(v6.every((x) => x.family === 6));
  assert.ok(v6.some((x) => x.ip.startsWith('fe80::') && x.scope === 253));
});

addrs('a duplicate address is EEXIST; deleteAddress removes one', async () => {
  await rejects(a.nl.addAddress('eth0', '10.1.2.2/24'), 'EEXIST', 'failed to add address 10.1.2.2/24 to "eth0": file exists');
  await a.nl.deleteAddress('eth0', 'fd00::3/64');
  assert.not.ok(ipAddrs(a.name).some((x) => x.local === 'fd00::3'));
  await rejects(a.nl.deleteAddress('eth0', 'fd00::3/64'), 'EADDRNOTAVAIL');
});

const ipRoutes = (ns: string, family: '-4' | '-6'): Json[] => inNs(ns, 'ip', family, '-j', 'route', 'show', 'table', 'all');

addrs('addRoute with gateway, table, scope and priority', async () => {
  await a.nl.addRoute({ dst: '0.0.0.0/0', gw: '10.1.2.1' });
  await a.nl.addRoute({ dst: '10.9.0.0/16', gw: '10.1.2.1', oif: 'eth0', table: 100, priority: 50 });
  await a.nl.addRoute({ dst: '10.8.0.0/16', oif: 'eth0', scope: 253 });
  await a.nl.addRoute({ dst: '10.7.1.2/16', gw: '10.1.2.1', table: 1000 });
  await a.nl.addRoute({ dst: '::/0', gw: 'fd00::1', oif: 'eth0', priority: 300 });
  const v4 = ipRoutes(a.name, '-4');
  const find = (dst: string, table?: string) => v4.find((r) => r.dst === dst && (table === undefined ? r.table === undefined || r.table === 'main' : r.table === table));
  assert.equal([find('default')?.gateway, find('default')?.dev], ['10.1.2.1', 'eth0']);
  const t100 = find('10.9.0.0/16', '100');
  assert.equal([t100?.gateway, t100?.metric, t100?.dev], ['10.1.2.1', 50, 'eth0']);
  assert.is(find('10.8.0.0/16')?.scope, 'link');
  assert.is(find('10.7.0.0/16', '1000')?.gateway, '10.1.2.1');
  const v6 = ipRoutes(a.name, '-6').find((r) => r.dst === 'default');
  assert.equal([v6?.gateway, v6?.metric], ['fd00::1', 300]);

  const listed = await a.nl.listRoutes(4);
  const def = listed.find((r) => r.dst === '0.0.0.0/0' && r.table === 254);
  assert.equal([def?.gw, def?.protocol, def?.scope], ['10.1.2.1', 3, 0]);
  const only100 = await a.nl.listRoutes(4, 100);
  assert.equal(only100.map((r) => [r.dst, r.gw, r.priority, r.table]), [['10.9.0.0/16', '10.1.2.1', 50, 100]]);
  assert.is((await a.nl.listRoutes(4, 1000))[0]?.dst, '10.7.0.0/16');
  assert.is(listed.find((r) => r.dst === '10.8.0.0/16')?.scope, 253);
  assert.ok((await a.nl.listRoutes(6)).some((r) => r.dst === '::/0' && r.gw === 'fd00::1' && r.priority === 300));
});

addrs('an existing route: EEXIST, unless replace; IPv6 without EXCL adds an ECMP path', async () => {
  await rejects(a.nl.addRoute({ dst: '0.0.0.0/0', gw: '10.1.2.1' }), 'EEXIST', 'failed to add route 0.0.0.0/0 via 10.1.2.1: file exists');
  await a.nl.addRoute({ dst: '0.0.0.0/0', gw: '10.1.2.254' }, { replace: true });
  const def = (await a.nl.listRoutes(4, 254)).filter((r) => r.dst === '0.0.0.0/0');
  assert.equal(def.map((r) => r.gw), ['10.1.2.254']);
  await rejects(a.nl.addRoute({ dst: '::/0', gw: 'fd00::4', oif: 'eth0', priority: 300 }, { exclusive: true }), 'EEXIST');
  await a.nl.addRoute({ dst: '::/0', gw: 'fd00::4', oif: 'eth0', priority: 300 });
  const v6 = (await a.nl.listRoutes(6, 254)).filter((r) => r.dst === '::/0');
  const gws = v6.flatMap((r) => (r.nexthops ?? [r]).map((h) => h.gw)).sort();
  assert.equal(gws, ['fd00::1', 'fd00::4']);
});

addrs('routeGetOif names the link a destination is routed through, undefined without a route', async () => {
  const eth0 = (await a.nl.getLink('eth0')).index;
  assert.is(await a.nl.routeGetOif('10.8.1.1'), eth0);
  assert.is(await b.nl.routeGetOif('10.8.1.1'), undefined);
});

addrs.run();
