import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  contains,
  firstAddress,
  formatIP,
  formatIPWithPrefix,
  formatPrefix,
  hasHostBits,
  ipFamilyOfCIDR,
  lastAddress,
  overlaps,
  parseCIDR,
  parseIPWithPrefix,
  prefixOf,
} from '../../../lib/ip/index.ts';
import { ip, prefix } from '../../helpers/ip-vectors.ts';

// text, the address as written (canonical), the network Go's IPNet.String() prints
const cidrs: [text: string, address: string, network: string][] = [
  ['10.1.2.2/24', '10.1.2.2', '10.1.2.0/24'],
  ['135.104.0.0/32', '135.104.0.0', '135.104.0.0/32'],
  ['135.104.0.1/24', '135.104.0.1', '135.104.0.0/24'],
  ['0.0.0.0/24', '0.0.0.0', '0.0.0.0/24'],
  ['0.0.0.0/0', '0.0.0.0', '0.0.0.0/0'],
  ['255.255.255.255/1', '255.255.255.255', '128.0.0.0/1'],
  ['::1/128', '::1', '::1/128'],
  ['::/0', '::', '::/0'],
  ['abcd:2345::/127', 'abcd:2345::', 'abcd:2345::/127'],
  ['abcd:2345::/65', 'abcd:2345::', 'abcd:2345::/65'],
  ['abcd:2345::/24', 'abcd:2345::', 'abcd:2300::/24'],
  ['abcd:2344::/31', 'abcd:2344::', 'abcd:2344::/31'],
  ['2001:DB8::/48', '2001:db8::', '2001:db8::/48'],
  ['2001:DB8::1/48', '2001:db8::1', '2001:db8::/48'],
  ['2001:db8:1::5/64', '2001:db8:1::5', '2001:db8:1::/64'],
  ['10.0.0.0/024', '10.0.0.0', '10.0.0.0/24'], // Go's dtoi takes leading zeros in the length
  ['10.0.0.0/00', '10.0.0.0', '0.0.0.0/0'],
];

test('parseCIDR returns the address as written and the network it implies', () => {
  for (const [text, address, network] of cidrs) {
    const c = parseCIDR(text);
    assert.ok(c, text);
    assert.is(formatIP(c.ip), address, text);
    assert.is(formatPrefix(c.prefix), network, text);
  }
});

test('parseCIDR gives plain data with family, network value and length', () => {
  assert.equal(parseCIDR('10.1.2.2/24'), {
    ip: { family: 4, value: 0x0a010202n },
    prefix: { family: 4, network: 0x0a010200n, prefixLen: 24 },
  });
  assert.equal(parseCIDR('2001:db8::1/32')?.prefix, { family: 6, network: 0x20010db8n << 96n, prefixLen: 32 });
});

test('parseCIDR rejects what Go ParseCIDR rejects', () => {
  for (const text of [
    '',
    '10.0.0.0',
    '10.0.0.0/',
    '/24',
    '192.168.1.1/255.255.255.0',
    '192.168.1.1/35',
    '1.2.3.4/33',
    '2001:db8::/129',
    '2001:db8::1/-1',
    '2001:db8::1/-0',
    '0.0.0.0/-0',
    '10.0.0.0/+8',
    '-0.0.0.0/32',
    '0.0.-2.0/32',
    '10.0.0.0/24/8',
    '10.0.0.0/ 24',
    '10.0.0.0/24 ',
    ' 10.0.0.0/24',
    '10.0.0.0/0x18',
    '10.0.0.0/1e1',
    '10.0.0.0/2.4',
    '10.0.0.0/999999999999999999999999',
    '010.0.0.0/8',
    'fe80::1%eth0/64',
    '1.2.3.4/２４',
  ]) {
    assert.is(parseCIDR(text), undefined, JSON.stringify(text));
    assert.is(parseIPWithPrefix(text), undefined, JSON.stringify(text));
  }
});

// Go measures the length of "::ffff:a.b.c.d/n" against 128 bits (the text is IPv6) but
// treats the address as IPv4: IPNet.String() prints the last 32 mask bits, so
// "::ffff:1.2.3.4/120" is 1.2.3.0/24. We keep that IPv4 view, and reject n < 96, where
// Go's network (::/64 for n = 64) does not contain its own address.
test('parseCIDR reads a v4-mapped address with a 128-bit length as IPv4 with length-96', () => {
  const c = parseCIDR('::ffff:1.2.3.4/120');
  assert.equal(c, { ip: { family: 4, value: 0x01020304n }, prefix: { family: 4, network: 0x01020300n, prefixLen: 24 } });
  assert.is(formatPrefix(c!.prefix), '1.2.3.0/24');
  assert.is(formatIPWithPrefix(parseIPWithPrefix('::ffff:1.2.3.4/120')!), '1.2.3.4/24');
  assert.is(formatPrefix(prefix('::ffff:1.2.3.4/128')), '1.2.3.4/32');
  assert.is(formatPrefix(prefix('::ffff:102:304/112')), '1.2.0.0/16');
  assert.is(formatPrefix(prefix('::ffff:1.2.3.4/96')), '0.0.0.0/0');
  assert.is(parseCIDR('::ffff:1.2.3.4/24'), undefined); // 24 is measured against 128 bits
  assert.is(parseCIDR('::ffff:1.2.3.4/95'), undefined);
  assert.is(parseCIDR('::ffff:1.2.3.4/64'), undefined);
  assert.is(parseCIDR('::ffff:1.2.3.4/129'), undefined);
});

test('parseIPWithPrefix keeps the host part and formatIPWithPrefix prints it canonically', () => {
  assert.equal(parseIPWithPrefix('10.1.2.2/24'), { ip: { family: 4, value: 0x0a010202n }, prefixLen: 24 });
  for (const [text, printed] of [
    ['10.1.2.2/24', '10.1.2.2/24'],
    ['10.1.2.0/24', '10.1.2.0/24'],
    ['2001:DB8:0::0002/64', '2001:db8::2/64'],
    ['fe80::1/64', 'fe80::1/64'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['10.0.0.1/032', '10.0.0.1/32'],
  ]) {
    assert.is(formatIPWithPrefix(parseIPWithPrefix(text!)!), printed, text);
  }
});

test('ipFamilyOfCIDR reports 4 for IPv4 and v4-mapped text, 6 for IPv6, undefined when invalid', () => {
  assert.is(ipFamilyOfCIDR('10.0.0.0/8'), 4);
  assert.is(ipFamilyOfCIDR('::ffff:10.0.0.0/104'), 4);
  assert.is(ipFamilyOfCIDR('2001:db8::/64'), 6);
  assert.is(ipFamilyOfCIDR('::1.2.3.4/128'), 6);
  assert.is(ipFamilyOfCIDR('10.0.0.0'), undefined);
  assert.is(ipFamilyOfCIDR('10.0.0.0/33'), undefined);
  assert.is(ipFamilyOfCIDR('garbage/8'), undefined);
});

test('formatPrefix prints Go IPNet.String() text', () => {
  assert.is(formatPrefix({ family: 4, network: 0x0a010200n, prefixLen: 24 }), '10.1.2.0/24');
  assert.is(formatPrefix({ family: 6, network: 0x20010db8000000000000000000000000n, prefixLen: 64 }), '2001:db8::/64');
  assert.is(formatPrefix({ family: 6, network: 0n, prefixLen: 0 }), '::/0');
  assert.is(formatPrefix({ family: 4, network: 0n, prefixLen: 0 }), '0.0.0.0/0');
  // A v4-mapped network held as family 6 prints as Go's IPNet.String() does.
  assert.is(formatPrefix({ family: 6, network: 0xffff01020300n, prefixLen: 120 }), '1.2.3.0/24');
});

test('prefixOf clears the host bits', () => {
  assert.equal(prefixOf({ ip: ip('192.0.2.77'), prefixLen: 26 }), { family: 4, network: 0xc0000240n, prefixLen: 26 });
  assert.is(formatPrefix(prefixOf(parseIPWithPrefix('2001:db8:abcd:12::9/60')!)), '2001:db8:abcd:10::/60');
  assert.is(formatPrefix(prefixOf({ ip: ip('10.9.8.7'), prefixLen: 0 })), '0.0.0.0/0');
  assert.is(formatPrefix(prefixOf({ ip: ip('10.9.8.7'), prefixLen: 32 })), '10.9.8.7/32');
});

test('hasHostBits reports bits set below the prefix length', () => {
  const cases: [string, number, boolean][] = [
    ['192.0.2.1', 24, true],
    ['192.0.2.0', 24, false],
    ['10.0.0.0', 8, false],
    ['10.0.0.0', 7, false],
    ['11.0.0.0', 7, true],
    ['10.0.0.1', 32, false],
    ['10.0.0.1', 0, true],
    ['0.0.0.0', 0, false],
    ['2001:db8::1', 64, true],
    ['2001:db8::', 32, false],
    ['2001:db8::', 28, true],
    ['::1', 128, false],
  ];
  for (const [text, len, want] of cases) assert.is(hasHostBits(ip(text), len), want, `${text}/${len}`);
});

test('hasHostBits and prefixOf build host-local "host bits set" error text', () => {
  const a = parseIPWithPrefix('192.0.2.1/24')!;
  assert.ok(hasHostBits(a.ip, a.prefixLen));
  const message = `Network has host bits set. For a subnet mask of length ${a.prefixLen} the network address is ${formatIP(firstAddress(prefixOf(a)))}`;
  assert.is(message, 'Network has host bits set. For a subnet mask of length 24 the network address is 192.0.2.0');
});

test('hasHostBits throws on a length outside the family', () => {
  assert.throws(() => hasHostBits(ip('10.0.0.1'), 33), RangeError);
  assert.throws(() => hasHostBits(ip('10.0.0.1'), -1), RangeError);
  assert.throws(() => hasHostBits(ip('::1'), 129), RangeError);
});

test('contains tests membership and is false across families', () => {
  const cases: [string, string, boolean][] = [
    ['172.16.0.0/12', '172.16.1.1', true],
    ['172.16.0.0/13', '172.24.0.1', false],
    ['10.1.2.0/24', '10.1.2.0', true],
    ['10.1.2.0/24', '10.1.2.255', true],
    ['10.1.2.0/24', '10.1.3.0', false],
    ['10.1.2.0/24', '10.1.1.255', false],
    ['0.0.0.0/0', '255.255.255.255', true],
    ['10.0.0.1/32', '10.0.0.1', true],
    ['10.0.0.1/32', '10.0.0.2', false],
    ['2001:db8:1::/47', '2001:db8:1:2::1', true],
    ['2001:db8:2::/47', '2001:db8:1:2::1', false],
    ['::/0', '::1', true],
    ['::/0', '10.0.0.1', false], // IPv4 is not inside ::/0, as in Go
    ['0.0.0.0/0', '::1', false],
    ['::/0', '::ffff:10.0.0.1', false], // v4-mapped is IPv4
    ['10.0.0.0/8', '::ffff:10.0.0.1', true],
  ];
  for (const [net, addr, want] of cases) assert.is(contains(prefix(net), ip(addr)), want, `${net} ∋ ${addr}`);
});

test('overlaps is symmetric, covers nesting and is false across families', () => {
  const cases: [string, string, boolean][] = [
    ['10.0.0.0/8', '10.1.0.0/16', true],
    ['10.1.0.0/16', '10.0.0.0/8', true],
    ['10.0.0.0/24', '10.0.0.0/24', true],
    ['10.0.0.0/24', '10.0.1.0/24', false],
    ['10.0.0.0/23', '10.0.1.0/24', true],
    ['10.0.0.128/25', '10.0.0.0/25', false],
    ['0.0.0.0/0', '192.168.0.0/16', true],
    ['2001:db8::/32', '2001:db8:1::/64', true],
    ['2001:db8::/64', '2001:db8:0:1::/64', false],
    ['::/0', '10.0.0.0/8', false],
    ['0.0.0.0/0', '::/0', false],
  ];
  for (const [a, b, want] of cases) {
    assert.is(overlaps(prefix(a), prefix(b)), want, `${a} ~ ${b}`);
    assert.is(overlaps(prefix(b), prefix(a)), want, `${b} ~ ${a}`);
  }
});

test('firstAddress and lastAddress give the network and all-ones host part', () => {
  const cases: [string, string, string][] = [
    ['10.1.2.0/24', '10.1.2.0', '10.1.2.255'],
    ['10.0.0.8/29', '10.0.0.8', '10.0.0.15'],
    ['0.0.0.0/0', '0.0.0.0', '255.255.255.255'],
    ['10.0.0.1/32', '10.0.0.1', '10.0.0.1'],
    ['2001:db8:1::/64', '2001:db8:1::', '2001:db8:1:0:ffff:ffff:ffff:ffff'],
    ['::/0', '::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['fd00::/120', 'fd00::', 'fd00::ff'],
  ];
  for (const [net, first, last] of cases) {
    assert.is(formatIP(firstAddress(prefix(net))), first, net);
    assert.is(formatIP(lastAddress(prefix(net))), last, net);
  }
});

test.run();
