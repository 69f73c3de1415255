import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { iptablesObjects, nftObjects } from '../../../../bin/admin/state/firewall.ts';

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

test('nftObjects: chains and rules of `nft -a list ruleset` whose comment names an attachment, with its ifname', () => {
  const comment = '"0123456789abcdef-fedcba9876543210, net: net-a, if: eth0, id: c1"';
  const listing = [
    'table inet cni_plugins_masquerade { # handle 1',
    '\tcomment "Masquerading for plugins from github.com/containernetworking/plugins"',
    '\tchain masq_checks { # handle 1',
    '\t\tcomment "Masquerade traffic from certain IPs to any (non-multicast) IP outside their subnet"',
    `\t\tip saddr 10.1.0.2 ip daddr != 10.1.0.0/24 masquerade comment ${comment} # handle 6`,
    '\t}',
    '}',
    'table ip cni_hostport { # handle 2',
    '\tmap hostports { # handle 3',
    '\t\telements = { tcp . 8080 : goto dn-0123456789abcdef-fedcba9876543210 }',
    '\t}',
    '\tchain dn-0123456789abcdef-fedcba9876543210 { # handle 18',
    `\t\tcomment ${comment}`,
    '\t\ttcp dport 8080 dnat to 10.1.0.2:80 # handle 19',
    '\t}',
    '}',
  ].join('\n');
  assert.equal(nftObjects(listing), [
    { backend: 'nftables', what: 'nft inet cni_plugins_masquerade masq_checks rule handle 6', network: 'net-a', ifname: 'eth0', containerID: 'c1' },
    { backend: 'nftables', what: 'nft ip cni_hostport chain dn-0123456789abcdef-fedcba9876543210', network: 'net-a', ifname: 'eth0', containerID: 'c1' },
  ]);
});

test.run();
