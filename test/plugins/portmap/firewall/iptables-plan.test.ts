// The iptables plan against the reference's own expectations (portmap_iptables_test.go).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { entryComment, markText, planIptables, sharedChains, trimComment } from '../../../../plugins/portmap/firewall/iptables-plan.ts';
import type { ContainerIP, ForwardSpec, PortmapOptions } from '../../../../plugins/portmap/firewall/types.ts';
import { referenceConf, V4, V6 } from '../../../helpers/portmap-fixtures.ts';

const ID = 'icee6giejonei6sohng6ahngee7laquohquee9shiGo7fohferakah3Feiyoolu2pei7ciPhoh7shaoX6vai3vuf0ahfaeng8yohb9ceu0daez5hashee8ooYai5wa3y';

const conf = referenceConf({ conditionsV4: ['-a', 'b'], conditionsV6: ['-c', 'd'] });

const spec = (ip: ContainerIP, options: Partial<PortmapOptions> = {}): ForwardSpec => ({
  attachment: { network: conf.name, containerID: ID, ifname: 'foo' },
  options: { ...conf.options, ...options },
  mappings: conf.mappings,
  ip,
});

test('planIptables: the reference standard container chain (v4)', () => {
  const p = planIptables(spec(V4));
  assert.is(p.chain, 'CNI-DN-67e92b96e692a494b6b85');
  const comment = `dnat name: "test" id: "${ID}"`;
  assert.equal(p.entryRules, [
    ['-m', 'comment', '--comment', comment, '-m', 'multiport', '-p', 'tcp', '--destination-ports', '8080,8081,8083,8084,8085,8086', '-a', 'b', '-j', p.chain],
    ['-m', 'comment', '--comment', comment, '-m', 'multiport', '-p', 'udp', '--destination-ports', '8080,8082', '-a', 'b', '-j', p.chain],
  ]);
  assert.equal(p.rules, [
    ['-p', 'tcp', '--dport', '8080', '-s', '10.0.0.2/24', '-j', 'CNI-HOSTPORT-SETMARK'],
    ['-p', 'tcp', '--dport', '8080', '-s', '127.0.0.1', '-j', 'CNI-HOSTPORT-SETMARK'],
    ['-p', 'tcp', '--dport', '8080', '-j', 'DNAT', '--to-destination', '10.0.0.2:80'],
    ['-p', 'tcp', '--dport', '8081', '-s', '10.0.0.2/24', '-j', 'CNI-HOSTPORT-SETMARK'],
    ['-p', 'tcp', '--dport', '8081', '-s', '127.0.0.1', '-j', 'CNI-HOSTPORT-SETMARK'],
    ['-p', 'tcp', '--dport', '8081', '-j', 'DNAT', '--to-destination', '10.0.0.2:80'],
    ['-p', 'udp', '--dport', '8080', '-s', '10.0.0.2/24', '-j', 'CNI-HOSTPORT-SETMARK'],
    ['-p', 'udp', '--dport', '8080', '-s', '127.0.0.1', '-j', 'CNI-HOSTPORT-SETMARK'],
    ['-p', 'udp', '--dport', '8080', '-j', 'DNAT', '--to-destination', '10.0.0.2:81'],
    ['-p', 'udp', '--dport', '8082', '-s', '10.0.0.2/24', '-j', 'CNI-HOSTPORT-SETMARK'],
    ['-p', 'udp', '--dport', '8082', '-s', '127.0.0.1', '-j', 'CNI-HOSTPORT-SETMARK'],
    ['-p', 'udp', '--dport', '8082', '-j', 'DNAT', '--to-destination', '10.0.0.2:82'],
    ['-p', 'tcp', '--dport', '8083', '-d', '192.168.0.2', '-s', '10.0.0.2/24', '-j', 'CNI-HOSTPORT-SETMARK'],
    ['-p', 'tcp', '--dport', '8083', '-d', '192.168.0.2', '-s', '127.0.0.1', '-j', 'CNI-HOSTPORT-SETMARK'],
    ['-p', 'tcp', '--dport', '8083', '-d', '192.168.0.2', '-j', 'DNAT', '--to-destination', '10.0.0.2:83'],
    ['-p', 'tcp', '--dport', '8084', '-s', '10.0.0.2/24', '-j', 'CNI-HOSTPORT-SETMARK'],
    ['-p', 'tcp', '--dport', '8084', '-s', '127.0.0.1', '-j', 'CNI-HOSTPORT-SETMARK'],
    ['-p', 'tcp', '--dport', '8084', '-j', 'DNAT', '--to-destination', '10.0.0.2:84'],
  ]);
});

test('planIptables: the reference v6 rules (no localhost rule, v6 conditions)', () => {
  const p = planIptables(spec(V6));
  assert.equal(p.entryRules.map((r) => r.slice(-4)), [['-c', 'd', '-j', p.chain], ['-c', 'd', '-j', p.chain]]);
  assert.equal(p.rules, [
    ['-p', 'tcp', '--dport', '8080', '-s', '2001:db8::2/64', '-j', 'CNI-HOSTPORT-SETMARK'],
    ['-p', 'tcp', '--dport', '8080', '-j', 'DNAT', '--to-destination', '[2001:db8::2]:80'],
    ['-p', 'tcp', '--dport', '8081', '-s', '2001:db8::2/64', '-j', 'CNI-HOSTPORT-SETMARK'],
    ['-p', 'tcp', '--dport', '8081', '-j', 'DNAT', '--to-destination', '[2001:db8::2]:80'],
    ['-p', 'udp', '--dport', '8080', '-s', '2001:db8::2/64', '-j', 'CNI-HOSTPORT-SETMARK'],
    ['-p', 'udp', '--dport', '8080', '-j', 'DNAT', '--to-destination', '[2001:db8::2]:81'],
    ['-p', 'udp', '--dport', '8082', '-s', '2001:db8::2/64', '-j', 'CNI-HOSTPORT-SETMARK'],
    ['-p', 'udp', '--dport', '8082', '-j', 'DNAT', '--to-destination', '[2001:db8::2]:82'],
    ['-p', 'tcp', '--dport', '8085', '-d', '2001:db8:a::1', '-s', '2001:db8::2/64', '-j', 'CNI-HOSTPORT-SETMARK'],
    ['-p', 'tcp', '--dport', '8085', '-d', '2001:db8:a::1', '-j', 'DNAT', '--to-destination', '[2001:db8::2]:85'],
    ['-p', 'tcp', '--dport', '8086', '-s', '2001:db8::2/64', '-j', 'CNI-HOSTPORT-SETMARK'],
    ['-p', 'tcp', '--dport', '8086', '-j', 'DNAT', '--to-destination', '[2001:db8::2]:86'],
  ]);
});

test('planIptables: snat false leaves only the DNAT rules and no mark chains', () => {
  const p = planIptables(spec(V4, { snat: false }));
  assert.equal(p.rules, [
    ['-p', 'tcp', '--dport', '8080', '-j', 'DNAT', '--to-destination', '10.0.0.2:80'],
    ['-p', 'tcp', '--dport', '8081', '-j', 'DNAT', '--to-destination', '10.0.0.2:80'],
    ['-p', 'udp', '--dport', '8080', '-j', 'DNAT', '--to-destination', '10.0.0.2:81'],
    ['-p', 'udp', '--dport', '8082', '-j', 'DNAT', '--to-destination', '10.0.0.2:82'],
    ['-p', 'tcp', '--dport', '8083', '-d', '192.168.0.2', '-j', 'DNAT', '--to-destination', '10.0.0.2:83'],
    ['-p', 'tcp', '--dport', '8084', '-j', 'DNAT', '--to-destination', '10.0.0.2:84'],
  ]);
  assert.equal(p.shared.map((c) => c.name), ['CNI-HOSTPORT-DNAT']);
});

test('planIptables: an external mark chain is jumped to, and no mark chain is made', () => {
  const s = spec(V4, { externalSetMarkChain: 'PLZ-SET-MARK' });
  const p = planIptables({ ...s, mappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] });
  assert.equal(p.rules, [
    ['-p', 'tcp', '--dport', '8080', '-s', '10.0.0.2/24', '-j', 'PLZ-SET-MARK'],
    ['-p', 'tcp', '--dport', '8080', '-s', '127.0.0.1', '-j', 'PLZ-SET-MARK'],
    ['-p', 'tcp', '--dport', '8080', '-j', 'DNAT', '--to-destination', '10.0.0.2:80'],
  ]);
  assert.equal(p.shared.map((c) => c.name), ['CNI-HOSTPORT-DNAT']);
});

test('planIptables: masqAll matches every source and drops the localhost rule', () => {
  const p = planIptables({ ...spec(V4, { masqAll: true }), mappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] });
  assert.equal(p.rules[0], ['-p', 'tcp', '--dport', '8080', '-s', '0.0.0.0/0', '-j', 'CNI-HOSTPORT-SETMARK']);
  assert.is(p.rules.length, 2);
  const p6 = planIptables({ ...spec(V6, { masqAll: true }), mappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] });
  assert.equal(p6.rules[0], ['-p', 'tcp', '--dport', '8080', '-s', '::/0', '-j', 'CNI-HOSTPORT-SETMARK']);
});

test('sharedChains: the reference top-level and mark chains (mark bit 5)', () => {
  const chains = sharedChains({ options: { snat: true, masqAll: false, markMasqBit: 5 } });
  assert.equal(chains, [
    { name: 'CNI-HOSTPORT-SETMARK', rules: [['-m', 'comment', '--comment', 'CNI portfwd masquerade mark', '-j', 'MARK', '--set-xmark', '0x20/0x20']], entries: [] },
    {
      name: 'CNI-HOSTPORT-MASQ',
      rules: [['-m', 'mark', '--mark', '0x20/0x20', '-j', 'MASQUERADE']],
      entries: [{ chain: 'POSTROUTING', rule: ['-m', 'comment', '--comment', 'CNI portfwd requiring masquerade', '-j', 'CNI-HOSTPORT-MASQ'], prepend: true }],
    },
    {
      name: 'CNI-HOSTPORT-DNAT',
      rules: [],
      entries: ['PREROUTING', 'OUTPUT'].map((chain) => ({ chain, rule: ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'CNI-HOSTPORT-DNAT'], prepend: false })),
    },
  ]);
  assert.is(markText(13), '0x2000/0x2000');
  assert.is(markText(31), '0x80000000/0x80000000');
  assert.is(markText(0), '0x1/0x1');
});

test('planIptables: 16 ports make two entry rules (15 + 1); identical rules appear once', () => {
  const mappings = Array.from({ length: 16 }, (_, i) => ({ hostPort: 9000 + i, containerPort: 80, protocol: 'tcp' as const }));
  const p = planIptables({ ...spec(V4), mappings });
  assert.equal(p.entryRules.map((r) => r[9]), [Array.from({ length: 15 }, (_, i) => 9000 + i).join(','), '9015']);
  const dup = planIptables({ ...spec(V4, { snat: true }), mappings: [{ hostPort: 1, containerPort: 2, protocol: 'tcp' }, { hostPort: 1, containerPort: 3, protocol: 'tcp' }] });
  assert.is(dup.rules.length, 4); // 2 mark rules shared, 2 DNAT rules
  assert.is(dup.entryRules.length, 1);
  assert.is(dup.entryRules[0]![9], '1,1');
});

test('trimComment: 255 bytes at most, cut to 253 plus "..."', () => {
  assert.is(trimComment('x'.repeat(255)), 'x'.repeat(255));
  assert.is(trimComment('x'.repeat(256)), `${'x'.repeat(253)}...`);
  assert.is(entryComment({ network: 'n', containerID: 'c' }), 'dnat name: "n" id: "c"');
});

test.run();
