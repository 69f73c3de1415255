import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  addToIP,
  bitsOf,
  compareIP,
  firstAddress,
  formatIP,
  ipEqual,
  ipRange,
  lastAddress,
  nextIP,
  prevIP,
  type IPAddr,
} from '../../../lib/ip/index.ts';
import { ip, prefix } from '../../helpers/ip-vectors.ts';

const text = (a: IPAddr | undefined): string | undefined => (a === undefined ? undefined : formatIP(a));

test('bitsOf gives the family width', () => {
  assert.is(bitsOf(4), 32);
  assert.is(bitsOf(6), 128);
});

test('nextIP steps across octet and group boundaries', () => {
  const cases: [string, string][] = [
    ['10.0.0.1', '10.0.0.2'],
    ['10.0.0.255', '10.0.1.0'],
    ['10.255.255.255', '11.0.0.0'],
    ['0.0.0.0', '0.0.0.1'],
    ['::', '::1'],
    ['::ffff', '::1:0'],
    ['2001:db8::ffff:ffff', '2001:db8::1:0:0'],
    ['2001:db8:1:0:ffff:ffff:ffff:ffff', '2001:db8:1:1::'],
    ['fe80::', 'fe80::1'],
  ];
  for (const [from, to] of cases) assert.is(text(nextIP(ip(from))), to, from);
});

test('nextIP is undefined past the top of the family, without crossing into the other', () => {
  assert.is(nextIP(ip('255.255.255.255')), undefined);
  assert.is(nextIP(ip('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')), undefined);
  assert.equal(nextIP(ip('255.255.255.254')), { family: 4, value: 0xffffffffn });
});

test('prevIP steps back across boundaries and is undefined below zero', () => {
  const cases: [string, string][] = [
    ['10.0.1.0', '10.0.0.255'],
    ['11.0.0.0', '10.255.255.255'],
    ['0.0.0.1', '0.0.0.0'],
    ['::1:0', '::ffff'],
    ['2001:db8:1:1::', '2001:db8:1:0:ffff:ffff:ffff:ffff'],
    ['::1', '::'],
  ];
  for (const [from, to] of cases) assert.is(text(prevIP(ip(from))), to, from);
  assert.is(prevIP(ip('0.0.0.0')), undefined);
  assert.is(prevIP(ip('::')), undefined);
});

test('addToIP adds signed offsets within the family range', () => {
  assert.is(text(addToIP(ip('10.0.0.0'), 256n)), '10.0.1.0');
  assert.is(text(addToIP(ip('10.0.1.0'), -257n)), '9.255.255.255');
  assert.is(text(addToIP(ip('10.0.0.5'), 0n)), '10.0.0.5');
  assert.is(text(addToIP(ip('2001:db8::'), 1n << 64n)), '2001:db8:0:1::');
  assert.is(text(addToIP(ip('0.0.0.0'), 0xffffffffn)), '255.255.255.255');
  assert.is(addToIP(ip('0.0.0.0'), 0x100000000n), undefined);
  assert.is(addToIP(ip('0.0.0.1'), -2n), undefined);
  assert.is(addToIP(ip('::'), 1n << 128n), undefined);
});

test('host-local defaults: first usable is network+1, v4 end is broadcast-1, v6 end is all-ones', () => {
  const v4 = prefix('10.1.2.0/24');
  assert.is(text(nextIP(firstAddress(v4))), '10.1.2.1');
  assert.is(text(prevIP(lastAddress(v4))), '10.1.2.254');
  const v6 = prefix('2001:db8:1::/64');
  assert.is(text(nextIP(firstAddress(v6))), '2001:db8:1::1');
  assert.is(text(lastAddress(v6)), '2001:db8:1:0:ffff:ffff:ffff:ffff');
  // The address after a v6 range's all-ones end leaves the subnet: host-local wraps there.
  assert.is(text(nextIP(lastAddress(v6))), '2001:db8:1:1::');
});

test('ipRange iterates a /29 inclusively', () => {
  const p = prefix('10.0.0.8/29');
  const all = [...ipRange(nextIP(firstAddress(p))!, prevIP(lastAddress(p))!)].map(formatIP);
  assert.equal(all, ['10.0.0.9', '10.0.0.10', '10.0.0.11', '10.0.0.12', '10.0.0.13', '10.0.0.14']);
});

test('ipRange handles single addresses, empty ranges, octet carry and the v6 top', () => {
  assert.equal([...ipRange(ip('10.0.0.1'), ip('10.0.0.1'))].map(formatIP), ['10.0.0.1']);
  assert.equal([...ipRange(ip('10.0.0.2'), ip('10.0.0.1'))], []);
  assert.equal([...ipRange(ip('10.0.0.254'), ip('10.0.1.1'))].map(formatIP), ['10.0.0.254', '10.0.0.255', '10.0.1.0', '10.0.1.1']);
  assert.equal([...ipRange(ip('ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe'), ip('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'))].map(formatIP), [
    'ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe',
    'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
  ]);
  assert.equal([...ipRange(ip('255.255.255.254'), ip('255.255.255.255'))].map(formatIP), ['255.255.255.254', '255.255.255.255']);
});

test('ipRange is lazy over a huge v6 range and refuses mixed families', () => {
  const it = ipRange(ip('2001:db8::'), ip('2001:db8::ffff:ffff:ffff:ffff'));
  assert.is(text(it.next().value as IPAddr), '2001:db8::');
  assert.is(text(it.next().value as IPAddr), '2001:db8::1');
  assert.throws(() => [...ipRange(ip('10.0.0.1'), ip('::1'))], RangeError);
});

test('compareIP orders by value within a family and IPv4 before IPv6', () => {
  const sorted = ['0.0.0.0', '9.255.255.255', '10.0.0.1', '10.0.0.2', '255.255.255.255', '::', '::1', '::1:2.3.4.5', '2001:db8::', 'ffff::'];
  const shuffled = [...sorted].reverse().map(ip);
  assert.equal(shuffled.sort(compareIP).map(formatIP), sorted.map((s) => formatIP(ip(s))));
  assert.is(compareIP(ip('10.0.0.1'), ip('10.0.0.1')), 0);
  assert.is(compareIP(ip('10.0.0.1'), ip('10.0.0.2')), -1);
  assert.is(compareIP(ip('::'), ip('255.255.255.255')), 1);
});

test('ipEqual matches family and value, and an IPv4 address equals its mapped form', () => {
  assert.ok(ipEqual(ip('10.0.0.1'), ip('::ffff:10.0.0.1')));
  assert.ok(ipEqual(ip('2001:db8::1'), ip('2001:DB8:0::1')));
  assert.not.ok(ipEqual(ip('10.0.0.1'), ip('10.0.0.2')));
  assert.not.ok(ipEqual(ip('0.0.0.1'), ip('::1'))); // same value, different family
  assert.ok(ipEqual({ family: 6, value: 0xffff0a000001n }, ip('10.0.0.1'))); // Go's IP.Equal
});

test.run();
