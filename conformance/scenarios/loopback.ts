// loopback (L1-L5): what containerd's CRI asks of every pod before its network plugins, proven
// against Debian's Go loopback. Results are compared from 1.0.0 up: below it the reference prints
// a 1.0.0 layout under the old version's label (fixed scenario F5).
import { deepStrictEqual as eq, ok } from 'node:assert/strict';
import type { Ctx } from '../harness/context.ts';
import { ALL_VERSIONS, from, type Scenario } from '../types.ts';
import { loKit } from './loopback-kit.ts';

const scenario = (id: string, title: string, versions: Scenario['versions'], run: (t: Ctx) => Promise<void>, more: Partial<Scenario> = {}): Scenario => ({
  id,
  area: 'loopback',
  title,
  plugins: ['loopback'],
  versions,
  family: 'reference',
  run,
  ...more,
});

/** A previous result in the layout of `version`, for a container address on eth0. */
function prevResult(version: string): object {
  if (version === '0.1.0' || version === '0.2.0') return { cniVersion: version, ip4: { ip: '10.1.2.2/24', gateway: '10.1.2.1' }, dns: {} };
  const ip = { interface: 0, address: '10.1.2.2/24', gateway: '10.1.2.1', ...(version.startsWith('0.') && { version: '4' }) };
  return { cniVersion: version, interfaces: [{ name: 'eth0', sandbox: '/var/run/netns/x' }], ips: [ip], dns: { nameservers: ['10.1.2.1'] } };
}

export const loopbackScenarios: Scenario[] = [
  scenario('L1', 'ADD brings lo up whatever CNI_IFNAME says and reports 127.0.0.1/8 and ::1/128 on interface lo', from('1.0.0'), async (t) => {
    const k = await loKit(t);
    const r = t.ok(await k.call('ADD', k.conf()))!;
    eq(r.cniVersion, t.version);
    eq(r.interfaces, [{ name: 'lo', mac: '00:00:00:00:00:00', sandbox: k.ns.path }]);
    eq(r.ips, [
      { interface: 0, address: '127.0.0.1/8' },
      { interface: 0, address: '::1/128' },
    ]);
    ok(!('dns' in r) || JSON.stringify(r.dns) === '{}', `dns is absent or empty: ${JSON.stringify(r.dns)}`);
    eq(await k.lo(), { up: true, addrs: ['127.0.0.1/8', '::1/128'] });
  }, { needs: ['ipv6'] }),
  scenario('L2', 'ADD with a prevResult brings lo up and passes the prevResult on unchanged, in every version', ALL_VERSIONS, async (t) => {
    for (const v of t.versions) {
      const k = await loKit(t);
      const prev = prevResult(v);
      eq(t.ok(await k.call('ADD', k.conf({ prevResult: prev }, v)), `ADD ${v}`), prev, v);
      ok((await k.lo()).up, `${v}: lo is up`);
    }
  }),
  scenario('L3', 'DEL brings lo down; a repeated DEL, an empty CNI_NETNS and a namespace gone succeed', ALL_VERSIONS, async (t) => {
    const k = await loKit(t);
    const conf = k.conf({}, t.versions[0]);
    t.ok(await k.call('ADD', conf));
    for (const v of t.versions) t.ok(await k.call('DEL', k.conf({}, v)), `DEL ${v}`);
    eq((await k.lo()).up, false);
    t.ok(await k.call('DEL', conf, ''), 'DEL with an empty CNI_NETNS');
    t.ok(await k.call('DEL', conf, '/var/run/netns/cnic-gone-lo'), 'DEL of a namespace that is gone');
    t.fail(await k.call('ADD', conf, '/var/run/netns/cnic-gone-lo'), undefined, /cnic-gone-lo/);
  }),
  scenario('L4', 'CHECK passes after ADD and fails with "loopback interface is down" after DEL', from('0.4.0'), async (t) => {
    const k = await loKit(t);
    const conf = k.conf();
    const r = t.ok(await k.call('ADD', conf));
    t.ok(await k.call('CHECK', { ...conf, prevResult: r }), 'CHECK after ADD');
    t.ok(await k.call('DEL', conf));
    t.fail(await k.call('CHECK', { ...conf, prevResult: r }), undefined, 'loopback interface is down');
  }),
  scenario('L5', 'ADD refuses a lo that holds a non-loopback address, naming it', ALL_VERSIONS, async (t) => {
    const k = await loKit(t);
    await t.sh(k.ns.name, 'ip', 'addr', 'add', '192.0.2.7/32', 'dev', 'lo');
    t.fail(await k.call('ADD', k.conf()), undefined, 'loopback interface found with non-loopback address "192.0.2.7"');
  }),
];
