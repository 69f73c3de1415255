// resultToWire: an internal result written as each spec version's wire form.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePrevResult, resultFromWire, resultToWire } from '../../../lib/cni/convert.ts';
import { formatResult } from '../../../lib/cni/print.ts';
import type { Result } from '../../../lib/cni/result.ts';
import { resultFormatOf, SUPPORTED_VERSIONS, type ResultFormat, type SpecVersion } from '../../../lib/cni/version.ts';
import { throwsCni } from '../../helpers/assert.ts';
import { BASE, DNS } from '../../helpers/results.ts';

const AFTER: Record<ResultFormat, Result> = {
  '100': BASE,
  '040': {
    ...BASE,
    interfaces: [
      { name: 'cni0', mac: '0a:58:0a:01:02:01' },
      { name: 'veth1a2b3c4d', mac: '0a:58:0a:01:02:02' },
      { name: 'eth0', mac: '0a:58:0a:01:02:03', sandbox: '/var/run/netns/pod1' },
    ],
  },
  // First v4 and first v6 only, no interfaces, routes dst+gw only and v4 ones first.
  '020': {
    cniVersion: '1.1.0',
    ips: [
      { address: '10.1.2.3/24', gateway: '10.1.2.1' },
      { address: '2001:db8::3/64', gateway: '2001:db8::1' },
    ],
    routes: [{ dst: '0.0.0.0/0', gw: '10.1.2.1' }, { dst: '192.168.0.0/16' }, { dst: '::/0', gw: '2001:db8::1' }],
    dns: DNS,
  },
};

const WIRE_020 = (v: string) => ({
  cniVersion: v,
  ip4: { ip: '10.1.2.3/24', gateway: '10.1.2.1', routes: [{ dst: '0.0.0.0/0', gw: '10.1.2.1' }, { dst: '192.168.0.0/16' }] },
  ip6: { ip: '2001:db8::3/64', gateway: '2001:db8::1', routes: [{ dst: '::/0', gw: '2001:db8::1' }] },
  dns: DNS,
});

const WIRE_040_FULL = (v: string) => ({
  cniVersion: v,
  interfaces: [
    { name: 'cni0', mac: '0a:58:0a:01:02:01' },
    { name: 'veth1a2b3c4d', mac: '0a:58:0a:01:02:02' },
    { name: 'eth0', mac: '0a:58:0a:01:02:03', sandbox: '/var/run/netns/pod1' },
  ],
  ips: [
    { version: '4', interface: 2, address: '10.1.2.3/24', gateway: '10.1.2.1' },
    { version: '6', interface: 2, address: '2001:db8::3/64', gateway: '2001:db8::1' },
    { version: '4', interface: 0, address: '10.9.0.5/16' },
  ],
  routes: BASE.routes,
  dns: DNS,
});

const WIRE_040_FROM_020 = (v: string) => ({
  cniVersion: v,
  ips: [
    { version: '4', address: '10.1.2.3/24', gateway: '10.1.2.1' },
    { version: '6', address: '2001:db8::3/64', gateway: '2001:db8::1' },
  ],
  routes: AFTER['020'].routes,
  dns: DNS,
});

// expected[source format][target format](target version)
const EXPECTED: Record<ResultFormat, Record<ResultFormat, (v: string) => object>> = {
  '100': { '100': (v) => ({ ...BASE, cniVersion: v }), '040': WIRE_040_FULL, '020': WIRE_020 },
  '040': { '100': (v) => ({ ...AFTER['040'], cniVersion: v }), '040': WIRE_040_FULL, '020': WIRE_020 },
  '020': { '100': (v) => ({ ...AFTER['020'], cniVersion: v }), '040': WIRE_040_FROM_020, '020': WIRE_020 },
};

const ACCEPTS: Record<ResultFormat, string> = { '020': '[ 0.1.0 0.2.0]', '040': '[0.3.0 0.3.1 0.4.0]', '100': '[1.0.0 1.1.0]' };

/** Deep equality plus, where Go prints struct order, the same key order. */
function sameWire(actual: unknown, expected: unknown): void {
  assert.equal(actual, expected);
  assert.is(JSON.stringify(actual), JSON.stringify(expected));
}

for (const v of SUPPORTED_VERSIONS) {
  test(`resultToWire writes the full result as ${v}`, () => {
    sameWire(resultToWire(BASE, v), EXPECTED['100'][resultFormatOf(v)](v));
  });
}

// The whole matrix, both ways: a result printed at version `from` is read back (up-converted
// to 1.1.0) and printed at version `to`; what survives depends only on the two families.
for (const from of SUPPORTED_VERSIONS) {
  for (const to of SUPPORTED_VERSIONS) {
    test(`conversion ${from} -> ${to} keeps what both versions can carry`, () => {
      const wire = JSON.parse(formatResult(BASE, from));
      const internal = resultFromWire(wire, '1.1.0');
      assert.equal(internal, AFTER[resultFormatOf(from)]);
      sameWire(resultToWire(internal, to), EXPECTED[resultFormatOf(from)][resultFormatOf(to)](to));
      assert.equal(JSON.parse(formatResult(internal, to)), EXPECTED[resultFormatOf(from)][resultFormatOf(to)](to));
    });

    test(`parsePrevResult of a ${from} result in a ${to} config`, () => {
      const wire = JSON.parse(formatResult(BASE, from));
      if (resultFormatOf(from) === resultFormatOf(to)) {
        assert.equal(parsePrevResult(wire, to), AFTER[resultFormatOf(from)]);
      } else {
        throwsCni(
          () => parsePrevResult(wire, to),
          6,
          `could not parse prevResult: result type supports ${ACCEPTS[resultFormatOf(to)]} but unmarshalled CNIVersion is "${from}"`,
        );
      }
    });
  }
}

test('resultToWire leaves its input untouched', () => {
  const copy = structuredClone(BASE);
  for (const v of SUPPORTED_VERSIONS) resultToWire(copy, v);
  assert.equal(copy, BASE);
});

test('resultToWire to 0.2.0 keeps the first address of each family, in any order', () => {
  const r: Result = {
    cniVersion: '1.1.0',
    ips: [{ address: '2001:db8::9/64' }, { address: '2001:db8::3/64' }, { address: '10.9.0.5/16' }, { address: '10.1.2.3/24', gateway: '10.1.2.1' }],
  };
  sameWire(resultToWire(r, '0.2.0'), { cniVersion: '0.2.0', ip4: { ip: '10.9.0.5/16' }, ip6: { ip: '2001:db8::9/64' }, dns: {} });
});

test('resultToWire to 0.2.0 drops routes of a family that has no address', () => {
  const r: Result = {
    cniVersion: '1.1.0',
    ips: [{ address: '2001:db9::2/64', gateway: '2001:db9::1' }],
    routes: [{ dst: '0.0.0.0/0' }, { dst: '::/0', gw: '2001:db9::1', mtu: 1280, table: 5 }],
  };
  sameWire(resultToWire(r, '0.1.0'), {
    cniVersion: '0.1.0',
    ip6: { ip: '2001:db9::2/64', gateway: '2001:db9::1', routes: [{ dst: '::/0', gw: '2001:db9::1' }] },
    dns: {},
  });
});

test('resultToWire to 0.1.0/0.2.0 fails without any address, with the reference message and code 999', () => {
  const empty: Result = { cniVersion: '1.1.0', interfaces: [{ name: 'eth0' }], routes: [{ dst: '0.0.0.0/0' }], dns: DNS };
  for (const v of ['0.1.0', '0.2.0'] as const) {
    throwsCni(() => resultToWire(empty, v), 1, 'cannot convert: no valid IP addresses');
    throwsCni(() => formatResult(empty, v), 1, 'cannot convert: no valid IP addresses');
  }
});

test('resultToWire of an empty result: 0.x prints dns {}, 1.x leaves dns out', () => {
  const empty: Result = { cniVersion: '1.1.0' };
  sameWire(resultToWire(empty, '0.3.0'), { cniVersion: '0.3.0', dns: {} });
  sameWire(resultToWire(empty, '0.4.0'), { cniVersion: '0.4.0', dns: {} });
  sameWire(resultToWire(empty, '1.0.0'), { cniVersion: '1.0.0' });
  sameWire(resultToWire({ cniVersion: '1.1.0', ips: [], routes: [], interfaces: [], dns: { nameservers: [], search: [], domain: '' } }, '1.1.0'), {
    cniVersion: '1.1.0',
  });
});

test('resultToWire keeps a dns that has only some fields', () => {
  sameWire(resultToWire({ cniVersion: '1.1.0', dns: { domain: 'x.local' } }, '1.1.0'), { cniVersion: '1.1.0', dns: { domain: 'x.local' } });
  sameWire(resultToWire({ cniVersion: '1.1.0', dns: { options: ['rotate'] } }, '0.4.0'), { cniVersion: '0.4.0', dns: { options: ['rotate'] } });
});

test('resultToWire treats v4-mapped IPv6 as IPv4, the way Go does, and prints it as Go does', () => {
  const r: Result = {
    cniVersion: '1.1.0',
    ips: [{ address: '::ffff:10.1.2.3/120', gateway: '::ffff:10.1.2.1' }],
    routes: [{ dst: '::ffff:0.0.0.0/96' }, { dst: '::/0' }],
  };
  sameWire(resultToWire(r, '0.4.0'), {
    cniVersion: '0.4.0',
    ips: [{ version: '4', address: '10.1.2.3/24', gateway: '10.1.2.1' }],
    routes: [{ dst: '0.0.0.0/0' }, { dst: '::/0' }],
    dns: {},
  });
  sameWire(resultToWire(r, '0.2.0'), { cniVersion: '0.2.0', ip4: { ip: '10.1.2.3/24', gateway: '10.1.2.1', routes: [{ dst: '0.0.0.0/0' }] }, dns: {} });
});

test('resultToWire prints addresses in Go canonical form', () => {
  const r: Result = { cniVersion: '1.1.0', ips: [{ address: '2001:DB8:0:0:0:0:0:3/64', gateway: '2001:0db8::0001' }], routes: [{ dst: '0:0:0:0:0:0:0:0/0', gw: 'FE80::1' }] };
  sameWire(resultToWire(r, '1.1.0'), {
    cniVersion: '1.1.0',
    ips: [{ address: '2001:db8::3/64', gateway: '2001:db8::1' }],
    routes: [{ dst: '::/0', gw: 'fe80::1' }],
  });
});

test('resultToWire omits zero mtu/advmss/priority and empty strings, keeps zero table, scope and interface index', () => {
  const r: Result = {
    cniVersion: '1.1.0',
    interfaces: [{ name: '', mac: '', mtu: 0, sandbox: '', socketPath: '', pciID: '' }],
    ips: [{ interface: 0, address: '10.0.0.2/8', gateway: '' }],
    routes: [{ dst: '10.0.0.0/8', gw: '', mtu: 0, advmss: 0, priority: 0, table: 0, scope: 0 }],
  };
  sameWire(resultToWire(r, '1.1.0'), {
    cniVersion: '1.1.0',
    interfaces: [{ name: '' }],
    ips: [{ interface: 0, address: '10.0.0.2/8' }],
    routes: [{ dst: '10.0.0.0/8', table: 0, scope: 0 }],
  });
});

test('resultToWire refuses an internal result with an unparsable address (a bug, code 999)', () => {
  throwsCni(() => resultToWire({ cniVersion: '1.1.0', ips: [{ address: '10.0.0.2' }] }, '1.1.0'), 999, 'invalid CIDR address: 10.0.0.2');
  throwsCni(() => resultToWire({ cniVersion: '1.1.0', routes: [{ dst: '::/0', gw: 'nope' }] }, '0.4.0'), 999, 'invalid IP address: nope');
});

test('resultToWire refuses a version it does not know', () => {
  throwsCni(() => resultToWire(BASE, '0.5.0' as SpecVersion), 999, 'no converter for CNI result version 1.1.0 to 0.5.0');
});

test.run();
