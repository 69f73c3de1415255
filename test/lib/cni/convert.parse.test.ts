// Reading results: resultFromWire for each spec version, and parsePrevResult as the reference reads a prevResult.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePrevResult, resultFromWire } from '../../../lib/cni/convert.ts';
import { CniError } from '../../../lib/cni/errors.ts';
import { throwsCni } from '../../helpers/assert.ts';

const ip4 = { address: '10.1.2.3/24', gateway: '10.1.2.1' };

// --- resultFromWire: a plugin's stdout, as libcni's ExecPluginWithResult reads it -----------

test('resultFromWire uses the result\'s own cniVersion before the given one', () => {
  // A 0.4.0 result (with ips[].version) read while the config says 1.1.0.
  const r = resultFromWire({ cniVersion: '0.4.0', ips: [{ version: '4', ...ip4 }] }, '1.1.0');
  assert.equal(r, { cniVersion: '1.1.0', ips: [ip4] });
});

test('resultFromWire takes the given version when the result has none, or an empty one', () => {
  assert.equal(resultFromWire({ ip4: { ip: '10.1.2.3/24' } }, '0.2.0'), { cniVersion: '1.1.0', ips: [{ address: '10.1.2.3/24' }] });
  assert.equal(resultFromWire({ cniVersion: '', ips: [ip4] }, '0.3.1'), { cniVersion: '1.1.0', ips: [ip4] });
  // A non-string version is overwritten too (libcni only keeps a non-empty string).
  assert.equal(resultFromWire({ cniVersion: 4, ips: [ip4] }, '1.0.0'), { cniVersion: '1.1.0', ips: [ip4] });
  // An empty config version means 0.1.0, as the reference's version decoder says.
  assert.equal(resultFromWire({ ip4: { ip: '10.1.2.3/24' } }, ''), { cniVersion: '1.1.0', ips: [{ address: '10.1.2.3/24' }] });
});

test('resultFromWire of a result in the wrong shape for its version reads nothing from it', () => {
  // A 0.2.0 result has no `ips`; the reference silently ignores unknown keys.
  assert.equal(resultFromWire({ cniVersion: '0.2.0', ips: [ip4] }, '1.1.0'), { cniVersion: '1.1.0' });
});

test('resultFromWire turns a literal null into an empty result, as libcni does', () => {
  assert.equal(resultFromWire(null, '1.1.0'), { cniVersion: '1.1.0' });
});

test('resultFromWire refuses a result that is not an object', () => {
  for (const [raw, kind] of [[[], 'array'], ['x', 'string'], [1, 'number'], [true, 'bool']] as const) {
    throwsCni(() => resultFromWire(raw, '1.1.0'), 6, `failed to unmarshal raw result: json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`);
  }
});

test('resultFromWire refuses an unknown result version', () => {
  throwsCni(() => resultFromWire({ cniVersion: '0.5.0' }, '1.1.0'), 6, 'unsupported CNI result version "0.5.0"');
  throwsCni(() => resultFromWire({}, '2.0.0'), 6, 'unsupported CNI result version "2.0.0"');
});

test('resultFromWire matches keys case-insensitively, and the last match wins', () => {
  const r = resultFromWire({ cniVersion: '1.0.0', IPs: [{ Address: '10.1.2.3/24', GATEWAY: '10.1.2.1', Interface: 0 }], Routes: [{ DST: '0.0.0.0/0', Gw: '10.1.2.1' }] }, '1.1.0');
  assert.equal(r, { cniVersion: '1.1.0', ips: [{ interface: 0, ...ip4 }], routes: [{ dst: '0.0.0.0/0', gw: '10.1.2.1' }] });
  // Document order here: the object was not re-marshalled through a Go map.
  const last = resultFromWire({ cniVersion: '1.0.0', ips: [{ address: '10.0.0.1/8' }], IPS: [{ address: '10.0.0.2/8' }] }, '1.1.0');
  assert.equal(last.ips, [{ address: '10.0.0.2/8' }]);
  // Go also folds "ſ" to "s" and the Kelvin sign to "k".
  assert.equal(resultFromWire({ cniVersion: '1.0.0', ipſ: [ip4] }, '1.1.0').ips, [ip4]);
  assert.equal(resultFromWire({ cniVersion: '1.0.0', interfaces: [{ name: 'a', \u212Aey: 1, soc\u212AetPath: '/s' }] }, '1.1.0').interfaces, [{ name: 'a', socketPath: '/s' }]);
});

test('resultFromWire checks the version a case variant of cniVersion leaves behind', () => {
  // libcni picks the 0.4.0 type from "cniVersion"; the type then decodes "CNIVersion" last.
  throwsCni(
    () => resultFromWire({ cniVersion: '0.4.0', CNIVersion: '1.0.0' }, '1.1.0'),
    6,
    'result type supports [0.3.0 0.3.1 0.4.0] but unmarshalled CNIVersion is "1.0.0"',
  );
});

test('resultFromWire ignores unknown keys at every level', () => {
  const r = resultFromWire({ cniVersion: '1.1.0', extra: { a: 1 }, ips: [{ ...ip4, foo: 'bar' }], dns: { nameservers: ['1.1.1.1'], x: [] } }, '1.1.0');
  assert.equal(r, { cniVersion: '1.1.0', ips: [ip4], dns: { nameservers: ['1.1.1.1'] } });
});

test('resultFromWire: 0.2.0 routes keep their extra fields on the way up (the 0.2.0 type uses the full route)', () => {
  const r = resultFromWire({ cniVersion: '0.2.0', ip4: { ip: '10.1.2.3/24', routes: [{ dst: '0.0.0.0/0', gw: '10.1.2.1', mtu: 1400, table: 0 }] } }, '0.2.0');
  assert.equal(r.routes, [{ dst: '0.0.0.0/0', gw: '10.1.2.1', mtu: 1400, table: 0 }]);
});

test('resultFromWire: 0.2.0 takes ip4 first, ip6 next, routes concatenated in that order', () => {
  const r = resultFromWire(
    { cniVersion: '0.2.0', ip6: { ip: '2001:db8::2/64', routes: [{ dst: '::/0' }] }, ip4: { ip: '10.1.2.3/24', routes: [{ dst: '0.0.0.0/0' }] }, dns: {} },
    '0.2.0',
  );
  assert.equal(r, {
    cniVersion: '1.1.0',
    ips: [{ address: '10.1.2.3/24' }, { address: '2001:db8::2/64' }],
    routes: [{ dst: '0.0.0.0/0' }, { dst: '::/0' }],
  });
  // null for ip4/ip6 is the same as leaving them out.
  assert.equal(resultFromWire({ cniVersion: '0.1.0', ip4: null, ip6: { ip: '::1/128' } }, '0.1.0').ips, [{ address: '::1/128' }]);
});

test('resultFromWire: 0.4.0 interfaces carry no mtu/socketPath/pciID, 1.x interfaces do', () => {
  const iface = { name: 'eth0', mac: 'aa:bb:cc:dd:ee:ff', mtu: 1500, sandbox: '/ns', socketPath: '/s', pciID: '0000:00:01.0' };
  assert.equal(resultFromWire({ cniVersion: '0.4.0', interfaces: [iface] }, '0.4.0').interfaces, [{ name: 'eth0', mac: 'aa:bb:cc:dd:ee:ff', sandbox: '/ns' }]);
  assert.equal(resultFromWire({ cniVersion: '1.0.0', interfaces: [iface] }, '1.0.0').interfaces, [iface]);
});

test('resultFromWire: the 0.x ips[].version is not trusted, the address decides later', () => {
  const r = resultFromWire({ cniVersion: '0.3.0', ips: [{ version: '6', address: '10.1.2.3/24' }, { address: '::2/64' }] }, '0.3.0');
  assert.equal(r.ips, [{ address: '10.1.2.3/24' }, { address: '::2/64' }]);
});

test('resultFromWire normalises: empty strings, zero ints and empty lists are unset; table/scope/interface 0 are kept', () => {
  const r = resultFromWire(
    {
      cniVersion: '1.1.0',
      interfaces: [{ name: 'eth0', mac: '', mtu: 0, sandbox: '' }],
      ips: [{ interface: 0, address: '10.1.2.3/24', gateway: '' }],
      routes: [{ dst: '0.0.0.0/0', gw: null, mtu: 0, advmss: 0, priority: 0, table: 0, scope: 0 }],
      dns: { nameservers: [], domain: '', search: null },
    },
    '1.1.0',
  );
  assert.equal(r, {
    cniVersion: '1.1.0',
    interfaces: [{ name: 'eth0' }],
    ips: [{ interface: 0, address: '10.1.2.3/24' }],
    routes: [{ dst: '0.0.0.0/0', table: 0, scope: 0 }],
  });
  assert.equal(resultFromWire({ cniVersion: '1.1.0', ips: [], routes: null, interfaces: null, dns: null }, '1.1.0'), { cniVersion: '1.1.0' });
});

test('resultFromWire: a null inside a string list is "" as in Go', () => {
  assert.equal(resultFromWire({ cniVersion: '1.1.0', dns: { search: [null, 'a'] } }, '1.1.0').dns, { search: ['', 'a'] });
});

test('resultFromWire prints addresses the way Go re-prints a parsed address', () => {
  const cases: [string, string][] = [
    ['2001:DB8:0:0:0:0:0:3/64', '2001:db8::3/64'],
    ['2001:db8:0:0:1:0:0:3/64', '2001:db8::1:0:0:3/64'],
    ['2001:0:0:1:0:0:0:3/64', '2001:0:0:1::3/64'],
    ['0:0:0:0:0:0:0:0/0', '::/0'],
    ['1:2:3:4:5:6:7:8/128', '1:2:3:4:5:6:7:8/128'],
    ['1:0:3:4:5:6:7:8/128', '1:0:3:4:5:6:7:8/128'],
    ['::1.2.3.4/128', '::102:304/128'],
    ['1:2:3:4:5:6:1.2.3.4/96', '1:2:3:4:5:6:102:304/96'],
    ['::ffff:10.1.2.3/120', '10.1.2.3/24'],
    ['::FFFF:10.1.2.3/128', '10.1.2.3/32'],
    ['10.1.2.3/024', '10.1.2.3/24'],
    ['10.1.2.3/0', '10.1.2.3/0'],
  ];
  for (const [text, want] of cases) {
    assert.is(resultFromWire({ cniVersion: '1.1.0', ips: [{ address: text }] }, '1.1.0').ips?.[0]?.address, want, text);
  }
  const r = resultFromWire({ cniVersion: '1.1.0', routes: [{ dst: '::/0', gw: '::FFFF:10.0.0.1' }, { dst: '::/0', gw: 'FE80:0::1' }] }, '1.1.0');
  assert.equal(r.routes, [{ dst: '::/0', gw: '10.0.0.1' }, { dst: '::/0', gw: 'fe80::1' }]);
});

test('resultFromWire refuses malformed addresses with Go\'s wording', () => {
  const bad = [
    '10.1.2.3', '10.1.2.300/24', '010.1.2.3/24', '10.1.2/24', '10.1.2.3.4/24', '10.1.2.3/33', '10.1.2.3/-1', '10.1.2.3/+8', '10.1.2.3/8/8',
    '10.1.2.3/', '/24', '2001:db8::1/129', 'fe80::1%eth0/64', '1.2.3.4::/64', '1::2::3/64', ':1::/64', '1:2:3:4:5:6:7:8:9/64',
    '1:2:3:4:5:6:7/64', '1:2:3:4:5:6:7:8::/64', '12345::/64', 'g::/64', '::ffff:1.2.3.04/128', ' 10.1.2.3/24', '',
  ];
  for (const text of bad) {
    throwsCni(() => resultFromWire({ cniVersion: '1.1.0', ips: [{ address: text }] }, '1.1.0'), 6, `ips[0].address: invalid CIDR address: ${text}`);
  }
  // Go accepts a v4-mapped address with a length below 96 and prints "10.1.2.3/0"; lib/ip refuses
  // such an address, whose network does not contain it, and so do we.
  throwsCni(() => resultFromWire({ cniVersion: '1.1.0', ips: [{ address: '::ffff:10.1.2.3/64' }] }, '1.1.0'), 6, 'ips[0].address: invalid CIDR address: ::ffff:10.1.2.3/64');
  throwsCni(() => resultFromWire({ cniVersion: '0.2.0', ip6: { ip: '::1' } }, '1.1.0'), 6, 'ip6.ip: invalid CIDR address: ::1');
  throwsCni(() => resultFromWire({ cniVersion: '1.1.0', routes: [{ dst: 'default' }] }, '1.1.0'), 6, 'routes[0].dst: invalid CIDR address: default');
  throwsCni(() => resultFromWire({ cniVersion: '1.1.0', ips: [{ address: '10.1.2.3/24', gateway: '10.1.2' }] }, '1.1.0'), 6, 'ips[0].gateway: invalid IP address: 10.1.2');
  throwsCni(() => resultFromWire({ cniVersion: '1.1.0', routes: [{ dst: '::/0', gw: '::1/128' }] }, '1.1.0'), 6, 'routes[0].gw: invalid IP address: ::1/128');
});

test('resultFromWire: a null address fails as in Go, a missing one is refused (Go would print "<nil>")', () => {
  throwsCni(() => resultFromWire({ cniVersion: '1.1.0', ips: [{ address: null }] }, '1.1.0'), 6, 'ips[0].address: invalid CIDR address: ');
  throwsCni(() => resultFromWire({ cniVersion: '1.1.0', ips: [{ gateway: '10.0.0.1' }] }, '1.1.0'), 6, 'ips[0].address: required field is missing');
  throwsCni(() => resultFromWire({ cniVersion: '0.2.0', ip4: {} }, '1.1.0'), 6, 'ip4.ip: required field is missing');
  throwsCni(() => resultFromWire({ cniVersion: '0.4.0', routes: [{ gw: '10.0.0.1' }] }, '1.1.0'), 6, 'routes[0].dst: required field is missing');
});

test('resultFromWire refuses wrong JSON types, naming the field', () => {
  const cases: [object, string][] = [
    [{ cniVersion: '1.1.0', ips: 'x' }, 'json: cannot unmarshal string into Go struct field ips of type array'],
    [{ cniVersion: '1.1.0', ips: {} }, 'json: cannot unmarshal object into Go struct field ips of type array'],
    [{ cniVersion: '1.1.0', ips: [null] }, 'json: cannot unmarshal null into Go struct field ips[0] of type object'],
    [{ cniVersion: '1.1.0', ips: [[]] }, 'json: cannot unmarshal array into Go struct field ips[0] of type object'],
    [{ cniVersion: '1.1.0', ips: [{ address: 10 }] }, 'json: cannot unmarshal number into Go struct field ips[0].address of type string'],
    [{ cniVersion: '1.1.0', ips: [{ ...ip4, interface: '0' }] }, 'json: cannot unmarshal string into Go struct field ips[0].interface of type int'],
    [{ cniVersion: '1.1.0', ips: [{ ...ip4, interface: 1.5 }] }, 'json: cannot unmarshal number 1.5 into Go struct field ips[0].interface of type int'],
    [{ cniVersion: '1.1.0', ips: [{ ...ip4, gateway: true }] }, 'json: cannot unmarshal bool into Go struct field ips[0].gateway of type string'],
    [{ cniVersion: '1.1.0', interfaces: [{ name: 5 }] }, 'json: cannot unmarshal number into Go struct field interfaces[0].name of type string'],
    [{ cniVersion: '1.1.0', interfaces: [{ name: 'a', mtu: '1500' }] }, 'json: cannot unmarshal string into Go struct field interfaces[0].mtu of type int'],
    [{ cniVersion: '1.1.0', routes: [{ dst: '::/0', table: 1e300 }] }, 'json: cannot unmarshal number 1e+300 into Go struct field routes[0].table of type int'],
    [{ cniVersion: '1.1.0', dns: 'x' }, 'json: cannot unmarshal string into Go struct field dns of type object'],
    [{ cniVersion: '1.1.0', dns: { nameservers: 'x' } }, 'json: cannot unmarshal string into Go struct field dns.nameservers of type []string'],
    [{ cniVersion: '1.1.0', dns: { search: [1] } }, 'json: cannot unmarshal number into Go struct field dns.search[0] of type string'],
    [{ cniVersion: '0.4.0', ips: [{ version: 4, ...ip4 }] }, 'json: cannot unmarshal number into Go struct field ips[0].version of type string'],
    [{ cniVersion: '0.2.0', ip4: 'x' }, 'json: cannot unmarshal string into Go struct field ip4 of type object'],
    [{ cniVersion: '0.2.0', ip4: { ip: '10.0.0.2/8', routes: {} } }, 'json: cannot unmarshal object into Go struct field ip4.routes of type array'],
  ];
  for (const [raw, msg] of cases) throwsCni(() => resultFromWire(raw, '1.1.0'), 6, msg);
});

// --- parsePrevResult: the reference ParsePrevResult + NewResultFromResult ------------------

test('parsePrevResult injects the config version when the result has none', () => {
  assert.equal(parsePrevResult({ ips: [{ version: '4', ...ip4 }] }, '0.4.0'), { cniVersion: '1.1.0', ips: [ip4] });
  assert.equal(parsePrevResult({ ips: [ip4] }, '1.0.0'), { cniVersion: '1.1.0', ips: [ip4] });
  assert.equal(parsePrevResult({ ip4: { ip: '10.1.2.3/24' } }, '0.2.0'), { cniVersion: '1.1.0', ips: [{ address: '10.1.2.3/24' }] });
  // JSON null does not overwrite the injected version.
  assert.equal(parsePrevResult({ cniVersion: null, ips: [ip4] }, '1.1.0'), { cniVersion: '1.1.0', ips: [ip4] });
});

test('parsePrevResult accepts any version of the config version\'s family', () => {
  assert.equal(parsePrevResult({ cniVersion: '0.3.0', ips: [ip4] }, '0.4.0').ips, [ip4]);
  assert.equal(parsePrevResult({ cniVersion: '0.4.0', ips: [ip4] }, '0.3.1').ips, [ip4]);
  assert.equal(parsePrevResult({ cniVersion: '1.0.0', ips: [ip4] }, '1.1.0').ips, [ip4]);
  assert.equal(parsePrevResult({ cniVersion: '1.1.0', ips: [ip4] }, '1.0.0').ips, [ip4]);
  assert.equal(parsePrevResult({ cniVersion: '0.1.0', ip4: { ip: '10.1.2.3/24' } }, '0.2.0').ips, [{ address: '10.1.2.3/24' }]);
});

test('parsePrevResult: an empty cniVersion wins over the injected one (only the 0.2.0 type accepts it)', () => {
  throwsCni(() => parsePrevResult({ cniVersion: '', ips: [ip4] }, '0.4.0'), 6, 'could not parse prevResult: result type supports [0.3.0 0.3.1 0.4.0] but unmarshalled CNIVersion is ""');
  throwsCni(() => parsePrevResult({ cniVersion: '', ips: [ip4] }, '1.1.0'), 6, 'could not parse prevResult: result type supports [1.0.0 1.1.0] but unmarshalled CNIVersion is ""');
  assert.equal(parsePrevResult({ cniVersion: '', ip4: { ip: '10.1.2.3/24' } }, '0.2.0').ips, [{ address: '10.1.2.3/24' }]);
});

test('parsePrevResult refuses a result of another family with the reference wording', () => {
  throwsCni(() => parsePrevResult({ cniVersion: '0.4.0', ips: [] }, '1.1.0'), 6, 'could not parse prevResult: result type supports [1.0.0 1.1.0] but unmarshalled CNIVersion is "0.4.0"');
  throwsCni(() => parsePrevResult({ cniVersion: '1.0.0' }, '0.4.0'), 6, 'could not parse prevResult: result type supports [0.3.0 0.3.1 0.4.0] but unmarshalled CNIVersion is "1.0.0"');
  throwsCni(() => parsePrevResult({ cniVersion: '0.4.0' }, '0.2.0'), 6, 'could not parse prevResult: result type supports [ 0.1.0 0.2.0] but unmarshalled CNIVersion is "0.4.0"');
  throwsCni(() => parsePrevResult({ cniVersion: '9.9.9' }, '0.4.0'), 6, 'could not parse prevResult: result type supports [0.3.0 0.3.1 0.4.0] but unmarshalled CNIVersion is "9.9.9"');
});

test('parsePrevResult honours the reference\'s "CNIVersion" map key', () => {
  // A present "CNIVersion" is not replaced; with no "cniVersion" it decides.
  throwsCni(() => parsePrevResult({ CNIVersion: '1.0.0' }, '0.4.0'), 6, 'could not parse prevResult: result type supports [0.3.0 0.3.1 0.4.0] but unmarshalled CNIVersion is "1.0.0"');
  // The map is marshalled with sorted keys: "CNIVersion" < "cniVersion", so the latter wins.
  assert.equal(parsePrevResult({ cniVersion: '0.4.0', CNIVersion: '1.0.0', ips: [ip4] }, '0.4.0').ips, [ip4]);
  // An empty "CNIVersion" is replaced by the config version.
  assert.equal(parsePrevResult({ CNIVersion: '', ips: [ip4] }, '1.1.0').ips, [ip4]);
});

test('parsePrevResult reads duplicate keys in sorted order, as the reference does after its map round trip', () => {
  // "IPS" < "ips" bytewise, so "ips" is decoded last and wins, whatever the document order.
  const r = parsePrevResult({ cniVersion: '1.0.0', ips: [{ address: '10.0.0.1/8' }], IPS: [{ address: '10.0.0.2/8' }] }, '1.1.0');
  assert.equal(r.ips, [{ address: '10.0.0.1/8' }]);
});

test('parsePrevResult of a 0.4.0-shaped result in a 0.2.0 config reads nothing, silently, like the reference', () => {
  assert.equal(parsePrevResult({ cniVersion: '0.2.0', ips: [{ version: '4', ...ip4 }] }, '0.2.0'), { cniVersion: '1.1.0' });
});

test('parsePrevResult refuses a prevResult that is not an object', () => {
  for (const [raw, kind] of [[[], 'array'], ['x', 'string'], [null, 'null']] as const) {
    throwsCni(() => parsePrevResult(raw, '1.1.0'), 6, `could not parse prevResult: json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`);
  }
});

test('parsePrevResult refuses a config version that has no result type', () => {
  throwsCni(() => parsePrevResult({}, '0.5.0'), 6, 'could not parse prevResult: unsupported CNI result version "0.5.0"');
});

test('parsePrevResult prefixes decoding errors and keeps the cause', () => {
  try {
    parsePrevResult({ cniVersion: '1.1.0', ips: [{ address: 'x' }] }, '1.1.0');
    assert.unreachable();
  } catch (err) {
    assert.instance(err, CniError);
    assert.is((err as CniError).message, 'could not parse prevResult: ips[0].address: invalid CIDR address: x');
    assert.is((err as CniError).code, 6);
    assert.instance((err as CniError).cause, CniError);
  }
});

test('parsePrevResult does not modify its input', () => {
  const raw = { ips: [ip4] };
  parsePrevResult(raw, '1.1.0');
  assert.equal(raw, { ips: [ip4] });
});

test.run();
