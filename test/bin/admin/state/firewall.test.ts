import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { iptablesObjects, nftObjects } from '../../../../bin/admin/state/firewall.ts';
import type { NftObject } from '../../../../lib/firewall/nft-listing.ts';

test('iptablesObjects: the commented jumps of masquerade and port mapping, with their network and container ID', () => {
  const save = [
    '*nat',
    ':CNI-HOSTPORT-DNAT - [0:0]',
    '-A POSTROUTING -s 10.1.0.2/32 -m comment --comment "name: \\"net-a\\" id: \\"c1\\"" -j CNI-3f2e',
    '-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"net-a\\" id: \\"c1\\"" -m multiport --dports 8080 -j CNI-DN-3f2e',
    '-A CNI-3f2e -d 10.1.0.0/24 -m comment --comment "name: \\"net-a\\" id: \\"c1\\"" -j ACCEPT',
    '-A POSTROUTING -m comment --comment "kube" -j KUBE-POSTROUTING',
    'COMMIT',
  ].join('\n');
  assert.equal(iptablesObjects(save, 'iptables'), [
    { backend: 'iptables', what: 'iptables nat chain CNI-3f2e (masquerade)', network: 'net-a', containerID: 'c1' },
    { backend: 'iptables', what: 'iptables nat chain CNI-DN-3f2e (port mapping)', network: 'net-a', containerID: 'c1' },
  ]);
});

test('nftObjects: chains and rules whose comment names an attachment, with its ifname', () => {
  const comment = '0123456789abcdef-fedcba9876543210, net: net-a, if: eth0, id: c1';
  const objects: NftObject[] = [
    { table: { family: 'ip', name: 'cni_hostport' } },
    { chain: { family: 'ip', table: 'cni_hostport', name: 'dn-0123456789abcdef-fedcba9876543210', comment } },
    { rule: { family: 'inet', table: 'cni_plugins_masquerade', chain: 'masq_checks', handle: 7, comment } },
    { rule: { family: 'inet', table: 'other', chain: 'x', handle: 8, comment: 'something else' } },
  ];
  assert.equal(nftObjects(objects), [
    { backend: 'nftables', what: 'nft ip cni_hostport chain dn-0123456789abcdef-fedcba9876543210', network: 'net-a', ifname: 'eth0', containerID: 'c1' },
    { backend: 'nftables', what: 'nft inet cni_plugins_masquerade masq_checks rule handle 7', network: 'net-a', ifname: 'eth0', containerID: 'c1' },
  ]);
});

test.run();
