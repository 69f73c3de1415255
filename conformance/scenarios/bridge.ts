// Section 5, bridge (24-42): links, addresses, routes and sysctls in the scenario's host and
// container namespaces, result shape, MAC handling, modes, masquerading, spoof check, failure
// paths, DEL idempotency and CHECK.
import { deepStrictEqual as eq, ok, match } from 'node:assert/strict';
import type { Ctx } from '../harness/context.ts';
import { ping } from '../harness/traffic.ts';
import { ALL_VERSIONS, from, type Scenario } from '../types.ts';
import { addrs, bridgeKit, isUp } from './bridge-kit.ts';
import { addressesOf } from './results.ts';

const br = (id: string, title: string, versions: Scenario['versions'], run: (t: Ctx) => Promise<void>, more: Partial<Scenario> = {}): Scenario => ({
  id,
  area: 'bridge',
  title,
  plugins: ['bridge', 'host-local'],
  versions,
  family: 'reference',
  run,
  ...more,
});

const DUAL_RANGES = { ranges: [[{ subnet: '10.1.2.0/24' }], [{ subnet: '2001:db8:1::/64' }]] };

export const bridgeScenarios: Scenario[] = [
  br('24', 'L3 ADD (v4, isDefaultGateway): links, addresses, default route, sysctls, result', from('0.3.0'), async (t) => {
    const b = await bridgeKit(t);
    const r = t.ok(await b.call('ADD', b.conf({ isDefaultGateway: true })))!;
    const hostLinks = await b.hostLinks();
    const bridge = hostLinks.find((l) => l.ifname === 'bridge0');
    ok(bridge, 'bridge0 exists');
    eq(bridge.linkinfo?.info_kind, 'bridge');
    ok(isUp(bridge), 'bridge0 is up');
    eq(Number(bridge.linkinfo?.info_data?.vlan_filtering ?? 0), 0);
    eq(addrs(bridge), ['10.1.2.1/24']);
    const veths = hostLinks.filter((l) => l.linkinfo?.info_kind === 'veth');
    eq(veths.length, 1, 'one host veth');
    eq(hostLinks.length, 3, `only lo, the bridge and the veth in the host: ${hostLinks.map((l) => l.ifname)}`);
    ok(veths[0]!.ifname.startsWith('veth'), veths[0]!.ifname);
    eq(veths[0]!.master, 'bridge0');
    ok(isUp(veths[0]), 'host veth up');
    const eth0 = await b.link(b.ctr.name, 'eth0');
    eq(eth0?.linkinfo?.info_kind, 'veth');
    ok(isUp(eth0), 'eth0 up');
    eq(addrs(eth0), ['10.1.2.2/24']);
    const def = (await b.routes(b.ctr.name)).find((x) => x.dst === 'default');
    eq(def?.gateway, '10.1.2.1');
    eq(await t.sysctl(b.host, 'net/ipv4/ip_forward'), '1');
    eq(await t.sysctl(b.ctr.name, 'net/ipv4/conf/eth0/arp_notify'), '1');
    eq(await t.sysctl(b.ctr.name, 'net/ipv6/conf/eth0/accept_dad'), '0');
    const ifaces = r.interfaces as { name: string; mac: string; sandbox?: string }[];
    eq(ifaces.length, 3);
    eq(ifaces.map((i) => i.name), ['bridge0', veths[0]!.ifname, 'eth0']);
    eq(ifaces[2]!.sandbox, b.ctr.path);
    ok(ifaces.every((i) => i.mac.length === 17), 'MACs are 17 characters');
    eq((r.ips as { interface: number }[]).map((i) => i.interface), [2]);
    ok(await ping(b.ctr.name, '10.1.2.1'), 'the container reaches its gateway');
  }),
  br('25', 'IPv6-only and dual-stack: a gateway per family, ::/0 via the v6 gateway, settled addresses, sysctls', from('0.3.0'), async (t) => {
    const b = await bridgeKit(t);
    const r = t.ok(await b.call('ADD', b.conf({ isDefaultGateway: true }, DUAL_RANGES)))!;
    const bridge = await b.link(b.host, 'bridge0');
    eq(addrs(bridge), ['10.1.2.1/24']);
    ok(addrs(bridge, 'inet6').includes('2001:db8:1::1/64'), JSON.stringify(addrs(bridge, 'inet6')));
    const eth0 = await b.link(b.ctr.name, 'eth0');
    ok(addrs(eth0, 'inet6').includes('2001:db8:1::2/64'));
    ok(!(eth0?.addr_info ?? []).some((a) => a.tentative), 'no tentative address when ADD returns');
    const def6 = (await b.routes(b.ctr.name, '-6')).find((x) => x.dst === 'default');
    eq(def6?.gateway, '2001:db8:1::1');
    eq(await t.sysctl(b.ctr.name, 'net/ipv6/conf/eth0/disable_ipv6'), '0');
    // keep_addr_on_down arrived in plugins v1.7.0, long after spec 1.1.0: checked only on 1.1.0-era bin dirs.
    if (t.versions.includes('1.1.0')) eq(await t.sysctl(b.ctr.name, 'net/ipv6/conf/eth0/keep_addr_on_down'), '1');
    eq(addressesOf(r).length, 2);
    // v6 only, in another container
    const ctr2 = await t.netns();
    const conf6 = b.conf({ isDefaultGateway: true }, { ranges: [[{ subnet: '2001:db8:1::/64' }]] });
    t.ok(await t.exec('bridge', { command: 'ADD', containerId: 'v6only', netns: ctr2.path, stdin: conf6 }));
    const e2 = (await t.ipJson<{ ifname: string; addr_info: { family: string; local: string }[] }[]>(ctr2.name, 'addr', 'show', 'eth0'))[0]!;
    ok(e2.addr_info.some((a) => a.local === '2001:db8:1::3'), JSON.stringify(e2.addr_info));
  }, { needs: ['ipv6'] }),
  br('26', 'enabledad: accept_dad=1 and enhanced_dad=1 in the container, and ADD returns after DAD', from('0.3.0'), async (t) => {
    const b = await bridgeKit(t);
    t.ok(await b.call('ADD', b.conf({ isGateway: true, enabledad: true }, { ranges: [[{ subnet: '2001:db8:1::/64' }]] })));
    eq(await t.sysctl(b.ctr.name, 'net/ipv6/conf/eth0/accept_dad'), '1');
    eq(await t.sysctl(b.ctr.name, 'net/ipv6/conf/eth0/enhanced_dad'), '1');
    const eth0 = await b.link(b.ctr.name, 'eth0');
    ok(!(eth0?.addr_info ?? []).some((a) => a.tentative), 'no tentative address when ADD returns');
  }, { needs: ['ipv6'] }),
  br('27', 'an existing bridge is reused; a non-bridge link with its name is an error', from('0.3.0'), async (t) => {
    const b = await bridgeKit(t);
    await t.sh(b.host, 'ip', 'link', 'add', 'bridge0', 'type', 'bridge');
    const before = (await b.link(b.host, 'bridge0'))!.ifindex;
    t.ok(await b.call('ADD', b.conf({ isGateway: true })));
    eq((await b.link(b.host, 'bridge0'))!.ifindex, before);
    await t.sh(b.host, 'ip', 'link', 'add', 'notabr', 'type', 'veth', 'peer', 'name', 'notabr-peer');
    const ctr2 = await t.netns();
    const e = t.fail(await t.exec('bridge', { command: 'ADD', containerId: 'c2', netns: ctr2.path, stdin: b.conf({ bridge: 'notabr' }) }));
    match(e.msg, /"notabr" already exists but is not a bridge/);
  }),
  br('28', 'a bridge with another IPv4 address: error without forceAddress, replaced with it', from('0.3.0'), async (t) => {
    const b = await bridgeKit(t);
    await t.sh(b.host, 'ip', 'link', 'add', 'bridge0', 'type', 'bridge');
    await t.sh(b.host, 'ip', 'addr', 'add', '10.0.0.1/8', 'dev', 'bridge0');
    const ipam = { ranges: [[{ subnet: '10.1.0.0/16', gateway: '10.1.2.3' }]] };
    const e = t.fail(await b.call('ADD', b.conf({ isGateway: true }, ipam)));
    match(e.msg, /"bridge0" already has an IP address different from 10\.1\.2\.3\/16/);
    const ctr2 = await t.netns();
    t.ok(await t.exec('bridge', { command: 'ADD', containerId: 'forced', netns: ctr2.path, stdin: b.conf({ isGateway: true, forceAddress: true }, ipam) }));
    eq(addrs(await b.link(b.host, 'bridge0')), ['10.1.2.3/16']);
  }),
  br('29', 'the bridge MAC stays put across ADD, a lower port MAC, and DEL', from('0.3.0'), async (t) => {
    const b = await bridgeKit(t);
    const conf = b.conf({ isGateway: true });
    const r = t.ok(await b.call('ADD', conf))!;
    const mac = (await b.link(b.host, 'bridge0'))!.address;
    const hostVeth = (r.interfaces as { name: string }[])[1]!.name;
    await t.sh(b.host, 'ip', 'link', 'set', hostVeth, 'address', '02:00:00:00:00:01');
    eq((await b.link(b.host, 'bridge0'))!.address, mac);
    t.ok(await b.call('DEL', conf));
    eq((await b.link(b.host, 'bridge0'))!.address, mac);
  }),
  br('30', 'container MAC precedence: runtimeConfig.mac over args.cni.mac over CNI_ARGS MAC', from('0.3.0'), async (t) => {
    const b = await bridgeKit(t);
    const conf = b.conf({ args: { cni: { mac: '02:00:00:00:07:89' } }, runtimeConfig: { mac: '02:00:00:00:00:00' } });
    const r = t.ok(await b.call('ADD', conf, { args: 'IgnoreUnknown=1;MAC=02:00:00:00:04:56' }))!;
    eq((await b.link(b.ctr.name, 'eth0'))!.address, '02:00:00:00:00:00');
    eq((r.interfaces as { mac: string }[])[2]!.mac, '02:00:00:00:00:00');
    const ctr2 = await t.netns();
    t.ok(await t.exec('bridge', { command: 'ADD', containerId: 'c2', netns: ctr2.path, args: 'IgnoreUnknown=1;MAC=02:00:00:00:04:56', stdin: b.conf({ args: { cni: { mac: '02:00:00:00:07:89' } } }) }));
    eq((await b.link(ctr2.name, 'eth0'))!.address, '02:00:00:00:07:89');
    const ctr3 = await t.netns();
    t.ok(await t.exec('bridge', { command: 'ADD', containerId: 'c3', netns: ctr3.path, args: 'IgnoreUnknown=1;MAC=02:00:00:00:04:56', stdin: b.conf() }));
    eq((await b.link(ctr3.name, 'eth0'))!.address, '02:00:00:00:04:56');
  }),
  br('31', 'mtu 1400 on a bridge it creates and on both veth ends', from('0.3.0'), async (t) => {
    const b = await bridgeKit(t);
    const r = t.ok(await b.call('ADD', b.conf({ mtu: 1400 })))!;
    eq((await b.link(b.host, 'bridge0'))!.mtu, 1400);
    eq((await b.link(b.host, (r.interfaces as { name: string }[])[1]!.name))!.mtu, 1400);
    eq((await b.link(b.ctr.name, 'eth0'))!.mtu, 1400);
  }),
  br('32', 'hairpinMode, promiscMode (not both) and portIsolation show on the bridge and its port', from('0.3.0'), async (t) => {
    const b = await bridgeKit(t);
    const r = t.ok(await b.call('ADD', b.conf({ hairpinMode: true })))!;
    const port = await b.link(b.host, (r.interfaces as { name: string }[])[1]!.name);
    eq(port?.linkinfo?.info_slave_data?.hairpin, true);
    const ctr2 = await t.netns();
    t.ok(await t.exec('bridge', { command: 'ADD', containerId: 'c2', netns: ctr2.path, stdin: b.conf({ bridge: 'bridge1', promiscMode: true }) }));
    ok((await b.link(b.host, 'bridge1'))!.flags?.includes('PROMISC'), 'bridge1 is promiscuous');
    const ctr3 = await t.netns();
    const e = t.fail(await t.exec('bridge', { command: 'ADD', containerId: 'c3', netns: ctr3.path, stdin: b.conf({ hairpinMode: true, promiscMode: true }) }));
    match(e.msg, /cannot set hairpin mode and promiscuous mode at the same time/);
    // portIsolation arrived after spec 1.1.0 support (plugins v1.5+): checked on 1.1.0-era bin dirs only.
    if (t.versions.includes('1.1.0')) {
      for (const [id, on] of [['iso1', true], ['iso0', false]] as const) {
        const ns = await t.netns();
        const ri = t.ok(await t.exec('bridge', { command: 'ADD', containerId: id, netns: ns.path, stdin: b.conf({ portIsolation: on }) }))!;
        const p = await b.link(b.host, (ri.interfaces as { name: string }[])[1]!.name);
        eq(p?.linkinfo?.info_slave_data?.isolated, on, `portIsolation ${on}`);
      }
    }
  }),
  br('33', 'L2 mode (empty ipam): no IPs, container interface up; 0.2.0 cannot convert it', ALL_VERSIONS, async (t) => {
    const b = await bridgeKit(t);
    const top = t.versions.at(-1)!;
    if (top !== '0.1.0' && top !== '0.2.0') {
      const r = t.ok(await b.call('ADD', b.conf({}, null)))!;
      eq(r.ips ?? [], []);
      ok(isUp(await b.link(b.ctr.name, 'eth0')), 'eth0 up');
      eq(addrs(await b.link(b.ctr.name, 'eth0')), []);
    }
    if (t.versions.includes('0.2.0')) {
      const ctr2 = await t.netns();
      const e = t.fail(await t.exec('bridge', { command: 'ADD', containerId: 'c020', netns: ctr2.path, stdin: { ...b.conf({}, null), cniVersion: '0.2.0' } }));
      match(e.msg, /cannot convert: no valid IP addresses/);
    }
  }),
  // disableContainerInterface arrived after spec 1.1.0 support (plugins v1.5+; not in v1.1.1).
  br('34', 'disableContainerInterface: the container end stays down; with IPAM it is an error', ['1.1.0'], async (t) => {
    const b = await bridgeKit(t);
    t.ok(await b.call('ADD', b.conf({ disableContainerInterface: true }, null)));
    ok(!isUp(await b.link(b.ctr.name, 'eth0')), 'eth0 stays down');
    const ctr2 = await t.netns();
    const e = t.fail(await t.exec('bridge', { command: 'ADD', containerId: 'c2', netns: ctr2.path, stdin: b.conf({ disableContainerInterface: true }) }));
    match(e.msg, /cannot use IPAM when DisableContainerInterface flag is set/);
  }),
  br('35b', 'vlan 100 and vlanTrunk: vlan filtering, PVID/untagged and tagged VIDs on the host port', from('0.3.0'), async (t) => {
    const b = await bridgeKit(t);
    const r = t.ok(await b.call('ADD', b.conf({ vlan: 100 })))!;
    const port = (r.interfaces as { name: string }[])[1]!.name;
    const vlans = JSON.parse(await t.sh(b.host, 'bridge', '-j', 'vlan', 'show', 'dev', port)) as { vlans: { vlan: number; flags?: string[] }[] }[];
    const v = vlans[0]!.vlans;
    ok(v.some((x) => x.vlan === 100 && x.flags?.includes('PVID') && x.flags.includes('Egress Untagged')), JSON.stringify(v));
    ok(!v.some((x) => x.vlan === 1), 'VID 1 removed (preserveDefaultVlan false)');
  }, { needs: ['vlan'] }),
  br('35a', 'vlan outside 0-4094 is refused with the reference message', from('0.3.0'), async (t) => {
    const b = await bridgeKit(t);
    for (const vlan of [5000, -100]) match(t.fail(await b.call('ADD', b.conf({ vlan }))).msg, /invalid VLAN ID/);
    eq(b.ipamFiles(), []);
  }),
  br('36', 'ipMasq (iptables): per-container chain and POSTROUTING jump with the reference names; gone after DEL', from('0.3.0'), async (t) => {
    const b = await bridgeKit(t);
    const conf = b.conf({ isGateway: true, ipMasq: true });
    t.ok(await b.call('ADD', conf));
    const chain = 'CNI-' + (await import('node:crypto')).createHash('sha512').update('testnet' + 'dummy').digest('hex').slice(0, 24);
    const nat = await t.sh(b.host, 'iptables-save', '-t', 'nat');
    const comment = '-m comment --comment "name: \\"testnet\\" id: \\"dummy\\""';
    ok(nat.includes(`-A POSTROUTING -s 10.1.2.2/32 ${comment} -j ${chain}`), nat);
    ok(nat.includes(`-A ${chain} -d 10.1.2.0/24 ${comment} -j ACCEPT`), nat);
    ok(nat.includes(`-A ${chain} ! -d 224.0.0.0/4 ${comment} -j MASQUERADE`), nat);
    t.ok(await b.call('DEL', conf));
    const after = await t.sh(b.host, 'iptables-save', '-t', 'nat');
    ok(!after.includes(chain), after);
  }),
  br('37', 'macspoofchk: bridge-family nft chains with the reference names; foreign source MACs dropped; gone after DEL', from('0.3.0'), async (t) => {
    const b = await bridgeKit(t);
    const conf = b.conf({ isGateway: true, macspoofchk: true });
    t.ok(await b.call('ADD', conf));
    const ruleset = await t.sh(b.host, 'nft', 'list', 'table', 'bridge', 'nat');
    ok(ruleset.includes('chain cni-br-iface-dummy-eth0 {') && ruleset.includes('chain cni-br-iface-dummy-eth0-mac {'), ruleset);
    ok(ruleset.includes('comment "macspoofchk-dummy-eth0"'), ruleset);
    ok(await ping(b.ctr.name, '10.1.2.1'), 'the real MAC passes');
    await t.sh(b.ctr.name, 'ip', 'link', 'set', 'eth0', 'address', '02:11:22:33:44:55');
    ok(!(await ping(b.ctr.name, '10.1.2.1')), 'a foreign source MAC is dropped');
    t.ok(await b.call('DEL', conf));
    const after = await t.sh(b.host, 'nft', 'list', 'table', 'bridge', 'nat');
    ok(!after.includes('cni-br-iface-dummy-eth0') && !after.includes('macspoofchk-dummy-eth0'), after);
  }, { needs: ['nftables'] }),
  br('38', 'ADD into a netns that already has eth0 fails and leaves no IPAM reservation', from('0.3.0'), async (t) => {
    const b = await bridgeKit(t);
    await t.sh(b.ctr.name, 'ip', 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0-peer');
    t.fail(await b.call('ADD', b.conf({ isGateway: true })));
    eq(b.ipamFiles(), []);
  }),
  br('39', 'a failure after IPAM succeeded (conflicting bridge address) releases the reservation', from('0.3.0'), async (t) => {
    const b = await bridgeKit(t);
    await t.sh(b.host, 'ip', 'link', 'add', 'bridge0', 'type', 'bridge');
    await t.sh(b.host, 'ip', 'addr', 'add', '10.0.0.1/8', 'dev', 'bridge0');
    t.fail(await b.call('ADD', b.conf({ isGateway: true })));
    eq(b.ipamFiles(), []);
  }),
  br('40', 'DEL is idempotent: twice, with a deleted netns path, and with an empty CNI_NETNS', from('0.3.0'), async (t) => {
    const b = await bridgeKit(t);
    const conf = b.conf({ isGateway: true });
    t.ok(await b.call('ADD', conf));
    t.ok(await b.call('DEL', conf));
    eq(b.ipamFiles(), []);
    t.ok(await b.call('DEL', conf));
    const gone = await t.netns();
    t.ok(await t.exec('bridge', { command: 'ADD', containerId: 'c2', netns: gone.path, stdin: conf }));
    await t.sh(b.host, 'ip', 'netns', 'delete', gone.name);
    t.ok(await t.exec('bridge', { command: 'DEL', containerId: 'c2', netns: gone.path, stdin: conf }));
    eq(b.ipamFiles(), []);
    const ctr3 = await t.netns();
    t.ok(await t.exec('bridge', { command: 'ADD', containerId: 'c3', netns: ctr3.path, stdin: conf }));
    t.ok(await t.exec('bridge', { command: 'DEL', containerId: 'c3', netns: '', stdin: conf }));
    eq(b.ipamFiles(), []);
  }),
  br('41', 'CHECK passes after ADD and fails after losing the address, the default route or the host veth', from('0.4.0'), async (t) => {
    const b = await bridgeKit(t);
    const conf = b.conf({ isDefaultGateway: true });
    const fresh = async (id: string) => {
      const ns = await t.netns();
      const r = t.ok(await t.exec('bridge', { command: 'ADD', containerId: id, netns: ns.path, stdin: conf }))!;
      const check = () => t.exec('bridge', { command: 'CHECK', containerId: id, netns: ns.path, stdin: { ...conf, prevResult: r } });
      return { ns, r, check };
    };
    const a = await fresh('chk1');
    eq((await a.check()).code, 0, 'CHECK right after ADD');
    const addr = addressesOf(a.r)[0]!.address;
    await t.sh(a.ns.name, 'ip', 'addr', 'del', addr, 'dev', 'eth0');
    t.fail(await a.check(), undefined, undefined, 'CHECK without the address');
    const c = await fresh('chk2');
    await t.sh(c.ns.name, 'ip', 'route', 'del', 'default');
    t.fail(await c.check(), undefined, undefined, 'CHECK without the default route');
    const d = await fresh('chk3');
    await t.sh(b.host, 'ip', 'link', 'del', (d.r.interfaces as { name: string }[])[1]!.name);
    t.fail(await d.check(), undefined, undefined, 'CHECK without the host veth');
    const e = await fresh('chk4');
    t.fail(await t.exec('bridge', { command: 'CHECK', containerId: 'chk4', netns: e.ns.path, stdin: conf }), undefined, 'Required prevResult missing');
  }),
  br('42', 'a dns block in the netconf replaces the IPAM dns in the result', from('0.3.0'), async (t) => {
    const b = await bridgeKit(t);
    const dns = { nameservers: ['192.0.2.53'], domain: 'conf.example', search: ['conf.example'] };
    const r = t.ok(await b.call('ADD', b.conf({ dns })))!;
    eq(r.dns, dns);
  }),
];
