// Fixed scenarios: where cni-ts deliberately differs from the reference plugins (a reference bug
// fixed), each with the reason beside it. They run on any bin dir; the Go plugins fail them.
import { deepStrictEqual as eq, ok } from 'node:assert/strict';
import type { Ctx } from '../harness/context.ts';
import { serveTcp, tcpGet } from '../harness/traffic.ts';
import { from, type Scenario } from '../types.ts';
import { bridgeKit } from './bridge-kit.ts';
import { hostLocal, v4 } from './host-local-kit.ts';
import { loKit } from './loopback-kit.ts';
import { podNet } from './pod-kit.ts';
import { nftTable, tcp, type NftTable } from './portmap-kit.ts';

const fixed = (id: string, area: Scenario['area'], title: string, plugins: string[], versions: Scenario['versions'], reason: string, run: (t: Ctx) => Promise<void>, more: Partial<Scenario> = {}): Scenario => ({
  id,
  area,
  title,
  plugins,
  versions,
  family: 'fixed',
  reason,
  run,
  ...more,
});

/** The chains of the table other than the reference's skeleton that hold a rule containing `text`. */
const chainsWith = (table: NftTable, text: string): string[] =>
  [...table.chains].filter(([name, c]) => !SKELETON.has(name) && c.rules.some((r) => r.includes(text))).map(([name]) => name);
const SKELETON = new Set(['hostports', 'hostip_hostports', 'hostports_all', 'prerouting', 'output', 'masquerading']);

export const fixedScenarios: Scenario[] = [
  fixed('F1', 'bridge', 'CHECK of an L2 bridge (no IPAM) passes after ADD', ['bridge'], from('0.4.0'),
    'the reference CHECK delegates to an empty IPAM type and always fails with "no plugin name provided" (REFERENCE-PLUGINS 2.4, multus#419)',
    async (t) => {
      const b = await bridgeKit(t);
      const conf = b.conf({}, null);
      const r = t.ok(await b.call('ADD', conf))!;
      eq((await b.call('CHECK', { ...conf, prevResult: r })).code, 0);
    }),
  fixed('F2', 'host-local', 'GC releases every reservation whose attachment is not valid, keeps the valid ones', ['host-local'], ['1.1.0'],
    'the reference host-local does not implement GC (plugins#1047): leaked IPs are never reclaimed',
    async (t) => {
      const h = await hostLocal(t);
      const conf = h.conf({ ranges: [v4('10.1.2.0/24')] });
      for (const id of ['keep', 'stale']) t.ok(await h.call('ADD', conf, { containerId: id }));
      const gc = { ...conf, 'cni.dev/valid-attachments': [{ containerID: 'keep', ifname: 'eth0' }], 'cni.dev/attachments': [{ containerID: 'keep', ifname: 'eth0' }] };
      t.ok(await t.exec('host-local', { command: 'GC', containerId: null, ifname: null, stdin: gc }));
      eq(h.files().filter((f) => f.startsWith('10.')), ['10.1.2.2']);
      eq(h.read('10.1.2.2'), 'keep\r\neth0');
    }),
  fixed('F3', 'bridge', 'DEL with an empty CNI_NETNS still removes the ipMasq rules (from prevResult)', ['bridge', 'host-local'], from('0.4.0'),
    'the reference skips ipMasq teardown when CNI_NETNS is empty, so nerdctl/ctr leak the CNI-* chain (plugins#810)',
    async (t) => {
      const b = await bridgeKit(t);
      const conf = b.conf({ isGateway: true, ipMasq: true });
      const r = t.ok(await b.call('ADD', conf))!;
      t.ok(await b.call('DEL', { ...conf, prevResult: r }, { netns: '' }));
      const nat = await t.sh(b.host, 'iptables-save', '-t', 'nat');
      ok(!nat.includes('id: \\"dummy\\"'), nat);
      eq(b.ipamFiles(), []);
    }),
  fixed('F4', 'portmap', 'nftables: mappings are per (network, container, ifname), found through verdict maps; a DEL on another network keeps them working', ['bridge', 'host-local', 'portmap'], ['1.1.0'],
    'the Go nftables backend (plugins v1.6.0+) tags each rule of the shared hostports/masquerading chains with the bare container ID, so a DEL of ' +
      'the container on one network also removes its mappings on every other network, and it rewrites the shared prerouting/output jumps with ' +
      "the last caller's conditionsV4/V6, which then apply to every network (REFERENCE-PLUGINS 4.4). Ours keeps its tables, base chains and " +
      'fib-local hooks but gives each attachment its own chains (its conditions inside them), reached through verdict maps keyed by ' +
      'protocol . port, so ADD, DEL and the packet path cost the same with a thousand containers mapped (issue 5). Consequence: nft mappings of ' +
      'ours and of the Go nft backend cannot clean up each other; the iptables layout stays bit-identical and interoperable',
    async (t) => {
      const net = await podNet(t);
      const nft = { backend: 'nftables' };
      const pod = await net.add('web', [tcp(8080, 80)], nft);
      const server = await serveTcp(pod.ctr.name, 80, 'hello');
      t.defer(() => server.stop());
      eq(await tcpGet(net.client, net.hostIP, 8080), 'hello', 'the mapping works');
      const table = async (): Promise<NftTable> => {
        const tb = await nftTable(t, net.host);
        ok(tb, 'no table ip cni_hostport');
        return tb;
      };

      // Rules: the shared hostports chain holds nothing; the mapping is a chain of this attachment,
      // named in its comment, reached from hostports_all by one lookup keyed by protocol . port.
      let tb = await table();
      eq(tb.chains.get('hostports')?.rules, [], `no per-container rule in hostports:\n${tb.text}`);
      const mine = chainsWith(tb, 'tcp dport 8080 dnat to 10.1.2.2:80');
      eq(mine.length, 1, `one chain of this attachment holds its DNAT:\n${tb.text}`);
      const dn = mine[0]!;
      for (const part of ['podnet', 'eth0', 'web']) ok(tb.chains.get(dn)!.comment?.includes(part), `${dn}'s comment names ${part}:\n${tb.text}`);
      ok(tb.chains.get('hostports_all')!.rules.some((r) => / th dport vmap @\S+$/.test(r)), `hostports_all looks up protocol . port in a verdict map:\n${tb.text}`);
      ok(tb.text.includes(`tcp . 8080 : goto ${dn}`), `the key tcp . 8080 sends to ${dn}:\n${tb.text}`);

      // The same container on a second network (eth1), with conditions that exclude the client.
      const dataDir = t.tmpdir();
      const other = { cniVersion: t.version, name: 'othernet', type: 'bridge', bridge: 'cni-pod1', isGateway: true, ipam: { type: 'host-local', dataDir, ranges: [[{ subnet: '10.1.3.0/24' }]] } };
      const on1 = { containerId: 'web', netns: pod.ctr.path, ifname: 'eth1' };
      const r1 = t.ok(await t.exec('bridge', { command: 'ADD', stdin: other, ...on1 }), 'bridge ADD on othernet')!;
      const pm1 = net.portmapConf([tcp(8081, 80)], r1, { ...nft, name: 'othernet', conditionsV4: ['ip', 'saddr', '192.0.2.1'] });
      t.ok(await t.exec('portmap', { command: 'ADD', stdin: pm1, ...on1 }), 'portmap ADD on othernet');
      eq(await tcpGet(net.client, net.hostIP, 8080), 'hello', "othernet's conditions do not apply to podnet's mapping");
      eq(await tcpGet(net.client, net.hostIP, 8081, 1), undefined, "othernet's conditions apply to its own mapping");
      tb = await table();
      for (const hook of ['prerouting', 'output']) eq(tb.chains.get(hook)?.rules, ['fib daddr type local jump hostports_all'], `no conditions in the shared ${hook}:\n${tb.text}`);
      const theirs = chainsWith(tb, 'ip saddr 192.0.2.1 tcp dport 8081 dnat to 10.1.3.2:80');
      eq(theirs.length, 1, `othernet's DNAT, with its conditions, in a chain of its own:\n${tb.text}`);
      ok(theirs[0] !== dn && ['othernet', 'eth1', 'web'].every((part) => tb.chains.get(theirs[0]!)!.comment?.includes(part)), tb.text);

      // DEL of the same container ID on othernet removes only othernet's mapping.
      t.ok(await t.exec('portmap', { command: 'DEL', stdin: pm1, ...on1 }), 'portmap DEL on othernet');
      t.ok(await t.exec('bridge', { command: 'DEL', stdin: { ...other, prevResult: r1 }, ...on1 }), 'bridge DEL on othernet');
      eq(await tcpGet(net.client, net.hostIP, 8080), 'hello', "podnet's mapping still works after the DEL on othernet");
      tb = await table();
      eq(chainsWith(tb, 'dport 8081'), [], `othernet's chain is gone:\n${tb.text}`);
      eq(chainsWith(tb, 'tcp dport 8080 dnat to 10.1.2.2:80'), [dn], `podnet's chain stays:\n${tb.text}`);
      ok(tb.text.includes(`tcp . 8080 : goto ${dn}`), `podnet's key stays:\n${tb.text}`);

      await pod.del();
      eq(await tcpGet(net.client, net.hostIP, 8080, 1), undefined, 'nothing is forwarded after the last DEL');
      tb = await table();
      ok(!tb.chains.has(dn) && !tb.text.includes('10.1.2.2'), `nothing of web is left:\n${tb.text}`);
    },
    { needs: ['nftables'] }),
  fixed('F5', 'loopback', 'ADD below 1.0.0 answers in that version\'s result layout', ['loopback'], ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0'],
    'the reference builds its result as the current type labelled with the config\'s version, so the conversion is skipped and a 0.2.0 config ' +
      'gets "interfaces"/"ips" instead of ip4/ip6 (a 0.2.0 runtime reads no address) and 0.3.x/0.4.0 ips lack their "version"',
    async (t) => {
      for (const v of t.versions) {
        const k = await loKit(t);
        const r = t.ok(await k.call('ADD', k.conf({}, v)), `ADD ${v}`)!;
        if (v === '0.1.0' || v === '0.2.0') eq(r, { cniVersion: v, ip4: { ip: '127.0.0.1/8' }, ip6: { ip: '::1/128' }, dns: {} }, v);
        else eq((r.ips as { version: string }[]).map((ip) => ip.version), ['4', '6'], v);
      }
    },
    { needs: ['ipv6'] }),
  fixed('F6', 'loopback', 'CHECK: a lo that is down or lacks an address ADD reported is code 102', ['loopback'], from('0.4.0'),
    'the reference answers 999 (internal) for a down lo and looks at no address, so a lo stripped of 127.0.0.1 passes its CHECK',
    async (t) => {
      const k = await loKit(t);
      const conf = k.conf();
      const r = t.ok(await k.call('ADD', conf));
      await t.sh(k.ns.name, 'ip', 'addr', 'del', '127.0.0.1/8', 'dev', 'lo');
      t.fail(await k.call('CHECK', { ...conf, prevResult: r }), 102, 'loopback interface lacks address 127.0.0.1/8');
      t.ok(await k.call('DEL', conf));
      t.fail(await k.call('CHECK', { ...conf, prevResult: r }), 102, 'loopback interface is down');
    }),
  fixed('F7', 'loopback', 'a refused ADD leaves lo down as it found it', ['loopback'], from('0.1.0'),
    'the reference brings lo up before it finds the non-loopback address it refuses, and leaves it up',
    async (t) => {
      const k = await loKit(t);
      await t.sh(k.ns.name, 'ip', 'addr', 'add', '192.0.2.7/32', 'dev', 'lo');
      t.fail(await k.call('ADD', k.conf()));
      eq((await k.lo()).up, false);
    }),
];
