import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isIPv4, isIPv6 } from 'node:net';
import { parseIP, type Family } from '../../../lib/ip/index.ts';

const valid: [text: string, family: Family, value: bigint][] = [
  ['127.0.1.2', 4, 0x7f000102n],
  ['0.0.0.0', 4, 0n],
  ['255.255.255.255', 4, 0xffffffffn],
  ['10.0.0.10', 4, 0x0a00000an],
  ['::', 6, 0n],
  ['::1', 6, 1n],
  ['1::', 6, 1n << 112n],
  ['2001:db8::1', 6, 0x20010db8000000000000000000000001n],
  ['2001:DB8::1', 6, 0x20010db8000000000000000000000001n],
  ['2001:4860:0000:2001:0000:0000:0000:0068', 6, 0x20014860000020010000000000000068n],
  ['2001:4860:0:2001::68', 6, 0x20014860000020010000000000000068n],
  ['fe80::', 6, 0xfe800000000000000000000000000000n],
  ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 6, (1n << 128n) - 1n],
  ['1:2:3:4:5:6:7::', 6, 0x00010002000300040005000600070000n],
  ['::2:3:4:5:6:7:8', 6, 0x00000002000300040005000600070008n],
  ['64:ff9b::1.2.3.4', 6, 0x0064ff9b000000000000000001020304n],
  ['::1.2.3.4', 6, 0x01020304n],
  ['1:2:3:4:5:6:1.2.3.4', 6, 0x00010002000300040005000601020304n],
  ['::ffff:0:1.2.3.4', 6, 0xffff000001020304n],
];

test('parseIP accepts Go ParseIP syntax and gives family and value', () => {
  for (const [text, family, value] of valid) {
    assert.equal(parseIP(text), { family, value }, text);
  }
});

test('parseIP folds IPv4-mapped IPv6 into IPv4, in dotted or hex form', () => {
  for (const text of ['::ffff:1.2.3.4', '::ffff:102:304', '0:0:0:0:0:ffff:1.2.3.4', '0:0:0:0::ffff:1.2.3.4', '::FFFF:0102:0304']) {
    assert.equal(parseIP(text), { family: 4, value: 0x01020304n }, text);
  }
  assert.equal(parseIP('::ffff:0.0.0.0'), { family: 4, value: 0n });
  assert.equal(parseIP('::ffff:255.255.255.255'), { family: 4, value: 0xffffffffn });
});

test('parseIP rejects malformed IPv4', () => {
  for (const text of [
    '01.2.3.4', // leading zero
    '1.2.3.04',
    '00.0.0.0',
    '127.001.002.003',
    '0123.0.0.1',
    '1.2.3.256',
    '127.0.0.256',
    '1.2.3',
    '1.2.3.4.5',
    '1.2..4',
    '.1.2.3',
    '1.2.3.',
    '-0.0.0.0',
    '0.-1.0.0',
    '0.0.0.-3',
    '+1.2.3.4',
    '1.2.3.4/24',
    '1.2.3.4:80',
    '0x1.2.3.4',
    '１.2.3.4', // full-width digit
    '1.2.3.4%eth0',
  ]) {
    assert.is(parseIP(text), undefined, text);
  }
});

test('parseIP rejects malformed IPv6', () => {
  for (const text of [
    ':',
    ':::',
    '1:::2',
    '::1::',
    '1::2::3',
    ':1::',
    '1::2:',
    '123:',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7:8::', // "::" must stand for at least one group
    '::1:2:3:4:5:6:7:8',
    '1:2:3:4::5:6:7:8',
    'a1:a2:a3:a4::b1:b2:b3:b4',
    '12345::', // five hex digits
    '::00001',
    '0:0:0:0:000000:ffff:127.1.2.3',
    'g::1',
    '::ffff:127.001.002.003', // leading zero in the IPv4 tail
    '::ffff:1.2.3',
    '::ffff:1.2.3.4.5',
    '::1.2.3.4:5', // IPv4 tail must be last
    '1:2:3:4:5:1.2.3.4', // tail at the wrong place without "::"
    '1:2:3:4:5:6:7:1.2.3.4', // no room for the tail
    '1:2:3:4:5:6::1.2.3.4', // "::" would stand for no group
    '1:2:3:4:5:6:7::1.2.3.4',
    '::a.2.3.4',
  ]) {
    assert.is(parseIP(text), undefined, text);
  }
});

test('parseIP rejects zones, whitespace, empty and non-address text', () => {
  for (const text of ['fe80::1%eth0', 'fe80::1%lo0', 'fe80::1%911', 'fe80::1%', '%eth0', '', ' 1.2.3.4', '1.2.3.4 ', '::1\n', 'abc', 'localhost', '1']) {
    assert.is(parseIP(text), undefined, JSON.stringify(text));
  }
});

// Node's validators implement the same grammar (1-4 hex digits a group, no IPv4 leading
// zeros); they differ only on zones, which these pieces never form.
test('parseIP accepts exactly what node:net accepts on generated text', () => {
  const pieces = ['::', ':', '0', '1', 'ff', 'FFFF', '1.2.3.4', '0.0.0.0', '255.1.0.9', '01.2.3.4', '.', '256', '12345', '0:0', 'ffff:', 'g'];
  let x = 0x1234567;
  const next = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  let accepted = 0;
  for (let n = 0; n < 20000; n++) {
    let s = '';
    for (let len = 1 + (next() % 9); len > 0; len--) s += pieces[next() % pieces.length];
    const want = isIPv4(s) || isIPv6(s);
    assert.is(parseIP(s) !== undefined, want, s);
    if (want) accepted++;
  }
  assert.ok(accepted > 100, `only ${accepted} valid samples`);
});

test.run();
