// A result to convert and print: everything the 1.x type can carry.
import type { Result } from '../../lib/cni/result.ts';

// A dual-stack result with everything the 1.x type can carry: 2 IPv4 + 1 IPv6 address (one on
// interface index 0, which must still print), routes of both families with the new route
// fields (table/scope 0 are real values), interfaces with mtu/socketPath/pciID, and dns.
export const DNS = { nameservers: ['10.1.2.1', '2001:db8::1'], domain: 'cluster.local', search: ['svc.cluster.local', 'cluster.local'], options: ['ndots:5'] };

export const BASE: Result = {
  cniVersion: '1.1.0',
  interfaces: [
    { name: 'cni0', mac: '0a:58:0a:01:02:01' },
    { name: 'veth1a2b3c4d', mac: '0a:58:0a:01:02:02', mtu: 1500 },
    { name: 'eth0', mac: '0a:58:0a:01:02:03', mtu: 9000, sandbox: '/var/run/netns/pod1', socketPath: '/run/vhost-user.sock', pciID: '0000:00:1f.6' },
  ],
  ips: [
    { interface: 2, address: '10.1.2.3/24', gateway: '10.1.2.1' },
    { interface: 2, address: '2001:db8::3/64', gateway: '2001:db8::1' },
    { interface: 0, address: '10.9.0.5/16' },
  ],
  routes: [
    { dst: '0.0.0.0/0', gw: '10.1.2.1', mtu: 1400, advmss: 1360, priority: 100, table: 0, scope: 0 },
    { dst: '::/0', gw: '2001:db8::1', priority: 5, table: 254 },
    { dst: '192.168.0.0/16' },
  ],
  dns: DNS,
};

// Byte-exact output, written out by hand from the Go types (struct order for 0.x, sorted map
// keys for 1.x, 4-space indent, no trailing newline).
