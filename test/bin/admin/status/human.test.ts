import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderStatus, statusJson } from '../../../../bin/admin/status/human.ts';
import type { StatusReport } from '../../../../bin/admin/status/report.ts';
import { painter } from '../../../../bin/admin/table.ts';

const report: StatusReport = {
  confDir: '/etc/cni/net.d',
  cacheDir: '/var/lib/cni',
  networks: [
    {
      name: 'pods',
      file: '/etc/cni/net.d/00-pods.conflist',
      cniVersion: '1.1.0',
      plugins: [
        { type: 'bridge', status: 'ok' },
        { type: 'portmap', status: 'failed', error: 'no firewall' },
      ],
      bridge: 'cni0',
      pool: [
        { set: 0, subnet: '10.0.0.0/24', range: '10.0.0.1-10.0.0.254', allocated: 2, capacity: 253n },
        { set: 1, subnet: 'fd00::/64', range: 'fd00::1-fd00::ffff:ffff:ffff:ffff', allocated: 0, capacity: 2n ** 64n - 2n },
      ],
      attachments: [{ network: 'pods', containerID: 'abc', ifname: 'eth0', netns: '/run/netns/x', addresses: ['10.0.0.2/24'], hostLinks: [], hostPorts: ['8080/tcp -> 80'] }],
      firewall: { backend: 'iptables', configured: false, objects: { iptables: 2, nftables: 0 } },
    },
    { name: 'old', file: '/etc/cni/net.d/10-old.conf', cniVersion: '0.4.0', plugins: [{ type: 'bridge', status: 'n/a' }], pool: [], attachments: [], firewall: { backend: 'nftables', configured: true, objects: { iptables: 0, nftables: 0 } } },
  ],
  unloadable: [],
  otherAttachments: 1,
  firewall: { iptablesUsable: true, nftablesUsable: true, default: 'iptables' },
};

test('renderStatus: per network its STATUS, pool and attachments in aligned columns; no escapes without colour', () => {
  const text = renderStatus(report, painter(false));
  assert.not.match(text, '\x1b[');
  const lines = text.split('\n');
  assert.ok(lines.includes('  STATUS    bridge ok, portmap failed: no firewall'), text);
  assert.ok(lines.includes('    SET  SUBNET       RANGE                              ALLOCATED  CAPACITY'), text);
  assert.ok(lines.includes('    1    fd00::/64    fd00::1-fd00::ffff:ffff:ffff:ffff  0          18446744073709551614'), text);
  assert.ok(lines.includes('    abc        eth0    10.0.0.2/24  8080/tcp -> 80'), text);
  assert.ok(lines.includes('  STATUS    bridge n/a'), text);
  assert.ok(lines.includes('  firewall  nftables (configured); attachment rules: 0 in iptables, 0 in nftables'), text);
  assert.match(text, '1 cached attachment(s) in /var/lib/cni belong to networks not in /etc/cni/net.d');
  assert.match(renderStatus(report, painter(true)), '\x1b[32mok\x1b[0m');
});

test('statusJson: capacities as numbers, or as decimal strings past 2^53', () => {
  const pool = JSON.parse(statusJson(report)).networks[0].pool;
  assert.equal(pool.map((r: { capacity: unknown }) => r.capacity), [253, '18446744073709551614']);
});

test.run();
