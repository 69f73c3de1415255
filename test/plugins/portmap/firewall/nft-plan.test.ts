// The nftables plan: the reference skeleton verbatim, then our per-attachment chains and
// verdict-map elements, for the reference test's mappings.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dnChain, expectedKeys, masqChain, planNftAdd, planNftDel, skeleton } from '../../../../plugins/portmap/firewall/nft-plan.ts';
import type { ContainerIP, ForwardSpec } from '../../../../plugins/portmap/firewall/types.ts';
import { referenceConf, V4, V6 } from '../../../helpers/portmap-fixtures.ts';
import { attachmentComment, attachmentHash, hash16 } from '../../../../lib/firewall/names.ts';

const conf = referenceConf({ backend: 'nftables', conditionsV4: ['a', 'b'], conditionsV6: ['c', 'd'] });

const A = { network: 'test', containerID: 'icee6giejonei6so', ifname: 'foo' };

const spec = (ip: ContainerIP, snat = true): ForwardSpec => ({ attachment: A, options: { ...conf.options, snat }, mappings: conf.mappings, ip });

test('instance identity: hash16(network)-hash16(ifname:id), as the reference ipmasq nft comments', () => {
  assert.is(attachmentHash(A), `${hash16('test')}-${hash16('foo:icee6giejonei6so')}`);
  assert.is(dnChain(A), `dn-${attachmentHash(A)}`);
  assert.is(attachmentComment(A), `${attachmentHash(A)}, net: test, if: foo, id: icee6giejonei6so`);
  assert.is(attachmentComment({ ...A, containerID: 'x'.repeat(200) }).length, 128);
});

test('skeleton: the reference table and chains, prerouting/output on fib daddr type local', () => {
  const s = skeleton(4, true).join('\n');
  for (const line of [
    'add table ip cni_hostport { comment "CNI portmap plugin" ; }',
    'add chain ip cni_hostport hostip_hostports',
    'add chain ip cni_hostport hostports',
    'add chain ip cni_hostport hostports_all',
    'add chain ip cni_hostport masquerading { type nat hook postrouting priority 100 ; }',
    'add chain ip cni_hostport output { type nat hook output priority -100 ; }',
    'add chain ip cni_hostport prerouting { type nat hook prerouting priority -100 ; }',
    'add rule ip cni_hostport hostports_all jump hostip_hostports',
    'add rule ip cni_hostport hostports_all jump hostports',
    'add rule ip cni_hostport output fib daddr type local jump hostports_all',
    'add rule ip cni_hostport prerouting fib daddr type local jump hostports_all',
  ]) assert.ok(s.includes(line), line);
  assert.not.ok(skeleton(6, false).join('\n').includes('masquerading'));
});

test('planNftAdd (v4): the attachment chain carries its network conditions; keys point at it', () => {
  const text = planNftAdd(spec(V4));
  const dn = dnChain(A);
  const mq = masqChain(A);
  const own = text.split('\n').slice(skeleton(4, true).length).join('\n');
  assert.is(
    own,
    [
      `add chain ip cni_hostport ${dn} { comment "${attachmentComment(A)}" ; }`,
      `flush chain ip cni_hostport ${dn}`,
      `add rule ip cni_hostport ${dn} a b tcp dport 8080 dnat to 10.0.0.2:80`,
      `add rule ip cni_hostport ${dn} a b tcp dport 8081 dnat to 10.0.0.2:80`,
      `add rule ip cni_hostport ${dn} a b udp dport 8080 dnat to 10.0.0.2:81`,
      `add rule ip cni_hostport ${dn} a b udp dport 8082 dnat to 10.0.0.2:82`,
      `add rule ip cni_hostport ${dn} a b ip daddr 192.168.0.2 tcp dport 8083 dnat to 10.0.0.2:83`,
      `add rule ip cni_hostport ${dn} a b tcp dport 8084 dnat to 10.0.0.2:84`,
      `add element ip cni_hostport hostports_vmap { tcp . 8080 : goto ${dn} }`,
      `add element ip cni_hostport hostports_vmap { tcp . 8081 : goto ${dn} }`,
      `add element ip cni_hostport hostports_vmap { udp . 8080 : goto ${dn} }`,
      `add element ip cni_hostport hostports_vmap { udp . 8082 : goto ${dn} }`,
      `add element ip cni_hostport hostip_hostports_vmap { 192.168.0.2 . tcp . 8083 : goto ${dn} }`,
      `add element ip cni_hostport hostports_vmap { tcp . 8084 : goto ${dn} }`,
      `add chain ip cni_hostport ${mq} { comment "${attachmentComment(A)}" ; }`,
      `flush chain ip cni_hostport ${mq}`,
      `add rule ip cni_hostport ${mq} ip saddr 10.0.0.2 masquerade`,
      `add rule ip cni_hostport ${mq} ip saddr 127.0.0.1 masquerade`,
      `add element ip cni_hostport masquerading_vmap { 10.0.0.2 : goto ${mq} }`,
      '',
    ].join('\n'),
  );
});

test('planNftAdd (v6, snat off): v6 table, bracketed targets, no masquerading', () => {
  const text = planNftAdd(spec(V6, false));
  assert.ok(text.includes(`add rule ip6 cni_hostport ${dnChain(A)} c d ip6 daddr 2001:db8:a::1 tcp dport 8085 dnat to [2001:db8::2]:85`));
  assert.ok(text.includes(`add element ip6 cni_hostport hostip_hostports_vmap { 2001:db8:a::1 . tcp . 8085 : goto ${dnChain(A)} }`));
  assert.ok(text.includes(`add rule ip6 cni_hostport ${dnChain(A)} c d tcp dport 8086 dnat to [2001:db8::2]:86`));
  assert.not.ok(text.includes('masq'));
  assert.not.ok(text.includes('8083'));
});

test('planNftAdd with owners: a key held by another chain is replaced, one held by us is left', () => {
  const s: ForwardSpec = { ...spec(V4), mappings: [{ hostPort: 1, containerPort: 2, protocol: 'tcp' }, { hostPort: 3, containerPort: 4, protocol: 'udp' }] };
  const owners = new Map([['hostports_vmap tcp . 1', 'dn-other'], ['hostports_vmap udp . 3', dnChain(A)]]);
  const text = planNftAdd(s, owners);
  assert.ok(text.includes(`delete element ip cni_hostport hostports_vmap { tcp . 1 }\nadd element ip cni_hostport hostports_vmap { tcp . 1 : goto ${dnChain(A)} }`));
  assert.not.ok(text.includes('udp . 3 :'));
});

test('masqAll: one masquerade rule for any source', () => {
  const text = planNftAdd({ ...spec(V4), options: { ...conf.options, masqAll: true } });
  assert.ok(text.includes(`add rule ip cni_hostport ${masqChain(A)} masquerade\n`));
  assert.not.ok(text.includes('127.0.0.1'));
});

test('planNftDel: elements, then chains flushed and deleted; nothing to do is undefined', () => {
  assert.is(planNftDel(4, { elements: [], chains: [] }), undefined);
  assert.is(
    planNftDel(4, { elements: [{ map: 'hostports_vmap', text: 'tcp . 1' }], chains: ['dn-x'] }),
    'delete element ip cni_hostport hostports_vmap { tcp . 1 }\nflush chain ip cni_hostport dn-x\ndelete chain ip cni_hostport dn-x\n',
  );
});

test('expectedKeys: deduplicated DNAT keys plus the masquerade key', () => {
  const keys = expectedKeys({ ...spec(V4), mappings: [{ hostPort: 1, containerPort: 2, protocol: 'tcp' }, { hostPort: 1, containerPort: 3, protocol: 'tcp' }] }, 4, V4);
  assert.equal(keys, [{ map: 'hostports_vmap', text: 'tcp . 1' }, { map: 'masquerading_vmap', text: '10.0.0.2' }]);
});

test('expectedKeys: without the container address, only the DNAT keys', () => {
  assert.equal(expectedKeys({ ...spec(V6), mappings: [{ hostPort: 1, containerPort: 2, protocol: 'udp' }] }, 6), [{ map: 'hostports_vmap', text: 'udp . 1' }]);
});

test.run();
