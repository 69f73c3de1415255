import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../../ipam/host-local/config.ts';
import { rangeUsage } from '../../../ipam/host-local/usage.ts';

const sets = (ipam: object) => loadConfig({ cniVersion: '1.1.0', name: 'n', type: 'host-local', ipam: { type: 'host-local', ...ipam } }, '').rangeSets;

test('reservations count in the range holding them; capacity leaves out a gateway inside the range', () => {
  const s = sets({ ranges: [[{ subnet: '10.0.0.0/24' }, { subnet: '10.0.1.0/24', rangeStart: '10.0.1.10', rangeEnd: '10.0.1.19', gateway: '10.0.1.1' }], [{ subnet: 'fd00::/120' }]] });
  const taken = ['10.0.0.2', '10.0.0.3', '10.0.1.10', 'fd00::5', 'lock', 'last_reserved_ip.0', '192.168.0.1'];
  assert.equal(rangeUsage(s, taken), [
    { range: '10.0.0.1-10.0.0.254', allocated: 2, capacity: 253 },
    { range: '10.0.1.10-10.0.1.19', allocated: 1, capacity: 10 },
    { range: 'fd00::1-fd00::ff', allocated: 1, capacity: 254 },
  ]);
});

test.run();
