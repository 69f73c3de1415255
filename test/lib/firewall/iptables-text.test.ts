import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ruleText, ruleTokens } from '../../../lib/firewall/iptables-text.ts';

test('ruleText quotes the arguments iptables-restore would split or unescape', () => {
  const quoteArg = (a: string): string => ruleText([a]);
  assert.is(quoteArg('-p'), '-p');
  assert.is(quoteArg('dnat name: "a" id: "b"'), '"dnat name: \\"a\\" id: \\"b\\""');
  assert.is(quoteArg('a\\b'), '"a\\\\b"');
  assert.is(quoteArg("it's"), '"it\'s"');
  assert.is(quoteArg(''), '""');
});

test('ruleTokens and ruleText round-trip iptables-save quoting', () => {
  const line = '-s 10.1.2.2/32 -m comment --comment "name: \\"testConfig\\" id: \\"dummy\\"" -j CNI-e7f74f5d8b187092b2c2b1cc';
  const t = ruleTokens(line);
  assert.equal(t, ['-s', '10.1.2.2/32', '-m', 'comment', '--comment', 'name: "testConfig" id: "dummy"', '-j', 'CNI-e7f74f5d8b187092b2c2b1cc']);
  assert.is(ruleText(t), line);
  assert.equal(ruleTokens('-m comment --comment x -j ACCEPT'), ['-m', 'comment', '--comment', 'x', '-j', 'ACCEPT']);
  assert.equal(ruleTokens('--comment ""'), ['--comment', '']);
});

test.run();
