import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CniError } from '../../../lib/cni/errors.ts';
import { formatIP } from '../../../lib/ip/index.ts';
import { loadConfig } from '../../../ipam/host-local/config.ts';
import { rangeSetString } from '../../../ipam/host-local/rangeset.ts';
import { parseJsonAsGo } from '../../../lib/cni/gosyntax.ts';

const net = (ipam: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ cniVersion: '1.0.0', name: 'mynet', type: 'host-local', ipam, ...extra });

function err(raw: unknown, args = ''): CniError {
  try {
    loadConfig(raw, args);
  } catch (e) {
    assert.instance(e, CniError);
    return e as CniError;
  }
  throw new Error('expected an error');
}

test('loadConfig fills defaults: dataDir, gateway .1, start .1, end broadcast-1', () => {
  const c = loadConfig(net({ type: 'host-local', subnet: '10.1.2.0/24' }), '');
  assert.is(c.dataDir, '/var/lib/cni/networks');
  assert.is(c.name, 'mynet');
  assert.is(rangeSetString(c.rangeSets[0]!), '10.1.2.1-10.1.2.254');
  assert.is(formatIP(c.rangeSets[0]![0]!.gateway), '10.1.2.1');
});

test('loadConfig: a v6 range ends at the all-ones address', () => {
  const c = loadConfig(net({ type: 'host-local', ranges: [[{ subnet: '2001:db8:1::/64' }]] }), '');
  assert.is(rangeSetString(c.rangeSets[0]!), '2001:db8:1::1-2001:db8:1:0:ffff:ffff:ffff:ffff');
});

test('loadConfig orders range sets: runtimeConfig.ipRanges, legacy subnet, ranges', () => {
  const c = loadConfig(
    net(
      { type: 'host-local', subnet: '10.1.0.0/16', ranges: [[{ subnet: '10.2.0.0/16' }], [{ subnet: '2001:db8::/64' }]] },
      { runtimeConfig: { ipRanges: [[{ subnet: '10.3.0.0/16', rangeStart: '10.3.0.10', rangeEnd: '10.3.0.20', gateway: '10.3.0.254' }]] } },
    ),
    '',
  );
  assert.equal(c.rangeSets.map(rangeSetString), ['10.3.0.10-10.3.0.20', '10.1.0.1-10.1.255.254', '10.2.0.1-10.2.255.254', '2001:db8::1-2001:db8::ffff:ffff:ffff:ffff']);
});

test('loadConfig decodes keys case-insensitively and treats null as unset', () => {
  const c = loadConfig({ CNIVERSION: '0.4.0', Name: 'n', IPAM: { Ranges: [[{ SUBNET: '10.0.0.0/24', gateway: null }]], DataDir: '/tmp/x' } }, '');
  assert.is(c.dataDir, '/tmp/x');
  assert.is(formatIP(c.rangeSets[0]![0]!.gateway), '10.0.0.1');
});

test('loadConfig unions and sorts requested IPs from CNI_ARGS, args.cni.ips and runtimeConfig.ips', () => {
  const c = loadConfig(
    net({ type: 'host-local', ranges: [[{ subnet: '10.1.2.0/24' }], [{ subnet: '2001:db8::/64' }]] }, { args: { cni: { ips: ['2001:db8::9', '10.1.2.9'] } }, runtimeConfig: { ips: ['10.1.2.7/24', '10.1.2.9'] } }),
    'IgnoreUnknown=1;IP=10.1.2.88;K8S_POD_NAME=x',
  );
  assert.equal(c.requestedIPs.map(formatIP), ['10.1.2.7', '10.1.2.9', '10.1.2.88', '2001:db8::9']);
});

test('loadConfig returns routes verbatim but canonical, with all route fields', () => {
  const c = loadConfig(
    net({ type: 'host-local', subnet: '10.0.0.0/24', routes: [{ dst: '0.0.0.0/0' }, { dst: '2001:DB8::/32', gw: '2001:db8::1', mtu: 1400, advmss: 1300, priority: 5, table: 0, scope: 253 }, { dst: '10.9.9.9/8', mtu: 0 }] }),
    '',
  );
  assert.equal(c.routes, [{ dst: '0.0.0.0/0' }, { dst: '2001:db8::/32', gw: '2001:db8::1', mtu: 1400, advmss: 1300, priority: 5, table: 0, scope: 253 }, { dst: '10.9.9.9/8' }]);
});

test('loadConfig takes valid attachments from either GC key', () => {
  const a = [{ containerID: 'c1', ifname: 'eth0' }];
  assert.equal(loadConfig(net({ type: 'host-local', subnet: '10.0.0.0/24' }, { 'cni.dev/valid-attachments': a }), '').validAttachments, a);
  assert.equal(loadConfig(net({ type: 'host-local', subnet: '10.0.0.0/24' }, { 'cni.dev/attachments': a }), '').validAttachments, a);
  assert.equal(loadConfig(net({ type: 'host-local', subnet: '10.0.0.0/24' }, { 'cni.dev/valid-attachments': null }), '').validAttachments, [], 'null: none is valid');
  assert.is(loadConfig(net({ type: 'host-local', subnet: '10.0.0.0/24' }), '').validAttachments, undefined, 'absent: unknown');
});

// The reference's messages, each as code 7 (the reference says 999; the config is at fault).
const cases: [string, unknown, string][] = [
  ['no ipam', { cniVersion: '1.0.0', name: 'n' }, "IPAM config missing 'ipam' key"],
  ['no ranges', net({ type: 'host-local' }), 'no IP ranges specified'],
  ['host bits', net({ subnet: '10.1.2.3/24' }), 'invalid range set 0: Network has host bits set. For a subnet mask of length 24 the network address is 10.1.2.0'],
  ['/31', net({ subnet: '10.1.2.0/31' }), 'invalid range set 0: Network 10.1.2.0/31 too small to allocate from'],
  ['/32', net({ ranges: [[{ subnet: '10.1.2.4/32' }]] }), 'invalid range set 0: Network 10.1.2.4/32 too small to allocate from'],
  ['/127', net({ ranges: [[{ subnet: '2001:db8::/127' }]] }), 'invalid range set 0: Network 2001:db8::/127 too small to allocate from'],
  ['start outside', net({ subnet: '10.1.2.0/24', rangeStart: '10.1.3.1' }), 'invalid range set 0: RangeStart 10.1.3.1 not in network 10.1.2.0/24'],
  ['end outside', net({ subnet: '10.1.2.0/24', rangeEnd: '10.1.3.1' }), 'invalid range set 0: RangeEnd 10.1.3.1 not in network 10.1.2.0/24'],
  ['start after end', net({ subnet: '10.1.2.0/24', rangeStart: '10.1.2.50', rangeEnd: '10.1.2.40' }), 'invalid range set 0: RangeStart 10.1.2.50 not in network 10.1.2.0/24'],
  ['overlapping sets', net({ ranges: [[{ subnet: '10.0.0.0/16' }], [{ subnet: '10.0.1.0/24' }]] }), 'range set 0 overlaps with 1'],
  ['overlap in set', net({ ranges: [[{ subnet: '10.0.0.0/24' }, { subnet: '10.0.0.0/25' }]] }), 'invalid range set 0: subnets 10.0.0.1-10.0.0.254 and 10.0.0.1-10.0.0.126 overlap'],
  ['mixed families', net({ ranges: [[{ subnet: '10.0.0.0/24' }, { subnet: '2001:db8::/64' }]] }), 'invalid range set 0: mixed address families'],
  ['empty set', net({ ranges: [[{ subnet: '10.0.0.0/24' }], []] }), 'invalid range set 1: empty range set'],
  ['no subnet', net({ ranges: [[{ rangeStart: '10.0.0.5' }]] }), 'invalid range set 0: IP <nil> not v4 nor v6'],
  ['bad subnet', net({ ranges: [[{ subnet: '10.0.0.0/33' }]] }), 'invalid CIDR address: 10.0.0.0/33'],
  ['bad gateway', net({ subnet: '10.0.0.0/24', gateway: '10.0.0.256' }), 'invalid IP address: 10.0.0.256'],
  ['bad args ip', net({ subnet: '10.0.0.0/24' }, { args: { cni: { ips: ['10.0.0.x'] } } }), 'invalid IP address 10.0.0.x'],
  ['empty runtime ip', net({ subnet: '10.0.0.0/24' }, { runtimeConfig: { ips: [''] } }), 'cannot understand ip: IP <nil> not v4 nor v6'],
  ['two v4 sets at 0.2.0', { ...net({ ranges: [[{ subnet: '10.0.0.0/24' }], [{ subnet: '10.0.1.0/24' }]] }), cniVersion: '0.2.0' }, 'CNI version 0.2.0 does not support more than 1 address per family'],
  ['wrong type', net({ subnet: '10.0.0.0/24', dataDir: 5 }), 'invalid host-local config: field "ipam.dataDir" must be string, got 5'],
];
for (const [name, raw, msg] of cases) {
  test(`loadConfig rejects ${name} with code 7: ${msg}`, () => {
    const e = err(raw);
    assert.is(e.message, msg);
    assert.is(e.code, 7);
  });
}

test('loadConfig: dual-stack, one set per family, is fine at 0.2.0', () => {
  const c = loadConfig({ ...net({ ranges: [[{ subnet: '10.0.0.0/24' }], [{ subnet: '2001:db8::/64' }]] }), cniVersion: '0.2.0' }, '');
  assert.is(c.rangeSets.length, 2);
});

test('loadConfig: CNI_ARGS errors are code 4 with the reference text', () => {
  const c = net({ subnet: '10.0.0.0/24' });
  const unknown = err(c, 'K8S_POD_NAME=x');
  assert.is(unknown.code, 4);
  assert.is(unknown.message, 'ARGS: unknown args ["K8S_POD_NAME=x"]');
  assert.is(err(c, 'IP=10.0.0.x').message, 'ARGS: error parsing value of pair "IP=10.0.0.x": invalid IP address 10.0.0.x');
  assert.equal(loadConfig(c, 'IP=').requestedIPs, []);
});

test('loadConfig: gateway .254 without rangeStart keeps .1 allocatable', () => {
  const c = loadConfig(net({ subnet: '10.0.0.0/24', gateway: '10.0.0.254' }), '');
  assert.is(rangeSetString(c.rangeSets[0]!), '10.0.0.1-10.0.0.254');
});

test('loadConfig refuses the fields Go declares when of a wrong shape, naming them', () => {
  const refused = (raw: unknown, msg: string): void => {
    const e = err(raw);
    assert.is(e.code, 7);
    assert.is(e.message, `invalid host-local config: ${msg}`);
  };
  refused(net([]), 'field "ipam" must be object, got []');
  refused(net({ type: 'host-local', subnet: '10.1.2.0/24', name: 5 }), 'field "ipam.name" must be string, got 5');
  refused(net({ type: 'host-local', subnet: '10.1.2.0/24' }, { runtimeConfig: 5 }), 'field "runtimeConfig" must be object, got 5');
  const text = '{"cniVersion":"1.0.0","name":"n","ipam":{"type":"host-local","subnet":"10.1.2.0/24","routes":[{"dst":"0.0.0.0/0","mtu":1500.0}]}}';
  refused(parseJsonAsGo(Buffer.from(text)), 'field "ipam.routes[0].mtu" must be integer, got 1500.0');
});

test.run();
