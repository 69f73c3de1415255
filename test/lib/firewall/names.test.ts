import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { chainComment, chainName, hash16, sha512Hex } from '../../../lib/firewall/names.ts';

test('chainName matches the reference ipMasq vector', () => {
  assert.is(chainName('testConfig', 'dummy'), 'CNI-e7f74f5d8b187092b2c2b1cc');
});

test('chainName with the DN- prefix matches the reference portmap vectors', () => {
  const id = 'icee6giejonei6sohng6ahngee7laquohquee9shiGo7fohferakah3Feiyoolu2pei7ciPhoh7shaoX6vai3vuf0ahfaeng8yohb9ceu0daez5hashee8ooYai5wa3y';
  assert.is(chainName('test', id, 'DN-'), 'CNI-DN-67e92b96e692a494b6b85');
  assert.is(chainName('testNetName', id, 'DN-'), 'CNI-DN-bfd599665540dd91d5d28');
});

test('chainComment quotes like Go %q', () => {
  assert.is(chainComment('net', 'abc'), 'name: "net" id: "abc"');
});

test('hash16 is the first 16 hex characters of SHA-512', () => {
  assert.is(hash16(''), 'cf83e1357eefb8bd');
});

test('sha512Hex (under Bun, its own hasher) equals node:crypto, UTF-8 included', () => {
  for (const text of ['', 'net1cnitool-0123', 'réseau\u00e9\u{1F600}']) {
    assert.is(sha512Hex(text), createHash('sha512').update(text, 'utf8').digest('hex'));
  }
});

test.run();
