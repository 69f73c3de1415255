// The host-local reservations that mark an ADD possibly still running: made within the grace,
// read from the files without opening the store.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { recentReservations } from '../../../../bin/admin/gc/reservations.ts';
import { confListFromBytes } from '../../../../lib/cni/netconf.ts';

test('recentReservations: fresh attachment files of each host-local in the chain; old, legacy and other files are not', () => {
  const root = mkdtempSync(join(tmpdir(), 'cnits-gcres-'));
  try {
    const dir = join(root, 'net');
    mkdirSync(dir);
    writeFileSync(join(dir, '10.1.0.2'), 'adding\r\neth0');
    writeFileSync(join(dir, '10.1.0.3'), 'old\r\neth0');
    utimesSync(join(dir, '10.1.0.3'), new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    writeFileSync(join(dir, '10.1.0.4'), 'legacy-id-only');
    writeFileSync(join(dir, 'last_reserved_ip.0'), '10.1.0.4');
    writeFileSync(join(dir, 'lock'), '');
    const list = (ipam: object) =>
      confListFromBytes(Buffer.from(JSON.stringify({ cniVersion: '1.1.0', name: 'net', plugins: [{ type: 'bridge', ipam }, { type: 'portmap' }] })));
    assert.equal(recentReservations(list({ type: 'host-local', dataDir: root }), Date.now() - 60_000), [{ containerID: 'adding', ifname: 'eth0' }]);
    assert.equal(recentReservations(list({ type: 'dhcp' }), 0), []);
    assert.equal(recentReservations(list({ type: 'host-local', dataDir: join(root, 'none') }), 0), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
