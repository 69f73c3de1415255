// The iptables forwarder's DEL over families, as the reference: a family whose tables cannot be
// used is skipped, unless none can be or the previous result gave an address there.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Family } from '../../../../lib/ip/index.ts';
import { eachFamily } from '../../../../plugins/portmap/firewall/iptables.ts';
import type { Teardown } from '../../../../plugins/portmap/firewall/types.ts';
import { rejection } from '../../../helpers/assert.ts';

const V4 = { family: 4, address: '10.0.0.2', cidr: '10.0.0.2/24' } as const;
const t = (ips: Teardown['ips'], families: readonly Family[]): Teardown => ({
  attachment: { network: 'net', containerID: 'c1', ifname: 'eth0' },
  options: { snat: true, masqAll: false, markMasqBit: 13 },
  mappings: [],
  ips,
  families,
});
/** A DEL of one family that fails for `bad`, recording every family it was run for in `ran`. */
const failOn =
  (...bad: Family[]) =>
  (ran: Family[] = []) =>
  async (family: Family): Promise<void> => {
    ran.push(family);
    if (bad.includes(family)) throw new Error(`ip${family === 6 ? '6' : ''}tables-restore: not usable`);
  };

test('eachFamily: without addresses, a family that fails is skipped', async () => {
  for (const bad of [6, 4] as const) {
    const ran: Family[] = [];
    assert.is(await eachFamily(t([], [4, 6]), failOn(bad)(ran)), undefined);
    assert.equal(ran, [4, 6], 'both families were tried');
  }
});

test('eachFamily: without addresses, both failing is the first failure', async () => {
  assert.is((await rejection(eachFamily(t([], [4, 6]), failOn(4, 6)()))).message, 'iptables-restore: not usable');
});

test('eachFamily: with addresses, any failure counts', async () => {
  const both = t([V4, { family: 6, address: '2001:db8::2', cidr: '2001:db8::2/64' }], [4, 6]);
  assert.is((await rejection(eachFamily(both, failOn(6)()))).message, 'ip6tables-restore: not usable');
  assert.is((await rejection(eachFamily(t([V4], [4]), failOn(4)()))).message, 'iptables-restore: not usable');
});

test('eachFamily: every family runs, even after a failure', async () => {
  const ran: Family[] = [];
  await eachFamily(t([], [4, 6]), async (f) => {
    ran.push(f);
    if (f === 4) throw new Error('x');
  });
  assert.equal(ran, [4, 6]);
});

test.run();
