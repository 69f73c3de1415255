// The nftables comment naming an attachment: quotes stripped, cut to nft's 128 characters.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { attachmentComment } from '../../../lib/firewall/names.ts';

test('attachmentComment strips double quotes and truncates to 128 characters', () => {
  const c = attachmentComment({ network: 'n"et', ifname: 'eth0', containerID: 'x'.repeat(200) });
  assert.is(c.length, 128);
  assert.ok(c.includes('net: net, if: eth0, id: xxx'));
});

test.run();
