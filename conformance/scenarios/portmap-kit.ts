// A portmap harness: the scenario's host namespace with a route to a fake container address
// (portmap needs one for route_localnet), a prevResult naming that container, and readers of
// the nat table.
import type { Ctx, Invocation } from '../harness/context.ts';
import type { Outcome } from '../harness/proc.ts';
import type { Family } from '../../lib/ip/index.ts';

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
  nat(family?: Family): Promise<string>;
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

/** One chain of an `nft list table` listing: its hook line (base chains), its comment, its rules. */
export interface NftChain {
  /** E.g. `type nat hook prerouting priority dstnat` (the policy is left out). */
  readonly hook?: string;
  readonly comment?: string;
  readonly rules: string[];
}

export interface NftTable {
  readonly text: string;
  readonly comment?: string;
  readonly chains: ReadonlyMap<string, NftChain>;
}

/** `nft list table <family> cni_hostport` in `ns`, parsed; undefined when the table does not exist. */
export async function nftTable(t: Ctx, ns: string, family: 'ip' | 'ip6' = 'ip'): Promise<NftTable | undefined> {
  const tables = await t.sh(ns, 'nft', 'list', 'tables', family);
  if (!tables.split('\n').some((l) => l.trim() === `table ${family} cni_hostport`)) return undefined;
  return parseNftTable(await t.sh(ns, 'nft', 'list', 'table', family, 'cni_hostport'));
}

/** Reads chains out of nft's text listing of one table (maps and sets are skipped). */
export function parseNftTable(text: string): NftTable {
  const chains = new Map<string, NftChain>();
  let comment: string | undefined;
  const stack: string[] = [];
  let chain: { name: string; hook?: string; comment?: string; rules: string[] } | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line === '}') {
      if (stack.pop()?.startsWith('chain ') && chain) {
        const { name, ...c } = chain;
        chains.set(name, c);
        chain = undefined;
      }
      continue;
    }
    if (line.endsWith('{')) {
      const head = line.slice(0, -1).trim();
      stack.push(head);
      if (stack.length === 2 && head.startsWith('chain ')) chain = { name: head.slice(6), rules: [] };
      continue;
    }
    const quoted = /^comment "(.*)"$/.exec(line)?.[1];
    if (stack.length === 1 && quoted !== undefined) comment = quoted;
    if (stack.length !== 2 || !chain) continue;
    if (quoted !== undefined) chain.comment = quoted;
    else if (line.startsWith('type ')) chain.hook = line.replace(/;.*$/, '');
    else chain.rules.push(line);
  }
  return { text, ...(comment !== undefined && { comment }), chains };
}
