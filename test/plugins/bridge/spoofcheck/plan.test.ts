// macspoofchk's nftables batches, and the attachments read back from a listing for GC.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { NftObject } from '../../../../lib/firewall/nft-listing.ts';
import { planSpoofSetup, planSpoofTeardown, spoofIface, spoofRefID, spoofRefIDs } from '../../../../plugins/bridge/spoofcheck/plan.ts';

test('planSpoofSetup: the reference table, chains, rules and comments in one batch', () => {
  const ref = spoofRefID('ctr1', 'eth0');
  assert.is(
    planSpoofSetup('veth1a2b3c4d', '02:00:00:00:00:01', ref),
    [
      'add table bridge nat',
      'add chain bridge nat PREROUTING { type filter hook prerouting priority -300 ; policy accept ; }',
      'add chain bridge nat cni-br-iface-ctr1-eth0',
      'add chain bridge nat cni-br-iface-ctr1-eth0-mac',
      'flush chain bridge nat cni-br-iface-ctr1-eth0',
      'flush chain bridge nat cni-br-iface-ctr1-eth0-mac',
      'add rule bridge nat PREROUTING iifname "veth1a2b3c4d" jump cni-br-iface-ctr1-eth0 comment "macspoofchk-ctr1-eth0"',
      'add rule bridge nat cni-br-iface-ctr1-eth0 jump cni-br-iface-ctr1-eth0-mac comment "macspoofchk-ctr1-eth0"',
      'add rule bridge nat cni-br-iface-ctr1-eth0-mac ether saddr 02:00:00:00:00:01 return comment "macspoofchk-ctr1-eth0"',
      'add rule bridge nat cni-br-iface-ctr1-eth0-mac drop comment "macspoofchk-ctr1-eth0"',
      '',
    ].join('\n'),
  );
});

// What `nft -j list table bridge nat` gives after one setup.
const listed: NftObject[] = [
  { table: { family: 'bridge', name: 'nat', handle: 1 } },
  { chain: { family: 'bridge', table: 'nat', name: 'PREROUTING', handle: 1 } },
  { chain: { family: 'bridge', table: 'nat', name: 'cni-br-iface-ctr1-eth0', handle: 2 } },
  { chain: { family: 'bridge', table: 'nat', name: 'cni-br-iface-ctr1-eth0-mac', handle: 3 } },
  {
    rule: {
      family: 'bridge', table: 'nat', chain: 'PREROUTING', handle: 5, comment: 'macspoofchk-ctr1-eth0',
      expr: [{ match: { op: '==', left: { meta: { key: 'iifname' } }, right: 'veth1a2b3c4d' } }, { jump: { target: 'cni-br-iface-ctr1-eth0' } }],
    },
  },
  { rule: { family: 'bridge', table: 'nat', chain: 'PREROUTING', handle: 9, comment: 'macspoofchk-other-eth0' } },
];

test('planSpoofTeardown deletes the PREROUTING rule by comment, then both chains; nothing when gone', () => {
  assert.is(
    planSpoofTeardown(listed, ['ctr1-eth0']),
    'delete rule bridge nat PREROUTING handle 5\ndelete chain bridge nat cni-br-iface-ctr1-eth0\ndelete chain bridge nat cni-br-iface-ctr1-eth0-mac\n',
  );
  assert.is(planSpoofTeardown(listed, ['gone-eth0']), '');
});

test('spoofRefIDs and spoofIface read the attachments back for GC', () => {
  assert.equal(spoofRefIDs(listed), ['ctr1-eth0']);
  assert.is(spoofIface(listed, 'ctr1-eth0'), 'veth1a2b3c4d');
  assert.is(spoofIface(listed, 'nope'), undefined);
});

test.run();
