// The reference portmap tests' fixture (portmap_iptables_test.go, portmap_nftables_test.go): one
// container with these mappings and addresses, loaded through our config parser.
import type { ContainerIP } from '../../plugins/portmap/firewall/types.ts';
import { loadConfig } from '../../plugins/portmap/config.ts';

export const V4: ContainerIP = { family: 4, address: '10.0.0.2', cidr: '10.0.0.2/24' };
export const V6: ContainerIP = { family: 6, address: '2001:db8::2', cidr: '2001:db8::2/64' };

const MAPPINGS = [
  { hostPort: 8080, containerPort: 80, protocol: 'tcp' },
  { hostPort: 8081, containerPort: 80, protocol: 'tcp' },
  { hostPort: 8080, containerPort: 81, protocol: 'udp' },
  { hostPort: 8082, containerPort: 82, protocol: 'udp' },
  { hostPort: 8083, containerPort: 83, protocol: 'tcp', hostIP: '192.168.0.2' },
  { hostPort: 8084, containerPort: 84, protocol: 'tcp', hostIP: '0.0.0.0' },
  { hostPort: 8085, containerPort: 85, protocol: 'tcp', hostIP: '2001:db8:a::1' },
  { hostPort: 8086, containerPort: 86, protocol: 'tcp', hostIP: '::' },
];

/** The reference fixture's config for network "test", ifname "foo", with these extra keys. */
export const referenceConf = (extra: Record<string, unknown>): ReturnType<typeof loadConfig> =>
  loadConfig({ name: 'test', type: 'portmap', cniVersion: '1.0.0', runtimeConfig: { portMappings: MAPPINGS }, snat: true, ...extra }, 'foo');
