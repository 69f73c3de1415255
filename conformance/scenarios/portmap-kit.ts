// A portmap harness: the scenario's host namespace with a route to a fake container address
// (portmap needs one for route_localnet), a prevResult naming that container, and readers of
// the nat table.
import type { Ctx, Invocation } from '../harness/context.ts';
import type { Outcome } from '../harness/proc.ts';

export interface Mapping {
  hostPort: number;
  containerPort: number;
  protocol: string;
  hostIP?: string;
}

export interface Portmap {
  readonly host: string;
  readonly ctrPath: string;
  conf(mappings: Mapping[] | undefined, extra?: Record<string, unknown>, prev?: Record<string, unknown> | null): Record<string, unknown>;
  call(command: string, conf: object, o?: Partial<Invocation>): Promise<Outcome>;
  nat(family?: 4 | 6): Promise<string>;
}

export const tcp = (hostPort: number, containerPort: number, hostIP?: string): Mapping => ({ hostPort, containerPort, protocol: 'tcp', ...(hostIP ? { hostIP } : {}) });

/** The prevResult of a bridge ADD for 10.0.0.2/24 on eth0 in `ctrPath`. */
export const prevResultFor = (version: string, ctrPath: string, address = '10.0.0.2/24'): Record<string, unknown> => ({
  cniVersion: version,
  interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:02', sandbox: ctrPath }],
  ips: [{ ...(version.startsWith('0.') ? { version: '4' } : {}), address, gateway: '10.0.0.1', interface: 0 }],
});

export async function portmapKit(t: Ctx, name = 'testnet'): Promise<Portmap> {
  const host = await t.hostNs();
  const ctr = await t.netns();
  // The container's network as a host-side link, so that route lookups to 10.0.0.2 resolve.
  await t.sh(host, 'ip', 'link', 'add', 'cni-fake0', 'type', 'veth', 'peer', 'name', 'cni-fake1');
  await t.sh(host, 'ip', 'addr', 'add', '10.0.0.1/24', 'dev', 'cni-fake0');
  await t.sh(host, 'ip', 'link', 'set', 'cni-fake0', 'up');
  await t.sh(host, 'ip', 'link', 'set', 'cni-fake1', 'up');
  return {
    host,
    ctrPath: ctr.path,
    conf: (mappings, extra = {}, prev) => ({
      cniVersion: t.version,
      name,
      type: 'portmap',
      ...(mappings ? { runtimeConfig: { portMappings: mappings } } : {}),
      ...(prev === null ? {} : { prevResult: prev ?? prevResultFor(t.version, ctr.path) }),
      ...extra,
    }),
    call: (command, conf, o = {}) => t.exec('portmap', { command, netns: ctr.path, stdin: conf, ...o }),
    nat: (family = 4) => t.sh(host, family === 6 ? 'ip6tables-save' : 'iptables-save', '-t', 'nat'),
  };
}

/** iptables-save output without comments and counters, for comparing states. */
export const rulesOnly = (save: string): string[] => save.split('\n').filter((l) => l.startsWith('-A ') || l.startsWith(':')).map((l) => l.replace(/ \[\d+:\d+\]$/, '')).sort();
