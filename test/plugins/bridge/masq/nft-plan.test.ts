// ipMasq's nftables planning against the reference's test dump: hashes, comments, GC.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planNftDelete, planNftMasqSetup, staleNftMasqRules } from '../../../../plugins/bridge/masq/nft-plan.ts';
import { attachmentComment } from '../../../../lib/firewall/names.ts';
import type { NftRule } from '../../../../lib/firewall/nft-listing.ts';
import { masqAddresses } from '../../../../plugins/bridge/firewall.ts';

// The containers of the reference's Test_setupIPMasqNFTables (pkg/ip/ipmasq_nftables_linux_test.go).
const containers = [
  { network: 'unit-test', ifname: 'eth0', id: 'one', addrs: ['192.168.1.1/24'] },
  { network: 'unit-test', ifname: 'eth0', id: 'two', addrs: ['192.168.1.2/24', '2001:db8::2/64'] },
  { network: 'unit-test', ifname: 'eth0', id: 'three', addrs: ['192.168.99.5/24'] },
  { network: 'alternate', ifname: 'net1', id: 'three', addrs: ['10.0.0.5/24', '10.0.0.6/24', '10.0.1.7/24', '2001:db8::5/64', '2001:db8::6/64', '2001:db8:1::7/64'] },
];

const REFERENCE_RULES = `
add rule inet cni_plugins_masquerade masq_checks ip saddr == 192.168.1.1 ip daddr != 192.168.1.0/24 masquerade comment "6fd94d501e58f0aa-287fc69eff0574a2, net: unit-test, if: eth0, id: one"
add rule inet cni_plugins_masquerade masq_checks ip saddr == 192.168.1.2 ip daddr != 192.168.1.0/24 masquerade comment "6fd94d501e58f0aa-d750b2c8f0f25d5f, net: unit-test, if: eth0, id: two"
add rule inet cni_plugins_masquerade masq_checks ip6 saddr == 2001:db8::2 ip6 daddr != 2001:db8::/64 masquerade comment "6fd94d501e58f0aa-d750b2c8f0f25d5f, net: unit-test, if: eth0, id: two"
add rule inet cni_plugins_masquerade masq_checks ip saddr == 192.168.99.5 ip daddr != 192.168.99.0/24 masquerade comment "6fd94d501e58f0aa-a4d4adb82b669cfe, net: unit-test, if: eth0, id: three"
add rule inet cni_plugins_masquerade masq_checks ip saddr == 10.0.0.5 ip daddr != 10.0.0.0/24 masquerade comment "82783ef24bdc7036-acb19d111858e348, net: alternate, if: net1, id: three"
add rule inet cni_plugins_masquerade masq_checks ip saddr == 10.0.0.6 ip daddr != 10.0.0.0/24 masquerade comment "82783ef24bdc7036-acb19d111858e348, net: alternate, if: net1, id: three"
add rule inet cni_plugins_masquerade masq_checks ip saddr == 10.0.1.7 ip daddr != 10.0.1.0/24 masquerade comment "82783ef24bdc7036-acb19d111858e348, net: alternate, if: net1, id: three"
add rule inet cni_plugins_masquerade masq_checks ip6 saddr == 2001:db8::5 ip6 daddr != 2001:db8::/64 masquerade comment "82783ef24bdc7036-acb19d111858e348, net: alternate, if: net1, id: three"
add rule inet cni_plugins_masquerade masq_checks ip6 saddr == 2001:db8::6 ip6 daddr != 2001:db8::/64 masquerade comment "82783ef24bdc7036-acb19d111858e348, net: alternate, if: net1, id: three"
add rule inet cni_plugins_masquerade masq_checks ip6 saddr == 2001:db8:1::7 ip6 daddr != 2001:db8:1::/64 masquerade comment "82783ef24bdc7036-acb19d111858e348, net: alternate, if: net1, id: three"
`.trim();

const REFERENCE_SKELETON = `
add table inet cni_plugins_masquerade { comment "Masquerading for plugins from github.com/containernetworking/plugins" ; }
add chain inet cni_plugins_masquerade masq_checks { comment "Masquerade traffic from certain IPs to any (non-multicast) IP outside their subnet" ; }
add chain inet cni_plugins_masquerade postrouting { type nat hook postrouting priority 100 ; }
`.trim();

const POSTROUTING_RULES = `
add rule inet cni_plugins_masquerade postrouting ip daddr == 224.0.0.0/4  return
add rule inet cni_plugins_masquerade postrouting ip6 daddr == ff00::/8  return
add rule inet cni_plugins_masquerade postrouting goto masq_checks
`.trim();

test('planNftMasqSetup writes the reference test dump rule for rule, hashes and comments included', () => {
  const scripts = containers.map((c) => planNftMasqSetup({ network: c.network, ifname: c.ifname, containerID: c.id }, masqAddresses(c.addrs.map((address) => ({ address }))), []));
  const lines = scripts.flatMap((s) => s.trim().split('\n'));
  assert.equal(lines.filter((l) => l.includes(' masq_checks ') && l.startsWith('add rule')).join('\n'), REFERENCE_RULES);
  const first = scripts[0]!.trim().split('\n');
  assert.is(first.slice(0, 3).join('\n'), REFERENCE_SKELETON);
  assert.is(first[3], 'flush chain inet cni_plugins_masquerade postrouting');
  assert.is(first.slice(4, 7).join('\n'), POSTROUTING_RULES);
});

test('planNftMasqSetup deletes stale rules of the same instance by handle, in the same batch', () => {
  const s = planNftMasqSetup({ network: 'unit-test', ifname: 'eth0', containerID: 'one' }, masqAddresses([{ address: '192.168.1.1/24' }]), [7, 9]);
  assert.match(s, 'delete rule inet cni_plugins_masquerade masq_checks handle 7\ndelete rule inet cni_plugins_masquerade masq_checks handle 9\nadd rule');
});

test('staleNftMasqRules: GC keeps valid attachments and other networks, as the reference GC test', () => {
  const rule = (handle: number, net: string, ifname: string, id: string): NftRule => ({ family: 'inet', table: 'cni_plugins_masquerade', chain: 'masq_checks', handle, comment: attachmentComment({ network: net, ifname, containerID: id }) });
  const rules = [rule(1, 'unit-test', 'eth0', 'two'), rule(2, 'unit-test', 'eth0', 'three'), rule(3, 'alternate', 'net1', 'three'), rule(4, 'unit-test', 'eth0', 'four')];
  const stale = staleNftMasqRules(rules, 'unit-test', [{ ifname: 'eth0', containerID: 'two' }, { ifname: 'eth0', containerID: 'three' }, { ifname: 'eth0', containerID: 'one' }]);
  assert.equal(stale.map((r) => r.handle), [4]);
  assert.equal(staleNftMasqRules(rules, 'alternate', []).map((r) => r.handle), [3]);
  assert.is(planNftDelete(stale), 'delete rule inet cni_plugins_masquerade masq_checks handle 4\n');
  assert.is(planNftDelete([]), '');
});

test.run();
