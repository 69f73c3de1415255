import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../../../ipam/host-local/config.ts';
import { poolOf } from '../../../../bin/admin/state/pool.ts';

const conf = (ranges: object[][]) => loadConfig({ cniVersion: '1.1.0', name: 'n', ipam: { type: 'host-local', ranges } }, '');
const held = (ip: string) => ({ ip, holder: { kind: 'attachment' as const, containerID: 'c', ifname: 'eth0' } });

test('poolOf: allocated and capacity per range of each set; the gateway is no capacity', () => {
  const c = conf([[{ subnet: '10.0.0.0/24' }, { subnet: '10.0.1.0/29', rangeStart: '10.0.1.2', gateway: '10.0.1.1' }], [{ subnet: 'fd00::/64' }]]);
  assert.equal(poolOf(c, [held('10.0.0.2'), held('10.0.0.3'), held('10.0.1.4'), held('fd00::2'), held('10.9.9.9')]), [
    { set: 0, subnet: '10.0.0.0/24', range: '10.0.0.1-10.0.0.254', allocated: 2, capacity: 253n },
    { set: 0, subnet: '10.0.1.0/29', range: '10.0.1.2-10.0.1.6', allocated: 1, capacity: 5n },
    { set: 1, subnet: 'fd00::/64', range: 'fd00::1-fd00::ffff:ffff:ffff:ffff', allocated: 1, capacity: 2n ** 64n - 2n },
  ]);
});

test.run();
