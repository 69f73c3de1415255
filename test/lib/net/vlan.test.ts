// Bridge port VLAN messages: the exact bytes `bridge vlan` sends, and the dump read back.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listPortVlansRequest, parsePortVlans, portVlanRequest } from '../../../lib/net/vlan.ts';

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

test.run();
