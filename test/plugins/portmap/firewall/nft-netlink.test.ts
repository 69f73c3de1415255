// Verdict-map keys as the kernel stores them, for the nfnetlink reads.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { keyBytes } from '../../../../plugins/portmap/firewall/nft-netlink.ts';

test('keyBytes: concatenated fields padded to 32-bit registers, ports big-endian', () => {
  assert.equal([...keyBytes({ map: 'm', text: 'tcp . 8080' })], [6, 0, 0, 0, 0x1f, 0x90, 0, 0]);
  assert.equal([...keyBytes({ map: 'm', text: '192.168.0.2 . udp . 53' })], [192, 168, 0, 2, 17, 0, 0, 0, 0, 53, 0, 0]);
  assert.is(keyBytes({ map: 'm', text: '2001:db8::2' }).length, 16);
});

test.run();
