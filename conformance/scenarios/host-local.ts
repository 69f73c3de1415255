// Section 5, host-local (9-23): allocation, the on-disk store (byte-compatible with the Go
// plugin's), DEL and CHECK, requested IPs, config errors, concurrency.
import { deepStrictEqual as eq, ok, match } from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Ctx } from '../harness/context.ts';
import { ALL_VERSIONS, from, type Scenario } from '../types.ts';
import { hostLocal, v4 } from './host-local-kit.ts';
import { addressesOf, ipOnly } from './results.ts';

const hl = (id: string, title: string, versions: Scenario['versions'], run: (t: Ctx) => Promise<void>): Scenario => ({
  id,
  area: 'host-local',
  title,
  plugins: ['host-local'],
  versions,
  family: 'reference',
  run,
});

const DUAL = { ranges: [[{ subnet: '10.1.2.0/24' }], [{ subnet: '2001:db8:1::/64' }]] };

export const hostLocalScenarios: Scenario[] = [
  hl('9', 'dual-stack ADD gives .2 and ::2 with gateways; files and last_reserved_ip as the reference writes them', ALL_VERSIONS, async (t) => {
    const h = await hostLocal(t);
    const conf = h.conf(DUAL);
    const r = t.ok(await h.call('ADD', conf))!;
    eq(addressesOf(r), [
      { address: '10.1.2.2/24', gateway: '10.1.2.1' },
      { address: '2001:db8:1::2/64', gateway: '2001:db8:1::1' },
    ]);
    eq(h.files(), ['10.1.2.2', '2001:db8:1::2', 'last_reserved_ip.0', 'last_reserved_ip.1']);
    eq(h.read('10.1.2.2'), 'dummy\r\neth0');
    eq(h.read('2001:db8:1::2'), 'dummy\r\neth0');
    eq(h.read('last_reserved_ip.0'), '10.1.2.2');
    eq(h.read('last_reserved_ip.1'), '2001:db8:1::2');
    t.ok(await h.call('DEL', conf));
    eq(h.files(), ['last_reserved_ip.0', 'last_reserved_ip.1']);
  }),
  hl('10', 'routes come back verbatim and resolvConf becomes the result dns', from('0.3.0'), async (t) => {
    const h = await hostLocal(t);
    const resolv = join(t.tmpdir(), 'resolv.conf');
    writeFileSync(resolv, '# comment\nnameserver 192.0.2.53\nnameserver 192.0.2.54 extra\ndomain example.com\nsearch a.example b.example\noptions ndots:2 edns0\n; other comment\n');
    const routes = [{ dst: '0.0.0.0/0' }, { dst: '192.168.0.0/16', gw: '10.1.2.254' }];
    const r = t.ok(await h.call('ADD', h.conf({ ranges: [v4('10.1.2.0/24')], routes, resolvConf: resolv })))!;
    eq(r.routes, routes);
    eq(r.dns, { nameservers: ['192.0.2.53', '192.0.2.54'], domain: 'example.com', search: ['a.example', 'b.example'], options: ['ndots:2', 'edns0'] });
  }),
  hl('11', 'one container on two networks (eth0, eth1): independent files; DEL eth0 keeps eth1', ALL_VERSIONS, async (t) => {
    const h = await hostLocal(t);
    const a = h.conf({ ranges: [v4('10.1.2.0/24')] }, {}, 'neta');
    const b = h.conf({ ranges: [v4('10.1.3.0/24')] }, {}, 'netb');
    t.ok(await h.call('ADD', a, { ifname: 'eth0' }));
    t.ok(await h.call('ADD', b, { ifname: 'eth1' }));
    eq(h.read('10.1.2.2', 'neta'), 'dummy\r\neth0');
    eq(h.read('10.1.3.2', 'netb'), 'dummy\r\neth1');
    t.ok(await h.call('DEL', a, { ifname: 'eth0' }));
    eq(h.read('10.1.2.2', 'neta'), undefined);
    eq(h.read('10.1.3.2', 'netb'), 'dummy\r\neth1');
  }),
  hl('12', 'a second ADD of the same (id, ifname) is refused; another id gets .3', ALL_VERSIONS, async (t) => {
    const h = await hostLocal(t);
    const conf = h.conf({ ranges: [v4('10.1.2.0/24')] });
    t.ok(await h.call('ADD', conf));
    const e = t.fail(await h.call('ADD', conf));
    match(e.msg, /10\.1\.2\.2 has been allocated to dummy, duplicate allocation is not allowed/);
    eq(addressesOf(t.ok(await h.call('ADD', conf, { containerId: 'other' })))[0]!.address, '10.1.2.3/24');
  }),
  hl('13', 'DEL of an unknown container succeeds, and so does a second DEL', ALL_VERSIONS, async (t) => {
    const h = await hostLocal(t);
    const conf = h.conf({ ranges: [v4('10.1.2.0/24')] });
    t.ok(await h.call('DEL', conf, { containerId: 'never-added' }));
    t.ok(await h.call('ADD', conf));
    t.ok(await h.call('DEL', conf));
    t.ok(await h.call('DEL', conf));
    eq(h.files(), ['last_reserved_ip.0']);
  }),
  hl('14', 'a legacy file holding only the container id is released by DEL', ALL_VERSIONS, async (t) => {
    const h = await hostLocal(t);
    mkdirSync(join(h.dataDir, 'mynet'), { recursive: true });
    writeFileSync(join(h.dataDir, 'mynet', '10.1.2.2'), 'dummy');
    t.ok(await h.call('DEL', h.conf({ ranges: [v4('10.1.2.0/24')] })));
    eq(h.files(), []);
  }),
  hl('15', 'allocation is round-robin: after DEL of .2 the next ADD gets .3', ALL_VERSIONS, async (t) => {
    const h = await hostLocal(t);
    const conf = h.conf({ ranges: [v4('10.1.2.0/24')] });
    eq(addressesOf(t.ok(await h.call('ADD', conf, { containerId: 'a' })))[0]!.address, '10.1.2.2/24');
    t.ok(await h.call('DEL', conf, { containerId: 'a' }));
    eq(addressesOf(t.ok(await h.call('ADD', conf, { containerId: 'b' })))[0]!.address, '10.1.2.3/24');
  }),
  hl('16', 'a /29 hands out .2-.6, then fails with the reference message; a DEL frees one', ALL_VERSIONS, async (t) => {
    const h = await hostLocal(t);
    const conf = h.conf({ ranges: [v4('10.0.0.0/29')] });
    const got: string[] = [];
    for (let i = 0; i < 5; i++) got.push(addressesOf(t.ok(await h.call('ADD', conf, { containerId: `c${i}` })))[0]!.address);
    eq(got, ['10.0.0.2/29', '10.0.0.3/29', '10.0.0.4/29', '10.0.0.5/29', '10.0.0.6/29']);
    const e = t.fail(await h.call('ADD', conf, { containerId: 'c5' }));
    eq(e.msg, 'failed to allocate for range 0: no IP addresses available in range set: 10.0.0.1-10.0.0.6');
    t.ok(await h.call('DEL', conf, { containerId: 'c2' }));
    eq(addressesOf(t.ok(await h.call('ADD', conf, { containerId: 'c5' })))[0]!.address, '10.0.0.4/29');
  }),
  hl('17', 'gateway .254 without rangeStart: .1 is handed out and .254 never', ALL_VERSIONS, async (t) => {
    const h = await hostLocal(t);
    const conf = h.conf({ ranges: [v4('10.0.0.0/29', { gateway: '10.0.0.6' })] });
    const got: string[] = [];
    for (let i = 0; i < 5; i++) got.push(ipOnly(addressesOf(t.ok(await h.call('ADD', conf, { containerId: `c${i}` })))[0]!.address));
    eq(got, ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5']);
    t.fail(await h.call('ADD', conf, { containerId: 'c6' }));
  }),
  hl('18', 'requested IPs: CNI_ARGS IP, args.cni.ips, runtimeConfig.ips, and their errors', from('0.3.0'), async (t) => {
    const h = await hostLocal(t);
    const conf = h.conf({ ranges: [v4('10.1.2.0/24')] });
    eq(addressesOf(t.ok(await h.call('ADD', conf, { args: 'IgnoreUnknown=1;IP=10.1.2.88' })))[0]!.address, '10.1.2.88/24');
    const taken = t.fail(await h.call('ADD', conf, { containerId: 'other', args: 'IgnoreUnknown=1;IP=10.1.2.88' }));
    match(taken.msg, /requested IP address 10\.1\.2\.88 is not available/);
    match(t.fail(await h.call('ADD', conf, { containerId: 'gw', args: 'IP=10.1.2.1' })).msg, /requested ip 10\.1\.2\.1 is subnet's gateway/);
    match(t.fail(await h.call('ADD', conf, { containerId: 'out', args: 'IP=10.9.9.9' })).msg, /failed to allocate all requested IPs: 10\.9\.9\.9/);
    const dual = h.conf({ ranges: [v4('10.1.3.0/24'), ], }, {}, 'dual');
    const dualConf = { ...dual, ipam: { ...(dual.ipam as object), ranges: [[{ subnet: '10.1.3.0/24' }], [{ subnet: '2001:db8:3::/64' }]] } };
    const viaArgs = t.ok(await h.call('ADD', { ...dualConf, args: { cni: { ips: ['10.1.3.7', '2001:db8:3::7'] } } }, { containerId: 'args' }));
    eq(addressesOf(viaArgs).map((a) => a.address), ['10.1.3.7/24', '2001:db8:3::7/64']);
    const viaRuntime = t.ok(await h.call('ADD', { ...dualConf, runtimeConfig: { ips: ['10.1.3.8', '2001:db8:3::8'] } }, { containerId: 'rt' }));
    eq(addressesOf(viaRuntime).map((a) => a.address), ['10.1.3.8/24', '2001:db8:3::8/64']);
    const two = t.fail(await h.call('ADD', { ...conf, args: { cni: { ips: ['10.1.2.30', '10.1.2.31'] } } }, { containerId: 'two' }));
    ok(two.msg.startsWith('failed to allocate all requested IPs: 10.1.2.'), two.msg);
  }),
  hl('19', 'unknown CNI_ARGS keys without IgnoreUnknown are refused', ALL_VERSIONS, async (t) => {
    const h = await hostLocal(t);
    const e = t.fail(await h.call('ADD', h.conf({ ranges: [v4('10.1.2.0/24')] }), { args: 'K8S_POD_NAME=x' }));
    match(e.msg, /ARGS: unknown args/);
    eq(h.files(), []);
  }),
  hl('20', 'config errors: host bits, /31, rangeStart outside, overlapping sets, mixed families, 0.2.0 with two v4 sets, no ipam, no ranges', from('0.3.0'), async (t) => {
    const h = await hostLocal(t);
    const cases: [string, object, RegExp][] = [
      ['host bits', h.conf({ ranges: [v4('10.1.2.1/24')] }), /Network has host bits set\. For a subnet mask of length 24 the network address is 10\.1\.2\.0/],
      ['/31', h.conf({ ranges: [v4('10.1.2.0/31')] }), /Network 10\.1\.2\.0\/31 too small to allocate from/],
      ['rangeStart outside', h.conf({ ranges: [v4('10.1.2.0/24', { rangeStart: '10.1.3.5' })] }), /RangeStart 10\.1\.3\.5 not in network 10\.1\.2\.0\/24/],
      ['overlapping sets', h.conf({ ranges: [v4('10.1.2.0/24'), v4('10.1.2.0/25')] }), /range set 1 overlaps with 0|range set 0 overlaps with 1/],
      ['mixed families', h.conf({ ranges: [[{ subnet: '10.1.2.0/24' }, { subnet: '2001:db8::/64' }]] }), /mixed address families/],
      ['0.2.0 with two v4 sets', { ...h.conf({ ranges: [v4('10.1.2.0/24'), v4('10.1.3.0/24')] }), cniVersion: '0.2.0' }, /CNI version 0\.2\.0 does not support more than 1 address per family/],
      ['no ipam', { cniVersion: t.version, name: 'mynet', type: 'host-local' }, /IPAM config missing 'ipam' key/],
      ['no ranges', h.conf({}), /no IP ranges specified/],
    ];
    for (const [what, conf, msg] of cases) {
      const e = t.fail(await h.call('ADD', conf), undefined, undefined, what);
      ok(msg.test(e.msg), `${what}: ${JSON.stringify(e.msg)} does not match ${msg}`);
    }
    eq(h.files(), []);
  }),
  hl('21', 'runtimeConfig.ipRanges are allocated in addition to the configured ranges, first', from('0.3.0'), async (t) => {
    const h = await hostLocal(t);
    const conf = { ...h.conf({ ranges: [v4('10.1.2.0/24')] }), runtimeConfig: { ipRanges: [[{ subnet: '10.9.0.0/24' }]] } };
    eq(addressesOf(t.ok(await h.call('ADD', conf))).map((a) => a.address), ['10.9.0.2/24', '10.1.2.2/24']);
  }),
  hl('22', 'CHECK passes after ADD and names the container after DEL', from('0.4.0'), async (t) => {
    const h = await hostLocal(t);
    const conf = h.conf({ ranges: [v4('10.1.2.0/24')] });
    const r = t.ok(await h.call('ADD', conf))!;
    const withPrev = { ...conf, prevResult: r };
    eq((await h.call('CHECK', withPrev)).code, 0);
    t.ok(await h.call('DEL', withPrev));
    t.fail(await h.call('CHECK', withPrev), undefined, 'host-local: Failed to find address added by container dummy');
  }),
  hl('23', '50 parallel ADDs on one /24 give 50 distinct addresses and files', ALL_VERSIONS, async (t) => {
    const h = await hostLocal(t);
    const conf = h.conf({ ranges: [v4('10.1.2.0/24')] });
    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => h.call('ADD', conf, { containerId: `par${i}` })));
    const addrs = outcomes.map((o, i) => addressesOf(t.ok(o, `ADD ${i}`))[0]!.address);
    eq(new Set(addrs).size, 50);
    eq(h.files().filter((f) => f.startsWith('10.')).length, 50);
  }),
];
