// The exact address messages lib/net builds, and the addresses it reads from kernel answers.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { addressRequest, parseAddress } from '../../../lib/net/addresses.ts';
import { F, RTM, attr, parseAttrs, readU32, u32 } from '../../../lib/net/codec.ts';

const test = suite('net codec');

const hex = (b: Buffer): string => b.toString('hex');

test('addressRequest: IFA_LOCAL and IFA_ADDRESS, IPv4 broadcast below /31, nodad', () => {
  const add = addressRequest('add', 4, '10.1.2.2/24');
  assert.is(add.type, RTM.NEWADDR);
  assert.is(add.flags, F.CREATE | F.EXCL);
  assert.is(hex(add.body.subarray(0, 8)), '0218000004000000');
  const a = parseAttrs(add.body, 8);
  assert.is(hex(a.get(2) ?? Buffer.alloc(0)), '0a010202');
  assert.is(hex(a.get(1) ?? Buffer.alloc(0)), '0a010202');
  assert.is(hex(a.get(4) ?? Buffer.alloc(0)), '0a0102ff');
  assert.not.ok(parseAttrs(addressRequest('add', 4, '10.1.2.2/31').body, 8).has(4));
  const v6 = addressRequest('add', 4, 'fd00::2/64', { noDad: true });
  assert.is(hex(v6.body.subarray(0, 4)), '0a400200');
  assert.is(readU32(parseAttrs(v6.body, 8).get(8) ?? Buffer.alloc(4)), 2);
  assert.is(addressRequest('delete', 4, '10.1.2.2/24').type, RTM.DELADDR);
  assert.throws(() => addressRequest('add', 4, '10.1.2.2'), /invalid CIDR address "10.1.2.2"/);
});

test('parseAddress prints Go-canonical text and reads IFA_FLAGS', () => {
  const data = Buffer.concat([
    Buffer.from([10, 64, 0, 0]), u32(3),
    attr(1, Buffer.from('fd000000000000000000000000000002', 'hex')),
    attr(8, u32(0x40 | 0x08)),
  ]);
  assert.equal(parseAddress(data), { index: 3, family: 6, ip: 'fd00::2', prefixLen: 64, scope: 0, flags: 0x48, tentative: true, dadFailed: true });
});

test.run();
