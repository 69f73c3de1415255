// The VIDs a bridge port gets from vlan and vlanTrunk.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { portVlans } from '../../../plugins/bridge/vlan.ts';

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

test.run();
