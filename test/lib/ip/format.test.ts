import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatIP, parseIP } from '../../../lib/ip/index.ts';
import { ip } from '../../helpers/ip-vectors.ts';

const canonical: [input: string, printed: string][] = [
  ['::', '::'],
  ['0:0:0:0:0:0:0:0', '::'],
  ['::1', '::1'],
  ['1::', '1::'],
  ['2001:db8::1', '2001:db8::1'],
  ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
  ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // tie: the first run wins
  ['1:0:0:2:0:0:0:3', '1:0:0:2::3'], // the longest run wins
  ['2001:db8:0:1:0:1:0:1', '2001:db8:0:1:0:1:0:1'], // a single zero group stays
  ['2001:db8:1:0:1:0:1:0', '2001:db8:1:0:1:0:1:0'],
  ['2001:0:0:0:0:1:0:1', '2001::1:0:1'],
  ['2001::1:0:0:1', '2001::1:0:0:1'],
  ['2001:db8:0:0:1::', '2001:db8:0:0:1::'], // the longer trailing run wins
  ['2001:db8::a:b:c:d', '2001:db8::a:b:c:d'],
  ['2001:db8::123:12:1', '2001:db8::123:12:1'],
  ['fe80::', 'fe80::'],
  ['FE80::ABCD', 'fe80::abcd'],
  ['0:1:0:0:0:0:0:0', '0:1::'],
  ['0:0:1:0:0:0:0:0', '0:0:1::'],
  ['1:2:3:4:5:6:7:0', '1:2:3:4:5:6:7:0'],
  ['0:2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8'],
  ['1:0:0:4:5:6:7:8', '1::4:5:6:7:8'],
  ['1:2:3:4:5:6:0:0', '1:2:3:4:5:6::'],
  ['0:0:3:4:5:6:7:8', '::3:4:5:6:7:8'],
  ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['::ffff:1.2.3.4', '1.2.3.4'],
  ['::ffff:102:304', '1.2.3.4'],
  ['::1.2.3.4', '::102:304'], // no mixed notation for non-mapped addresses
  ['64:ff9b::1.2.3.4', '64:ff9b::102:304'],
  ['::fffe:1.2.3.4', '::fffe:102:304'],
  ['::1:ffff:1.2.3.4', '::1:ffff:102:304'],
  ['192.0.2.1', '192.0.2.1'],
  ['0.0.0.0', '0.0.0.0'],
  ['255.255.255.255', '255.255.255.255'],
];

test('formatIP prints Go IP.String() canonical text', () => {
  for (const [input, printed] of canonical) assert.is(formatIP(ip(input)), printed, input);
});

test('formatIP output parses back to the same address', () => {
  for (const [input] of canonical) assert.equal(parseIP(formatIP(ip(input))), ip(input), input);
});

test('formatIP prints a v4-mapped value held as family 6 dotted, as Go does', () => {
  assert.is(formatIP({ family: 6, value: 0xffff0a000001n }), '10.0.0.1');
  assert.is(formatIP({ family: 6, value: 0xffff00000000n }), '0.0.0.0');
});

// A fixed-seed generator keeps the differential test reproducible.
function* randomV6(seed: number, count: number): Generator<bigint> {
  let x = seed;
  const next = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  for (let n = 0; n < count; n++) {
    let v = 0n;
    // Zero groups half the time, so runs of every length and position occur.
    for (let g = 0; g < 8; g++) v = (v << 16n) | BigInt(next() % 2 === 0 ? 0 : next() % 4 === 0 ? 1 : next() & 0xffff);
    yield v;
  }
}

test('formatIP matches the WHATWG URL serializer (same RFC 5952 rules) on random IPv6', () => {
  for (const value of randomV6(0x5eed, 3000)) {
    if (value >> 32n === 0xffffn) continue; // Go prints these dotted, WHATWG in hex
    const full = Array.from({ length: 8 }, (_, g) => ((value >> BigInt(112 - 16 * g)) & 0xffffn).toString(16).padStart(4, '0')).join(':');
    const oracle = new URL(`http://[${full}]/`).hostname.slice(1, -1);
    const a = parseIP(full);
    assert.equal(a, { family: 6, value }, full);
    assert.is(formatIP(a!), oracle, full);
    assert.equal(parseIP(oracle), a, oracle);
  }
});

test.run();
