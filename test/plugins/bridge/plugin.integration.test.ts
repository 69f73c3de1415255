// The bridge plugin through the built executable, as a runtime runs it, in namespaces made here:
// one plays the host (the plugin runs inside it, so bridge, veths and firewall rules live there),
// others the containers. Our host-local is the IPAM, with a temporary dataDir. The kernel is read
// back with ip -j, bridge -j, iptables-save and nft -j. Scenarios 24-42 of the reference file.
import { existsSync, readdirSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { testUnless } from '../../helpers/skip.ts';
import { BIN_DIR, REFERENCE_DIR, type Outcome } from '../../helpers/exec.ts';
import { cleanup, deleteNetns, execPluginIn, inNetns, jsonIn, makeNetns, tempDir, tryInNetns, type Netns } from '../../helpers/netns.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface World {
  host: Netns;
  dataDir: string;
}

function world(): World {
  return { host: makeNetns('brh'), dataDir: tempDir('br') };
}

const conf = (w: World, extra: object = {}, ipam: object | null = {}): Json => ({
  cniVersion: '1.0.0',
  name: 'brnet',
  type: 'bridge',
  bridge: 'cnibr0',
  ...(ipam !== null && { ipam: { type: 'host-local', subnet: '10.1.2.0/24', dataDir: w.dataDir, ...ipam } }),
  ...extra,
});

interface Call {
  command: string;
  ctr: Netns | string;
  id?: string;
  ifname?: string;
  stdin: Json;
  args?: string;
  env?: Record<string, string | undefined>;
  bin?: string;
}

function run(w: World, c: Call): Outcome {
  const netns = typeof c.ctr === 'string' ? c.ctr : c.ctr.path;
  return execPluginIn(w.host, c.bin ?? 'bridge', {
    command: c.command,
    containerID: c.id ?? 'ctr1',
    netns,
    ifname: c.ifname ?? 'eth0',
    path: c.bin ? REFERENCE_DIR : BIN_DIR,
    ...(c.args !== undefined && { args: c.args }),
    ...(c.env && { env: c.env }),
    stdin: c.stdin,
  });
}

function ok(o: Outcome): Json {
  assert.is(o.code, 0, `plugin failed: ${o.stdout} ${o.stderr}`);
  return o.stdout ? JSON.parse(o.stdout) : undefined;
}

function fails(o: Outcome): { code: number; msg: string; details?: string } {
  assert.is.not(o.code, 0, `expected failure, got ${o.stdout}`);
  return JSON.parse(o.stdout);
}

const link = (ns: Netns, dev: string): Json => jsonIn(ns, 'ip', '-d', '-j', 'link', 'show', 'dev', dev)[0];
const links = (ns: Netns): Json[] => jsonIn(ns, 'ip', '-d', '-j', 'link', 'show');
const addrs = (ns: Netns, dev: string): string[] =>
  jsonIn(ns, 'ip', '-j', 'addr', 'show', 'dev', dev)[0].addr_info.filter((a: Json) => a.scope === 'global').map((a: Json) => `${a.local}/${a.prefixlen}`);
const sysctl = (ns: Netns, key: string): string => inNetns(ns, 'cat', `/proc/sys/${key}`).trim();
const ipFiles = (w: World): string[] => {
  const dir = `${w.dataDir}/brnet`;
  return existsSync(dir) ? readdirSync(dir).filter((f) => /^[0-9a-f.:]+$/.test(f)).sort() : [];
};
const natSave = (ns: Netns, family: 4 | 6 = 4): string => inNetns(ns, family === 4 ? 'iptables-save' : 'ip6tables-save', '-t', 'nat');
const nftTable = (ns: Netns, family: string, table: string): Json[] | undefined => {
  const r = tryInNetns(ns, 'nft', '-j', 'list', 'table', family, table);
  return r.code === 0 ? JSON.parse(r.stdout).nftables : undefined;
};

// ---------------------------------------------------------------------------------------------
const l3 = suite('bridge L3');
l3.after.each(cleanup);

l3('24: ADD v4 with isDefaultGateway: links, addresses, routes, sysctls and the result', () => {
  const w = world();
  const ctr = makeNetns('brc');
  const r = ok(run(w, { command: 'ADD', ctr, stdin: conf(w, { isDefaultGateway: true }) }));
  const br = link(w.host, 'cnibr0');
  assert.is(br.linkinfo.info_kind, 'bridge');
  assert.ok(br.flags.includes('UP'));
  assert.is(br.linkinfo.info_data.vlan_filtering, 0);
  assert.equal(addrs(w.host, 'cnibr0'), ['10.1.2.1/24']);
  const hostLinks = links(w.host).map((l: Json) => l.ifname).sort();
  assert.is(hostLinks.length, 3);
  const vethName = r.interfaces[1].name as string;
  assert.match(vethName, /^veth[0-9a-f]{8}$/);
  assert.equal(hostLinks, ['cnibr0', 'lo', vethName].sort());
  const veth = link(w.host, vethName);
  assert.is(veth.master, 'cnibr0');
  assert.is(veth.operstate, 'UP');
  const eth0 = link(ctr, 'eth0');
  assert.is(eth0.linkinfo.info_kind, 'veth');
  assert.ok(eth0.flags.includes('UP'));
  assert.equal(addrs(ctr, 'eth0'), ['10.1.2.2/24']);
  const routes = jsonIn(ctr, 'ip', '-j', 'route', 'show');
  assert.ok(routes.some((x: Json) => x.dst === 'default' && x.gateway === '10.1.2.1'));
  assert.is(sysctl(w.host, 'net/ipv4/ip_forward'), '1');
  assert.is(sysctl(ctr, 'net/ipv4/conf/eth0/arp_notify'), '1');
  assert.is(sysctl(ctr, 'net/ipv6/conf/eth0/accept_dad'), '0');
  assert.is(r.cniVersion, '1.0.0');
  assert.is(r.interfaces.length, 3);
  assert.equal(r.interfaces[2], { name: 'eth0', mac: eth0.address, sandbox: ctr.path });
  assert.is(r.interfaces[0].mac, br.address);
  for (const i of r.interfaces) assert.is(i.mac.length, 17);
  assert.equal(r.ips, [{ address: '10.1.2.2/24', gateway: '10.1.2.1', interface: 2 }]);
  assert.equal(r.routes, [{ dst: '0.0.0.0/0', gw: '10.1.2.1' }]);
  // ping the gateway from the container
  assert.is(tryInNetns(ctr, 'ping', '-c1', '-W2', '10.1.2.1').code, 0);
});

l3('two containers on the bridge reach each other; DEL removes link and IP file', () => {
  const w = world();
  const a = makeNetns('brc');
  const b = makeNetns('brc');
  const c = conf(w, { isGateway: true });
  ok(run(w, { command: 'ADD', ctr: a, id: 'a', stdin: c }));
  ok(run(w, { command: 'ADD', ctr: b, id: 'b', stdin: c }));
  assert.equal(addrs(b, 'eth0'), ['10.1.2.3/24']);
  assert.is(tryInNetns(a, 'ping', '-c1', '-W2', '10.1.2.3').code, 0);
  assert.is(ipFiles(w).length, 2);
  ok(run(w, { command: 'DEL', ctr: a, id: 'a', stdin: c }));
  assert.is(tryInNetns(a, 'ip', 'link', 'show', 'eth0').code, 1);
  assert.equal(ipFiles(w), ['10.1.2.3']);
  assert.is(links(w.host).length, 3); // lo, bridge, b's veth
});

l3('25: dual stack and IPv6 only: gateways on the bridge, ::/0, settled addresses, v6 sysctls', () => {
  const w = world();
  const ctr = makeNetns('brc');
  const ipam = { subnet: undefined, ranges: [[{ subnet: '10.1.2.0/24' }], [{ subnet: '2001:db8:1::/64' }]] };
  const r = ok(run(w, { command: 'ADD', ctr, stdin: conf(w, { isDefaultGateway: true }, ipam) }));
  assert.equal(r.ips.map((i: Json) => i.address), ['10.1.2.2/24', '2001:db8:1::2/64']);
  assert.equal(r.routes, [{ dst: '0.0.0.0/0', gw: '10.1.2.1' }, { dst: '::/0', gw: '2001:db8:1::1' }]);
  assert.equal(addrs(w.host, 'cnibr0').sort(), ['10.1.2.1/24', '2001:db8:1::1/64']);
  const v6 = jsonIn(ctr, 'ip', '-j', '-6', 'addr', 'show', 'dev', 'eth0')[0].addr_info.filter((a: Json) => a.scope === 'global');
  assert.is(v6[0].local, '2001:db8:1::2');
  assert.not.ok(v6[0].tentative);
  assert.is(sysctl(ctr, 'net/ipv6/conf/eth0/disable_ipv6'), '0');
  assert.is(sysctl(ctr, 'net/ipv6/conf/eth0/keep_addr_on_down'), '1');
  assert.is(sysctl(w.host, 'net/ipv6/conf/all/forwarding'), '1');
  assert.ok(jsonIn(ctr, 'ip', '-j', '-6', 'route', 'show').some((x: Json) => x.dst === 'default' && x.gateway === '2001:db8:1::1'));

  const only6 = makeNetns('brc');
  const r6 = ok(run(w, { command: 'ADD', ctr: only6, id: 'v6', stdin: conf(w, { isGateway: true, name: 'brnet6' }, { subnet: '2001:db8:2::/64' }) }));
  assert.equal(r6.ips, [{ address: '2001:db8:2::2/64', gateway: '2001:db8:2::1', interface: 2 }]);
  assert.is(tryInNetns(only6, 'ping', '-6', '-c1', '-w5', '2001:db8:2::1').code, 0);
});

l3('26: enabledad turns DAD on and waits for it', () => {
  const w = world();
  const ctr = makeNetns('brc');
  ok(run(w, { command: 'ADD', ctr, stdin: conf(w, { isGateway: true, enabledad: true }, { subnet: '2001:db8:3::/64' }) }));
  assert.is(sysctl(ctr, 'net/ipv6/conf/eth0/accept_dad'), '1');
  assert.is(sysctl(ctr, 'net/ipv6/conf/eth0/enhanced_dad'), '1');
  const v6 = jsonIn(ctr, 'ip', '-j', '-6', 'addr', 'show', 'dev', 'eth0')[0].addr_info.find((a: Json) => a.scope === 'global');
  assert.not.ok(v6.tentative);
});

l3('27: an existing bridge is reused; a dummy with the name is refused', () => {
  const w = world();
  inNetns(w.host, 'ip', 'link', 'add', 'cnibr0', 'type', 'bridge');
  const before = link(w.host, 'cnibr0').ifindex;
  ok(run(w, { command: 'ADD', ctr: makeNetns('brc'), stdin: conf(w) }));
  assert.is(link(w.host, 'cnibr0').ifindex, before);
  inNetns(w.host, 'ip', 'link', 'add', 'dummy0', 'type', 'veth', 'peer', 'name', 'dummy0p');
  const e = fails(run(w, { command: 'ADD', ctr: makeNetns('brc'), id: 'x', stdin: conf(w, { bridge: 'dummy0' }) }));
  assert.is(e.msg, 'failed to create bridge "dummy0": "dummy0" already exists but is not a bridge');
});

l3('28 + 39: a conflicting gateway address fails and releases the IP; forceAddress replaces it; IPv6 non-overlapping coexist', () => {
  const w = world();
  inNetns(w.host, 'ip', 'link', 'add', 'cnibr0', 'type', 'bridge');
  inNetns(w.host, 'ip', 'addr', 'add', '10.0.0.1/8', 'dev', 'cnibr0');
  const ctr = makeNetns('brc');
  const c = conf(w, { isGateway: true }, { subnet: '10.1.0.0/16' });
  const e = fails(run(w, { command: 'ADD', ctr, stdin: c }));
  assert.is(e.msg, 'failed to set bridge addr: "cnibr0" already has an IP address different from 10.1.0.1/16');
  assert.is(e.code, 7);
  assert.equal(ipFiles(w), []);
  assert.is(tryInNetns(ctr, 'ip', 'link', 'show', 'eth0').code, 1);
  assert.is(links(w.host).length, 2);
  ok(run(w, { command: 'ADD', ctr, stdin: { ...c, forceAddress: true } }));
  assert.equal(addrs(w.host, 'cnibr0'), ['10.1.0.1/16']);
  inNetns(w.host, 'ip', 'addr', 'add', '2001:db8:9::1/64', 'dev', 'cnibr0');
  ok(run(w, { command: 'ADD', ctr: makeNetns('brc'), id: 'v6', stdin: conf(w, { isGateway: true, name: 'n6' }, { subnet: '2001:db8:8::/64' }) }));
  assert.ok(addrs(w.host, 'cnibr0').includes('2001:db8:9::1/64'));
  const e6 = fails(run(w, { command: 'ADD', ctr: makeNetns('brc'), id: 'v6b', stdin: conf(w, { isGateway: true, name: 'n7' }, { subnet: '2001:db8:9::/64', gateway: '2001:db8:9::2' }) }));
  assert.match(e6.msg, 'already has an IP address different from 2001:db8:9::2/64');
});

l3('29: the bridge MAC stays put across ADD and DEL of a port with a lower MAC', () => {
  const w = world();
  inNetns(w.host, 'ip', 'link', 'add', 'cnibr0', 'address', 'fe:00:00:00:00:10', 'type', 'bridge');
  const ctr = makeNetns('brc');
  const c = conf(w, { isGateway: true, runtimeConfig: { mac: '02:00:00:00:00:01' } });
  ok(run(w, { command: 'ADD', ctr, stdin: c }));
  assert.is(link(w.host, 'cnibr0').address, 'fe:00:00:00:00:10');
  ok(run(w, { command: 'DEL', ctr, stdin: c }));
  assert.is(link(w.host, 'cnibr0').address, 'fe:00:00:00:00:10');
});

l3('30 + 31: MAC precedence and MTU on bridge and both veth ends', () => {
  const w = world();
  const ctr = makeNetns('brc');
  const c = conf(w, { mtu: 1400, runtimeConfig: { mac: '02:00:00:00:00:00' }, args: { cni: { mac: '02:00:00:00:07:89' } } });
  const r = ok(run(w, { command: 'ADD', ctr, stdin: c, args: 'IgnoreUnknown=1;MAC=02:00:00:00:04:56' }));
  assert.is(link(ctr, 'eth0').address, '02:00:00:00:00:00');
  assert.is(r.interfaces[2].mac, '02:00:00:00:00:00');
  assert.is(link(ctr, 'eth0').mtu, 1400);
  assert.is(link(w.host, r.interfaces[1].name).mtu, 1400);
  assert.is(link(w.host, 'cnibr0').mtu, 1400);
});

l3('32: hairpin, promisc, isolation flags; hairpin with promisc is refused before anything is made', () => {
  const w = world();
  const r = ok(run(w, { command: 'ADD', ctr: makeNetns('brc'), stdin: conf(w, { hairpinMode: true, portIsolation: true }) }));
  const port = jsonIn(w.host, 'bridge', '-d', '-j', 'link', 'show', 'dev', r.interfaces[1].name)[0];
  assert.is(port.hairpin, true);
  assert.is(port.isolated, true);
  const r2 = ok(run(w, { command: 'ADD', ctr: makeNetns('brc'), id: 'p', stdin: conf(w, { promiscMode: true }) }));
  const port2 = jsonIn(w.host, 'bridge', '-d', '-j', 'link', 'show', 'dev', r2.interfaces[1].name)[0];
  assert.is(port2.hairpin, false);
  assert.is(port2.isolated, false);
  assert.ok(link(w.host, 'cnibr0').promiscuity > 0);
  const e = fails(run(w, { command: 'ADD', ctr: makeNetns('brc'), id: 'q', stdin: conf(w, { bridge: 'cnibr9', hairpinMode: true, promiscMode: true }) }));
  assert.is(e.msg, 'cannot set hairpin mode and promiscuous mode at the same time');
  assert.is(tryInNetns(w.host, 'ip', 'link', 'show', 'cnibr9').code, 1);
});

l3('33 + 34: L2 mode; 0.2.0 refused up front; disableContainerInterface', () => {
  const w = world();
  const ctr = makeNetns('brc');
  const r = ok(run(w, { command: 'ADD', ctr, stdin: conf(w, {}, null) }));
  assert.is(r.ips, undefined);
  assert.ok(link(ctr, 'eth0').flags.includes('UP'));
  const e = fails(run(w, { command: 'ADD', ctr: makeNetns('brc'), id: 'old', stdin: conf(w, { cniVersion: '0.2.0' }, null) }));
  assert.is(e.msg, 'cannot convert: no valid IP addresses');
  assert.is(links(w.host).length, 3);
  const down = makeNetns('brc');
  ok(run(w, { command: 'ADD', ctr: down, id: 'dci', stdin: conf(w, { disableContainerInterface: true }, null) }));
  assert.not.ok(link(down, 'eth0').flags.includes('UP'));
  const e2 = fails(run(w, { command: 'ADD', ctr: makeNetns('brc'), id: 'dci2', stdin: conf(w, { disableContainerInterface: true }) }));
  assert.is(e2.msg, 'cannot use IPAM when DisableContainerInterface flag is set');
  // CHECK works for L2 (the reference delegates to an empty IPAM name and fails)
  ok(run(w, { command: 'CHECK', ctr, stdin: { ...conf(w, {}, null), prevResult: r } }));
});

l3('35: VLAN configs need bridge VLAN filtering: run where the kernel has it, else skip with its error', () => {
  const w = world();
  const probe = tryInNetns(w.host, 'ip', 'link', 'add', 'vprobe', 'type', 'bridge', 'vlan_filtering', '1');
  if (probe.code !== 0) {
    console.log(`  skipped: this kernel has no bridge VLAN filtering (${probe.stderr.trim()})`);
    const e = fails(run(w, { command: 'ADD', ctr: makeNetns('brc'), stdin: conf(w, { vlan: 100 }) }));
    assert.match(e.msg, 'failed to create bridge "cnibr0"');
    assert.equal(ipFiles(w), []);
    return;
  }
  const ctr = makeNetns('brc');
  const r = ok(run(w, { command: 'ADD', ctr, stdin: conf(w, { vlan: 100, isGateway: true }) }));
  assert.is(r.interfaces.length, 4);
  assert.is(r.interfaces[3].name, 'cnibr0.100');
  assert.equal(addrs(w.host, 'cnibr0.100'), ['10.1.2.1/24']);
  const vl = jsonIn(w.host, 'bridge', '-j', 'vlan', 'show', 'dev', r.interfaces[1].name)[0].vlans;
  assert.equal(vl.map((v: Json) => v.vlan), [100]);
});

l3('36: ipMasq on iptables: chain, rules and comment; gone after DEL', () => {
  const w = world();
  const ctr = makeNetns('brc');
  const c = conf(w, { ipMasq: true, ipMasqBackend: 'iptables' });
  ok(run(w, { command: 'ADD', ctr, stdin: c }));
  const saved = natSave(w.host);
  const chain = 'CNI-' + saved.match(/-j (CNI-[0-9a-f]{24})/)![1]!.slice(4);
  assert.match(saved, `-A POSTROUTING -s 10.1.2.2/32 -m comment --comment "name: \\"brnet\\" id: \\"ctr1\\"" -j ${chain}`);
  assert.match(saved, `-A ${chain} -d 10.1.2.0/24 -m comment --comment "name: \\"brnet\\" id: \\"ctr1\\"" -j ACCEPT`);
  assert.match(saved, `-A ${chain} ! -d 224.0.0.0/4 -m comment --comment "name: \\"brnet\\" id: \\"ctr1\\"" -j MASQUERADE`);
  const ctr2 = makeNetns('brc');
  const r2 = ok(run(w, { command: 'ADD', ctr: ctr2, id: 'ctr2', stdin: c }));
  ok(run(w, { command: 'CHECK', ctr: ctr2, id: 'ctr2', stdin: { ...c, prevResult: r2 } }));
  const chain2 = natSave(w.host).match(/-s 10\.1\.2\.3\/32 .* -j (CNI-[0-9a-f]+)/)![1]!;
  inNetns(w.host, 'iptables', '-t', 'nat', '-D', 'POSTROUTING', '-s', '10.1.2.3/32', '-m', 'comment', '--comment', 'name: "brnet" id: "ctr2"', '-j', chain2);
  assert.match(fails(run(w, { command: 'CHECK', ctr: ctr2, id: 'ctr2', stdin: { ...c, prevResult: r2 } })).msg, 'Expected ipMasq rule not found');
  ok(run(w, { command: 'DEL', ctr, stdin: c }));
  assert.not.match(natSave(w.host), chain);
});

l3('36: ipMasq on nftables: one commented rule in masq_checks; gone after DEL', () => {
  const w = world();
  const ctr = makeNetns('brc');
  const c = conf(w, { ipMasq: true, ipMasqBackend: 'nftables' });
  ok(run(w, { command: 'ADD', ctr, stdin: c }));
  const rules = nftTable(w.host, 'inet', 'cni_plugins_masquerade')!.filter((o) => o.rule?.chain === 'masq_checks');
  assert.is(rules.length, 1);
  assert.match(rules[0].rule.comment, /^[0-9a-f]{16}-[0-9a-f]{16}, net: brnet, if: eth0, id: ctr1$/);
  ok(run(w, { command: 'DEL', ctr, stdin: c }));
  assert.is(nftTable(w.host, 'inet', 'cni_plugins_masquerade')!.filter((o) => o.rule?.chain === 'masq_checks').length, 0);
});

l3('37: macspoofchk: bridge nat chains and rules; a foreign source MAC is dropped; gone after DEL', () => {
  const w = world();
  const a = makeNetns('brc');
  const b = makeNetns('brc');
  const c = conf(w, { macspoofchk: true });
  ok(run(w, { command: 'ADD', ctr: a, id: 'sa', stdin: c }));
  ok(run(w, { command: 'ADD', ctr: b, id: 'sb', stdin: c }));
  const t = nftTable(w.host, 'bridge', 'nat')!;
  const chains = t.filter((o) => o.chain).map((o) => o.chain.name);
  assert.ok(chains.includes('cni-br-iface-sa-eth0') && chains.includes('cni-br-iface-sa-eth0-mac'));
  assert.ok(t.some((o) => o.rule?.chain === 'PREROUTING' && o.rule.comment === 'macspoofchk-sa-eth0'));
  assert.is(tryInNetns(a, 'ping', '-c1', '-W2', '10.1.2.3').code, 0);
  inNetns(a, 'ip', 'link', 'set', 'eth0', 'address', '02:11:22:33:44:55');
  inNetns(a, 'ip', 'neigh', 'flush', 'all');
  assert.is.not(tryInNetns(a, 'ping', '-c1', '-W1', '10.1.2.3').code, 0);
  ok(run(w, { command: 'DEL', ctr: a, id: 'sa', stdin: c }));
  const after = nftTable(w.host, 'bridge', 'nat')!;
  assert.not.ok(after.some((o) => o.chain?.name?.startsWith('cni-br-iface-sa-')));
  assert.not.ok(after.some((o) => o.rule?.comment === 'macspoofchk-sa-eth0'));
  assert.ok(after.some((o) => o.rule?.comment === 'macspoofchk-sb-eth0'));
});

l3('38: ADD where eth0 already exists fails and leaks nothing', () => {
  const w = world();
  const ctr = makeNetns('brc');
  inNetns(ctr, 'ip', 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0p');
  const e = fails(run(w, { command: 'ADD', ctr, stdin: conf(w, { ipMasq: true }) }));
  assert.match(e.msg, 'container veth name ("eth0") peer provided ("veth');
  assert.is(e.code, 7);
  assert.equal(ipFiles(w), []);
  assert.equal(links(w.host).map((l: Json) => l.ifname), ['lo'], 'the bridge this ADD made is gone too');
  assert.not.match(natSave(w.host), 'CNI-');
});

/** What a failed ADD must leave as it found it on the host. */
const hostState = (ns: Netns): unknown => ({
  links: links(ns).map((l: Json) => [l.ifname, l.flags.includes('UP'), l.master]),
  addrs: jsonIn(ns, 'ip', '-j', 'addr', 'show').map((l: Json) => [l.ifname, l.addr_info.map((a: Json) => `${a.local}/${a.prefixlen}`)]),
  routes: jsonIn(ns, 'ip', '-j', 'route', 'show', 'table', 'all'),
  forwarding: [sysctl(ns, 'net/ipv4/ip_forward'), sysctl(ns, 'net/ipv6/conf/all/forwarding')],
});

l3('a late failure after the bridge was made removes it, with its link-local address and routes', () => {
  const w = world();
  const ctr = makeNetns('brc');
  const before = hostState(w.host);
  const late: [object, object, string?][] = [
    [{ isGateway: true }, { gateway: '-j ACCEPT' }],
    [{ isGateway: true }, {}, 'IP=999.1.1.1'],
    [{ isGateway: true, ipMasq: true }, { routes: [{ dst: '10.9.0.0/16', gw: '192.168.99.1' }] }],
  ];
  for (const [extra, ipam, args] of late) {
    const e = fails(run(w, { command: 'ADD', ctr, stdin: conf(w, extra, ipam), ...(args && { args }) }));
    assert.equal(hostState(w.host), before, e.msg);
    assert.equal(ipFiles(w), []);
  }
});

l3('a failure on a bridge that was there takes back the gateway address and forwarding this ADD turned on', () => {
  const w = world();
  inNetns(w.host, 'ip', 'link', 'add', 'cnibr0', 'type', 'bridge');
  inNetns(w.host, 'ip', 'link', 'set', 'cnibr0', 'up');
  inNetns(w.host, 'ip', 'addr', 'add', '2001:db8::5/64', 'dev', 'cnibr0', 'nodad');
  const before = hostState(w.host);
  const ctr = makeNetns('brc');
  const ipam = { subnet: undefined, ranges: [[{ subnet: '10.1.2.0/24' }], [{ subnet: '2001:db8::/64' }]] };
  const e = fails(run(w, { command: 'ADD', ctr, stdin: conf(w, { isGateway: true }, ipam) }));
  assert.match(e.msg, 'already has an IP address different from 2001:db8::1/64');
  assert.equal(hostState(w.host), before);
});

l3('39: a failure after IPAM and firewall rolls everything back', () => {
  const w = world();
  inNetns(w.host, 'ip', 'link', 'add', 'cnibr0', 'type', 'bridge');
  inNetns(w.host, 'ip', 'addr', 'add', '10.9.9.1/8', 'dev', 'cnibr0');
  const ctr = makeNetns('brc');
  fails(run(w, { command: 'ADD', ctr, stdin: conf(w, { isGateway: true, macspoofchk: true }) }));
  assert.equal(ipFiles(w), []);
  assert.is(tryInNetns(ctr, 'ip', 'link', 'show', 'eth0').code, 1);
  assert.not.ok((nftTable(w.host, 'bridge', 'nat') ?? []).some((o) => o.chain?.name?.startsWith('cni-br-iface-')));
});

l3('40: DEL is idempotent: twice, with a deleted netns, with CNI_NETNS empty; rules go without the netns (#810)', () => {
  const w = world();
  const c = conf(w, { ipMasq: true, ipMasqBackend: 'iptables', macspoofchk: true });
  const ctr = makeNetns('brc');
  ok(run(w, { command: 'ADD', ctr, stdin: c }));
  ok(run(w, { command: 'DEL', ctr, stdin: c }));
  ok(run(w, { command: 'DEL', ctr, stdin: c }));
  assert.equal(ipFiles(w), []);

  const gone = makeNetns('brc');
  const r = ok(run(w, { command: 'ADD', ctr: gone, id: 'g', stdin: c }));
  deleteNetns(gone);
  ok(run(w, { command: 'DEL', ctr: gone, id: 'g', stdin: { ...c, prevResult: r } }));
  assert.equal(ipFiles(w), []);
  assert.not.match(natSave(w.host), 'CNI-');

  const empty = makeNetns('brc');
  ok(run(w, { command: 'ADD', ctr: empty, id: 'e', stdin: c }));
  ok(run(w, { command: 'DEL', ctr: '', id: 'e', stdin: c }));
  assert.equal(ipFiles(w), []);
  assert.not.match(natSave(w.host), 'CNI-');
  assert.not.ok((nftTable(w.host, 'bridge', 'nat') ?? []).some((o) => o.chain?.name?.startsWith('cni-br-iface-')));
});

l3('41: CHECK passes after ADD and fails after each kind of damage', () => {
  const w = world();
  const ctr = makeNetns('brc');
  const c = conf(w, { isDefaultGateway: true });
  const r = ok(run(w, { command: 'ADD', ctr, stdin: c }));
  const check = (): Outcome => run(w, { command: 'CHECK', ctr, stdin: { ...c, prevResult: r } });
  ok(check());
  assert.is(fails(run(w, { command: 'CHECK', ctr, stdin: c })).msg, 'Required prevResult missing');
  inNetns(ctr, 'ip', 'route', 'del', 'default');
  assert.match(fails(check()).msg, 'Expected Route {Dst:0.0.0.0/0 GW:10.1.2.1} not found in routing table');
  inNetns(ctr, 'ip', 'route', 'add', 'default', 'via', '10.1.2.1');
  ok(check());
  inNetns(ctr, 'ip', 'addr', 'del', '10.1.2.2/24', 'dev', 'eth0');
  assert.match(fails(check()).msg, 'Failed to match addr 10.1.2.2/24 on interface eth0');
  inNetns(w.host, 'ip', 'link', 'del', r.interfaces[1].name);
  assert.match(fails(check()).msg, /not found/);
});

l3('42 + result versions: a netconf dns overrides IPAM; 0.2.0, 0.3.1, 0.4.0 and 1.1.0 shapes', () => {
  const w = world();
  const dns = { nameservers: ['10.0.0.10'], search: ['example.com'] };
  const r = ok(run(w, { command: 'ADD', ctr: makeNetns('brc'), stdin: conf(w, { dns }) }));
  assert.equal(r.dns, dns);
  const r020 = ok(run(w, { command: 'ADD', ctr: makeNetns('brc'), id: 'v020', stdin: conf(w, { cniVersion: '0.2.0', isGateway: true }) }));
  assert.equal(r020, { cniVersion: '0.2.0', ip4: { ip: '10.1.2.3/24', gateway: '10.1.2.1' }, dns: {} });
  for (const [i, v] of ['0.3.1', '0.4.0'].entries()) {
    const x = ok(run(w, { command: 'ADD', ctr: makeNetns('brc'), id: `v${i}`, stdin: conf(w, { cniVersion: v }) }));
    assert.is(x.cniVersion, v);
    assert.is(x.ips[0].version, '4');
    assert.is(x.interfaces.length, 3);
    assert.equal(x.dns, {});
  }
  const x = ok(run(w, { command: 'ADD', ctr: makeNetns('brc'), id: 'v110', stdin: conf(w, { cniVersion: '1.1.0' }) }));
  assert.is(x.cniVersion, '1.1.0');
  assert.is(x.dns, undefined);
});

l3('GC forwards to IPAM and removes masquerade and spoof-check state of attachments not kept; STATUS', () => {
  const w = world();
  const c = conf(w, { cniVersion: '1.1.0', ipMasq: true, ipMasqBackend: 'nftables', macspoofchk: true });
  const keep = makeNetns('brc');
  const drop = makeNetns('brc');
  ok(run(w, { command: 'ADD', ctr: keep, id: 'keep', stdin: c }));
  ok(run(w, { command: 'ADD', ctr: drop, id: 'drop', stdin: c }));
  // The runtime lost 'drop' (its netns is gone) and never sent DEL.
  deleteNetns(drop);
  const gcConf = { ...c, 'cni.dev/valid-attachments': [{ containerID: 'keep', ifname: 'eth0' }] };
  ok(execPluginIn(w.host, 'bridge', { command: 'GC', path: BIN_DIR, stdin: gcConf }));
  assert.equal(ipFiles(w), ['10.1.2.2']);
  const masq = nftTable(w.host, 'inet', 'cni_plugins_masquerade')!.filter((o) => o.rule?.chain === 'masq_checks');
  assert.equal(masq.map((o) => o.rule.comment.split(', ').at(-1)), ['id: keep']);
  const spoof = nftTable(w.host, 'bridge', 'nat')!.filter((o) => o.chain?.name?.startsWith('cni-br-iface-')).map((o) => o.chain.name);
  assert.equal(spoof.sort(), ['cni-br-iface-keep-eth0', 'cni-br-iface-keep-eth0-mac']);
  ok(execPluginIn(w.host, 'bridge', { command: 'STATUS', path: BIN_DIR, stdin: c }));
  inNetns(w.host, 'ip', 'link', 'add', 'dummy1', 'type', 'veth', 'peer', 'name', 'dummy1p');
  const e = fails(execPluginIn(w.host, 'bridge', { command: 'STATUS', path: BIN_DIR, stdin: { ...c, bridge: 'dummy1' } }));
  assert.is(e.code, 50);
});

l3('in-process IPAM and CNI_TS_DELEGATE=exec give identical results and disk state', () => {
  const results: Json[] = [];
  const files: string[][] = [];
  for (const mode of [undefined, 'exec']) {
    const w = world();
    const r = ok(run(w, { command: 'ADD', ctr: makeNetns('brc'), stdin: conf(w, { isGateway: true }), ...(mode && { env: { CNI_TS_DELEGATE: mode } }) }));
    results.push({ ips: r.ips, routes: r.routes, dns: r.dns });
    files.push(ipFiles(w));
    cleanup();
  }
  assert.equal(results[0], results[1]);
  assert.equal(files[0], files[1]);
});

l3.run();

// ---------------------------------------------------------------------------------------------
const interop = suite('bridge interop with the reference (Debian 1.1.1)');
interop.after.each(cleanup);
const noReference = existsSync(`${REFERENCE_DIR}/bridge`) ? undefined : `no reference plugins in ${REFERENCE_DIR} (Debian package containernetworking-plugins)`;

testUnless(interop, noReference, 'a container added by the Go bridge is removed by our DEL: link, IP file, masquerade rules', () => {
  const w = world();
  const ctr = makeNetns('brc');
  const c = conf(w, { isGateway: true, ipMasq: true });
  ok(run(w, { command: 'ADD', ctr, stdin: c, bin: `${REFERENCE_DIR}/bridge` }));
  assert.match(natSave(w.host), 'CNI-');
  assert.is(ipFiles(w).length, 1);
  ok(run(w, { command: 'DEL', ctr, stdin: c }));
  assert.is(tryInNetns(ctr, 'ip', 'link', 'show', 'eth0').code, 1);
  assert.equal(ipFiles(w), []);
  assert.not.match(natSave(w.host), 'CNI-');
});

testUnless(interop, noReference, 'a container added by our bridge is removed by the Go DEL', () => {
  const w = world();
  const ctr = makeNetns('brc');
  const c = conf(w, { isGateway: true, ipMasq: true, ipMasqBackend: 'iptables' });
  ok(run(w, { command: 'ADD', ctr, stdin: c }));
  ok(run(w, { command: 'DEL', ctr, stdin: c, bin: `${REFERENCE_DIR}/bridge` }));
  assert.is(tryInNetns(ctr, 'ip', 'link', 'show', 'eth0').code, 1);
  assert.equal(ipFiles(w), []);
  assert.not.match(natSave(w.host), 'CNI-');
});

interop.run();
