// Section 5, portmap (43-51): chaining rules, the exact iptables layout (names shared with the
// Go plugin), the TCP and UDP data paths between the scenario's namespaces, options, backends
// (the nftables skeleton; our per-attachment rules are the fixed scenario F4) and CHECK.
import { createHash } from 'node:crypto';
import { deepStrictEqual as eq, ok, match } from 'node:assert/strict';
import type { Ctx } from '../harness/context.ts';
import { receiveUdp, sendUdp, serveTcp, tcpGet } from '../harness/traffic.ts';
import { from, type Scenario } from '../types.ts';
import { podNet } from './pod-kit.ts';
import { nftTable, portmapKit, prevResultFor, rulesOnly, tcp, type NftChain, type NftTable } from './portmap-kit.ts';

const pm = (id: string, title: string, versions: Scenario['versions'], run: (t: Ctx) => Promise<void>, more: Partial<Scenario> = {}): Scenario => ({
  id,
  area: 'portmap',
  title,
  plugins: ['portmap'],
  versions,
  family: 'reference',
  run,
  ...more,
});

const dnChain = (net: string, id: string): string => ('CNI-DN-' + createHash('sha512').update(net + id).digest('hex')).slice(0, 28);
const WITH_BRIDGE = { plugins: ['bridge', 'host-local', 'portmap'] };
/** Why the nftables scenarios need spec 1.1.0: it is how a bin dir without that backend is told apart. */
const NFT_REASON = "the nftables backend came with Go plugins v1.6.0, which speak spec 1.1.0; Debian's v1.1.1 has no such backend";

/**
 * The reference's skeleton of `<family> cni_hostport`, checked and returned: the table comment,
 * hostports and the legacy hostip_hostports, hostports_all jumping to both, prerouting and output
 * NAT hooks at dstnat jumping there for local destinations only, and masquerading at srcnat.
 */
async function skeleton(t: Ctx, ns: string, family: 'ip' | 'ip6'): Promise<NftTable> {
  const table = await nftTable(t, ns, family);
  ok(table, `no table ${family} cni_hostport`);
  const where = `${family} cni_hostport:\n${table.text}`;
  eq(table.comment, 'CNI portmap plugin', where);
  const chain = (name: string): NftChain => {
    const c = table.chains.get(name);
    ok(c, `no chain ${name} in ${where}`);
    return c;
  };
  for (const name of ['hostports', 'hostip_hostports', 'hostports_all']) eq(chain(name).hook, undefined, `${name} is a regular chain in ${where}`);
  eq(chain('hostports_all').rules.slice(0, 2), ['jump hostip_hostports', 'jump hostports'], where);
  // nft prints the standard priorities by name where it knows one for the hook.
  const hook = (name: string, h: string, prio: string, num: string) => ok([`type nat hook ${h} priority ${prio}`, `type nat hook ${h} priority ${num}`].includes(chain(name).hook ?? ''), `${name}: ${chain(name).hook} in ${where}`);
  hook('prerouting', 'prerouting', 'dstnat', '-100');
  hook('output', 'output', 'dstnat', '-100');
  hook('masquerading', 'postrouting', 'srcnat', '100');
  for (const name of ['prerouting', 'output']) eq(chain(name).rules, ['fib daddr type local jump hostports_all'], `${name} in ${where}`);
  eq(chain('hostip_hostports').rules, [], `hostip_hostports stays empty in ${where}`);
  return table;
}

export const portmapScenarios: Scenario[] = [
  pm('43', 'ADD needs a prevResult; with no mappings it returns prevResult and touches no rule', from('0.3.0'), async (t) => {
    const p = await portmapKit(t);
    t.fail(await p.call('ADD', p.conf([tcp(8080, 80)], {}, null)), undefined, 'must be called as chained plugin');
    const before = rulesOnly(await p.nat());
    const conf = p.conf([]);
    const r = t.ok(await p.call('ADD', conf))!;
    // Older Go libraries print an empty "dns": {} in 1.0.0 results; it means no dns.
    const noEmptyDns = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k, v]) => !(k === 'dns' && JSON.stringify(v) === '{}')));
    eq(noEmptyDns(r), noEmptyDns(conf.prevResult as Record<string, unknown>));
    eq(rulesOnly(await p.nat()), before);
  }),
  pm('44', 'iptables layout of {8080->80/tcp}; DEL removes the container chain and keeps the shared ones', from('0.3.0'), async (t) => {
    const p = await portmapKit(t);
    const conf = p.conf([tcp(8080, 80)]);
    t.ok(await p.call('ADD', conf));
    const dn = dnChain('testnet', 'dummy');
    const nat = await p.nat();
    for (const rule of [
      '-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
      '-A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
      '-A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ',
      `-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"testnet\\" id: \\"dummy\\"" -m multiport --dports 8080 -j ${dn}`,
      `-A ${dn} -s 10.0.0.0/24 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK`,
      `-A ${dn} -s 127.0.0.1/32 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK`,
      `-A ${dn} -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.0.0.2:80`,
      '-A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE',
      '-A CNI-HOSTPORT-SETMARK -m comment --comment "CNI portfwd masquerade mark" -j MARK --set-xmark 0x2000/0x2000',
    ]) {
      ok(nat.includes(`${rule}\n`), `missing: ${rule}\n${nat}`);
    }
    eq(nat.indexOf('-A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade"') < nat.indexOf('-A POSTROUTING'), false);
    const beforeNoMappings = rulesOnly(await p.nat());
    t.ok(await p.call('DEL', p.conf(undefined)));
    eq(rulesOnly(await p.nat()), beforeNoMappings, 'a DEL without portMappings changes nothing');
    t.ok(await p.call('DEL', conf));
    const after = await p.nat();
    ok(!after.includes(dn), `the container chain and its jump are gone:\n${after}`);
    for (const chain of ['CNI-HOSTPORT-DNAT', 'CNI-HOSTPORT-SETMARK', 'CNI-HOSTPORT-MASQ']) ok(after.includes(`:${chain} `), `${chain} stays`);
  }),
  pm('45', 'TCP: from outside to hostIP:hostPort, from the host to 127.0.0.1:hostPort, hairpin, and direct', from('0.3.0'), async (t) => {
    const net = await podNet(t);
    const pod = await net.add('web', [tcp(8080, 80)]);
    const server = await serveTcp(pod.ctr.name, 80, 'hello');
    t.defer(() => server.stop());
    eq(await tcpGet(net.client, net.hostIP, 8080), 'hello', 'outside -> hostIP:8080');
    eq(await tcpGet(net.host, '127.0.0.1', 8080), 'hello', 'host -> 127.0.0.1:8080');
    eq(await t.sysctl(net.host, 'net/ipv4/conf/cni-pod0/route_localnet'), '1');
    eq(await tcpGet(pod.ctr.name, net.hostIP, 8080), 'hello', 'hairpin: the container -> hostIP:8080');
    eq(await tcpGet(net.host, '10.1.2.2', 80), 'hello', 'direct container access');
    await pod.del();
    eq(await tcpGet(net.client, net.hostIP, 8080, 1), undefined, 'nothing is forwarded after DEL');
  }, WITH_BRIDGE),
  pm('46', 'UDP: forwarded; after DEL of A and ADD of B on the same hostPort, the same flow reaches B', from('0.3.0'), async (t) => {
    const net = await podNet(t);
    const a = await net.add('udpa', [{ hostPort: 5300, containerPort: 53, protocol: 'udp' }]);
    const ra = await receiveUdp(a.ctr.name, 53);
    t.defer(() => ra.stop());
    await sendUdp(net.client, net.hostIP, 5300, 'to-a', 40000);
    eq((await ra.output).trim(), 'to-a');
    await a.del();
    const b = await net.add('udpb', [{ hostPort: 5300, containerPort: 53, protocol: 'udp' }]);
    const rb = await receiveUdp(b.ctr.name, 53);
    t.defer(() => rb.stop());
    await sendUdp(net.client, net.hostIP, 5300, 'to-b', 40000);
    eq((await rb.output).trim(), 'to-b', 'the stale conntrack entry was flushed on ADD');
  }, WITH_BRIDGE),
  pm('47', 'hostIP: a specific address gives -d, 0.0.0.0 means all, a v6 hostIP is skipped for a v4 container', from('0.3.0'), async (t) => {
    const p = await portmapKit(t);
    t.ok(await p.call('ADD', p.conf([tcp(8081, 81, '192.168.0.2'), tcp(8082, 82, '0.0.0.0'), tcp(8083, 83, '2001:db8::5')])));
    const dn = dnChain('testnet', 'dummy');
    const rules = (await p.nat()).split('\n').filter((l) => l.startsWith(`-A ${dn} `));
    ok(rules.includes(`-A ${dn} -d 192.168.0.2/32 -p tcp -m tcp --dport 8081 -j DNAT --to-destination 10.0.0.2:81`), rules.join('\n'));
    ok(rules.includes(`-A ${dn} -p tcp -m tcp --dport 8082 -j DNAT --to-destination 10.0.0.2:82`), rules.join('\n'));
    ok(!rules.some((r) => r.includes('8083')), rules.join('\n'));
  }),
  pm('48', 'snat:false, markMasqBit and externalSetMarkChain, and their errors', from('0.3.0'), async (t) => {
    const p = await portmapKit(t);
    t.ok(await p.call('ADD', p.conf([tcp(8080, 80)], { snat: false }), { containerId: 'nosnat' }));
    const nosnat = (await p.nat()).split('\n').filter((l) => l.startsWith(`-A ${dnChain('testnet', 'nosnat')} `));
    ok(nosnat.length === 1 && nosnat[0]!.includes('-j DNAT'), nosnat.join('\n'));
    t.ok(await p.call('ADD', p.conf([tcp(8090, 90)], { markMasqBit: 5 }), { containerId: 'bit5' }));
    ok((await p.nat()).includes('-j MARK --set-xmark 0x20/0x20'), 'SETMARK with bit 5');
    match(t.fail(await p.call('ADD', p.conf([tcp(8091, 91)], { markMasqBit: 32 }), { containerId: 'bit32' })).msg, /MasqMarkBit must be between 0 and 31/);
    match(t.fail(await p.call('ADD', p.conf([tcp(8092, 92)], { markMasqBit: 5, externalSetMarkChain: 'X' }), { containerId: 'both' })).msg, /Cannot specify externalSetMarkChain and markMasqBit/);
    await t.sh(p.host, 'iptables', '-t', 'nat', '-N', 'EXT-MARK');
    t.ok(await p.call('ADD', p.conf([tcp(8093, 93)], { name: 'extnet', externalSetMarkChain: 'EXT-MARK' }), { containerId: 'ext' }));
    const ext = (await p.nat()).split('\n').filter((l) => l.startsWith(`-A ${dnChain('extnet', 'ext')} `));
    ok(ext.some((r) => r.endsWith('-j EXT-MARK')) && !ext.some((r) => r.includes('CNI-HOSTPORT-SETMARK')), ext.join('\n'));
  }),
  pm('49', '16 tcp ports make two multiport entry rules (15 + 1); hostPort 0 is refused', from('0.3.0'), async (t) => {
    const p = await portmapKit(t);
    const ports = Array.from({ length: 16 }, (_, i) => tcp(9000 + i, 80 + i));
    t.ok(await p.call('ADD', p.conf(ports)));
    const entries = (await p.nat()).split('\n').filter((l) => l.startsWith('-A CNI-HOSTPORT-DNAT ') && l.includes('multiport'));
    eq(entries.length, 2, entries.join('\n'));
    ok(entries[0]!.includes(`--dports ${ports.slice(0, 15).map((m) => m.hostPort).join(',')} `), entries[0]);
    ok(entries[1]!.includes('--dports 9015 '), entries[1]);
    t.fail(await p.call('ADD', p.conf([tcp(0, 80)]), { containerId: 'zero' }), undefined, /Invalid host port number: 0$/);
  }),
  // 50 is split: what the Go nftables backend (plugins v1.6.0 and later) does and we match is here
  // (option errors, the tables and base chains, the skeleton after DEL, masqAll); where its
  // per-container rules go is our fixed scenario F4.
  pm('50a', 'backend selection: options of the other backend are refused, listed', ['1.1.0'], async (t) => {
    const p = await portmapKit(t);
    // The message lists the options present, as the reference's own tests set them.
    const iptOpts = { externalSetMarkChain: 'KUBE-MARK-MASQ', conditionsV4: ['-s', '1.2.3.4'], conditionsV6: ['-s', '12::34'] };
    match(t.fail(await p.call('ADD', p.conf([tcp(8080, 80)], { backend: 'nftables', ...iptOpts }))).msg, /nftables backend was requested but configuration contains iptables-specific options \[externalSetMarkChain conditionsV4 conditionsV6\]$/);
    const nftOpts = { conditionsV4: ['ip', 'saddr', '1.2.3.4'], conditionsV6: ['ip6', 'saddr', '12::34'] };
    match(t.fail(await p.call('ADD', p.conf([tcp(8080, 80)], { backend: 'iptables', ...nftOpts }))).msg, /iptables backend was requested but configuration contains nftables-specific options \[conditionsV4 conditionsV6\]$/);
    match(t.fail(await p.call('ADD', p.conf([tcp(8080, 80)], nftOpts))).msg, /iptables backend was requested but configuration contains nftables-specific options \[conditionsV4 conditionsV6\]$/, 'no backend means iptables');
  }, { reason: NFT_REASON }),
  pm('50b', 'nftables: ip and ip6 cni_hostport tables, base chains, fib-local jumps and DNAT statements; DEL leaves only the skeleton', ['1.1.0'], async (t) => {
    const p = await portmapKit(t);
    await t.sh(p.host, 'ip', '-6', 'addr', 'add', '2001:db8::1/64', 'dev', 'cni-fake0', 'nodad');
    const prev = {
      ...prevResultFor(t.version, p.ctrPath),
      ips: [
        { address: '10.0.0.2/24', gateway: '10.0.0.1', interface: 0 },
        { address: '2001:db8::2/64', gateway: '2001:db8::1', interface: 0 },
      ],
    };
    const conf = p.conf([tcp(8080, 80), tcp(8083, 83, '192.168.0.2'), tcp(8084, 84, '2001:db8::5')], { backend: 'nftables' }, prev);
    t.ok(await p.call('ADD', conf));
    // The DNAT statements of each family (where they live is F4's business), with the hostIP of the other family skipped.
    const dnats: Record<'ip' | 'ip6', { want: string[]; not: string[] }> = {
      ip: { want: ['tcp dport 8080 dnat to 10.0.0.2:80', 'ip daddr 192.168.0.2 tcp dport 8083 dnat to 10.0.0.2:83'], not: ['8084'] },
      ip6: { want: ['tcp dport 8080 dnat to [2001:db8::2]:80', 'ip6 daddr 2001:db8::5 tcp dport 8084 dnat to [2001:db8::2]:84'], not: ['8083'] },
    };
    for (const fam of ['ip', 'ip6'] as const) {
      const table = await skeleton(t, p.host, fam);
      const rules = [...table.chains.values()].flatMap((c) => c.rules);
      for (const want of dnats[fam].want) ok(rules.some((r) => r === want || r.startsWith(`${want} comment `)), `${fam}: no rule ${want}:\n${table.text}`);
      for (const port of dnats[fam].not) ok(!rules.some((r) => r.includes(`dport ${port} `)), `${fam}: port ${port} is of the other family:\n${table.text}`);
    }
    t.ok(await p.call('DEL', conf));
    for (const fam of ['ip', 'ip6'] as const) {
      const table = await skeleton(t, p.host, fam);
      for (const name of ['hostports', 'hostip_hostports', 'masquerading']) eq(table.chains.get(name)!.rules, [], `${fam} ${name} is empty after DEL`);
      for (const gone of ['"dummy"', '10.0.0.2', '2001:db8::2', 'dport 80']) ok(!table.text.includes(gone), `${fam}: ${gone} is left after DEL:\n${table.text}`);
    }
  }, { reason: NFT_REASON, needs: ['nftables', 'ipv6'] }),
  pm('50c', 'nftables masqAll: a connection from outside reaches the container masqueraded, without it with its own source', ['1.1.0'], async (t) => {
    const net = await podNet(t);
    const plain = await net.add('plain', [tcp(8080, 80)], { backend: 'nftables' });
    const all = await net.add('all', [tcp(8081, 80)], { backend: 'nftables', masqAll: true });
    for (const pod of [plain, all]) {
      const server = await serveTcp(pod.ctr.name, 80, 'from {peer}');
      t.defer(() => server.stop());
    }
    eq(await tcpGet(net.client, net.hostIP, 8080), 'from 198.51.100.2', 'without masqAll the container sees the client');
    eq(await tcpGet(net.client, net.hostIP, 8081), 'from 10.1.2.1', 'with masqAll the container sees the bridge address');
    await all.del();
    await plain.del();
    eq(await tcpGet(net.client, net.hostIP, 8081, 1), undefined, 'nothing is forwarded after DEL');
  }, { ...WITH_BRIDGE, reason: NFT_REASON, needs: ['nftables'] }),
  pm('51a', 'CHECK fails without a prevResult and after a DNAT rule is deleted', from('0.4.0'), async (t) => {
    const p = await portmapKit(t);
    const conf = p.conf([tcp(8080, 80)]);
    t.ok(await p.call('ADD', conf));
    t.fail(await p.call('CHECK', p.conf([tcp(8080, 80)], {}, null)), undefined, 'Required prevResult missing');
    const dn = dnChain('testnet', 'dummy');
    await t.sh(p.host, 'iptables', '-t', 'nat', '-D', dn, '-p', 'tcp', '-m', 'tcp', '--dport', '8080', '-j', 'DNAT', '--to-destination', '10.0.0.2:80');
    t.fail(await p.call('CHECK', conf));
  }),
  // Plugins v1.1.1 (Debian's) also checks the v4 chain through ip6tables and so fails every CHECK
  // of a v4 container; fixed upstream with the backend rewrite, which came with spec 1.1.0.
  pm('51b', 'CHECK passes right after ADD', ['1.1.0'], async (t) => {
    const p = await portmapKit(t);
    const conf = p.conf([tcp(8080, 80)]);
    t.ok(await p.call('ADD', conf));
    eq((await p.call('CHECK', conf)).code, 0);
  }),
];
