// Pure parts of the bridge: spoof-check batches, VLAN netlink messages, gateway calculation.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { NftObject } from '../../lib/firewall/nft-listing.ts';
import { planSpoofSetup, planSpoofTeardown, spoofIface, spoofRefID, spoofRefIDs } from '../../plugins/bridge/spoofcheck/plan.ts';
import { listPortVlansRequest, parsePortVlans, portVlanRequest } from '../../lib/net/vlan.ts';
import { calcGateways } from '../../plugins/bridge/gateway.ts';
import { portVlans } from '../../plugins/bridge/vlan.ts';

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

// ---------------------------------------------------------------------------------------------
test('portVlans: access VLAN as PVID untagged, trunk tagged, VID 1 native for a trunk alone', () => {
  assert.equal(portVlans({ vlan: 100, vlans: [], preserveDefaultVlan: false }), [{ vid: 100, pvid: true, untagged: true }]);
  assert.equal(portVlans({ vlan: 0, vlans: [101, 200], preserveDefaultVlan: false }), [
    { vid: 101, pvid: false, untagged: false },
    { vid: 200, pvid: false, untagged: false },
    { vid: 1, pvid: true, untagged: true },
  ]);
  assert.equal(portVlans({ vlan: 0, vlans: [], preserveDefaultVlan: false }), []);
});

const le = (hex: string): string => hex.replace(/\s+/g, '');

test('portVlanRequest: the exact bytes of `bridge vlan add dev X vid 100 pvid untagged master`', () => {
  const r = portVlanRequest('add', 7, { vid: 100, pvid: true, untagged: true });
  assert.is(r.type, 19); // RTM_SETLINK
  assert.is(
    r.body.toString('hex'),
    le(`07 00 0000 07000000 00000000 00000000
        1400 1a00
          0600 0000 0100 0000
          0800 0200 0600 6400`),
  );
  const d = portVlanRequest('delete', 7, { vid: 1, pvid: false, untagged: false });
  assert.is(d.type, 17); // RTM_DELLINK
  assert.is(d.body.subarray(16).toString('hex'), le('1400 1a00 0600 0000 0100 0000 0800 0200 0000 0100'));
});

test('listPortVlansRequest asks for VLAN info; parsePortVlans reads every VLAN_INFO', () => {
  const l = listPortVlansRequest();
  assert.is(l.type, 18);
  assert.is(l.body.toString('hex'), le('07 00 0000 00000000 00000000 00000000 0800 1d00 02000000'));
  const answer = Buffer.from(le(`07 00 0000 09000000 00000000 00000000
    1c00 1a00 0800 0200 0600 0100 0800 0200 0000 6500 0800 0200 0400 c800`), 'hex');
  assert.equal(parsePortVlans(answer), {
    index: 9,
    vlans: [
      { vid: 1, pvid: true, untagged: true },
      { vid: 101, pvid: false, untagged: false },
      { vid: 200, pvid: false, untagged: true },
    ],
  });
});

// ---------------------------------------------------------------------------------------------
test('calcGateways: interface 2, gateway = subnet + 1, one default route per family', () => {
  const out = calcGateways(
    { ips: [{ address: '10.1.2.2/24' }, { address: '10.1.3.2/24' }, { address: '2001:db8:1::2/64', gateway: '2001:db8:1::9' }] },
    { isGateway: true, isDefaultGateway: true },
  );
  assert.equal(out.ips, [
    { address: '10.1.2.2/24', interface: 2, gateway: '10.1.2.1' },
    { address: '10.1.3.2/24', interface: 2, gateway: '10.1.3.1' },
    { address: '2001:db8:1::2/64', gateway: '2001:db8:1::9', interface: 2 },
  ]);
  assert.equal(out.routes, [{ dst: '0.0.0.0/0', gw: '10.1.2.1' }, { dst: '::/0', gw: '2001:db8:1::9' }]);
  assert.equal(out.gateways, { 4: ['10.1.2.1/24', '10.1.3.1/24'], 6: ['2001:db8:1::9/64'] });
});

test('calcGateways: an IPAM default route with a gateway wins; without isGateway nothing goes on the bridge', () => {
  const ipam = { ips: [{ address: '10.1.2.2/24' }], routes: [{ dst: '0.0.0.0/0', gw: '10.1.2.254' }] };
  assert.equal(calcGateways(ipam, { isGateway: true, isDefaultGateway: true }).routes, [{ dst: '0.0.0.0/0', gw: '10.1.2.254' }]);
  const plain = calcGateways(ipam, { isGateway: false, isDefaultGateway: false });
  assert.equal(plain.gateways, { 4: [], 6: [] });
  assert.equal(plain.ips, [{ address: '10.1.2.2/24', interface: 2 }]);
});

test.run();
