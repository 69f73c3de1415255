// The nftables comment naming an attachment: quotes stripped, cut to nft's 128 characters.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { attachmentComment, chainComment, parseAttachmentComment, parseChainComment } from '../../../lib/firewall/names.ts';

test('attachmentComment strips double quotes and truncates to 128 characters', () => {
  const c = attachmentComment({ network: 'n"et', ifname: 'eth0', containerID: 'x'.repeat(200) });
  assert.is(c.length, 128);
  assert.ok(c.includes('net: net, if: eth0, id: xxx'));
});

test('parseChainComment reads back chainComment, also behind portmap\'s "dnat " prefix, and nothing else', () => {
  assert.equal(parseChainComment(chainComment('net', 'ctr-1')), { network: 'net', containerID: 'ctr-1', dnat: false });
  assert.equal(parseChainComment(`dnat ${chainComment('net', 'ctr-1')}`), { network: 'net', containerID: 'ctr-1', dnat: true });
  assert.is(parseChainComment('name: net id: ctr-1'), undefined);
  assert.is(parseChainComment(`x ${chainComment('net', 'ctr-1')}`), undefined);
});

test('parseAttachmentComment reads back attachmentComment, and nothing else', () => {
  const a = { network: 'net', ifname: 'eth0', containerID: 'ctr-1' };
  assert.equal(parseAttachmentComment(attachmentComment(a)), a);
  assert.is(parseAttachmentComment(`x ${attachmentComment(a)}`), undefined);
  assert.is(parseAttachmentComment('net: net, if: eth0, id: ctr-1'), undefined);
});

test.run();
