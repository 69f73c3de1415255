// Netlink attribute encoding: padding and the nested flag.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { attr, str, u8 } from '../../../lib/net/codec.ts';

const test = suite('net codec');

const hex = (b: Buffer): string => b.toString('hex');

test('attr pads to 4 bytes and keeps NLA_F_NESTED in the type', () => {
  assert.is(hex(attr(3, str('br0'))), '0800030062723000');
  assert.is(hex(attr(4, u8(1))), '0500040001000000');
  assert.is(hex(attr(0x8000 | 12, attr(4, u8(1)))), '0c000c800500040001000000');
});

test.run();
