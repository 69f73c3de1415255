// A bridge harness: host-local IPAM in a temporary dataDir, the scenario's host namespace for
// the bridge and veths, a container namespace, and readers for links, addresses and routes.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Ctx, Invocation } from '../harness/context.ts';
import type { Outcome } from '../harness/proc.ts';

export interface Link {
  ifname: string;
  ifindex: number;
  address?: string;
  mtu?: number;
  flags?: string[];
  operstate?: string;
  master?: string;
  link_index?: number;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown>; info_slave_data?: Record<string, unknown> };
  addr_info?: { family: string; local: string; prefixlen: number; tentative?: boolean }[];
}

export interface Bridge {
  readonly host: string;
  readonly ctr: { name: string; path: string };
  readonly dataDir: string;
  conf(extra?: Record<string, unknown>, ipam?: Record<string, unknown> | null): Record<string, unknown>;
  call(command: string, conf: object, o?: Partial<Invocation>): Promise<Outcome>;
  hostLinks(): Promise<Link[]>;
  ctrLinks(): Promise<Link[]>;
  link(ns: string, name: string): Promise<Link | undefined>;
  routes(ns: string, family?: '-4' | '-6'): Promise<{ dst: string; gateway?: string; dev?: string }[]>;
  ipamFiles(network?: string): string[];
}

export async function bridgeKit(t: Ctx, name = 'testnet'): Promise<Bridge> {
  const host = await t.hostNs();
  const ctr = await t.netns();
  const dataDir = t.tmpdir();
  const link = async (ns: string, dev: string): Promise<Link | undefined> => {
    const all = await t.ipJson<Link[]>(ns, '-d', 'addr', 'show');
    return all.find((l) => l.ifname === dev);
  };
  return {
    host,
    ctr,
    dataDir,
    conf: (extra = {}, ipam = { ranges: [[{ subnet: '10.1.2.0/24' }]] }) => ({
      cniVersion: t.version,
      name,
      type: 'bridge',
      bridge: 'bridge0',
      ...(ipam === null ? { ipam: {} } : { ipam: { type: 'host-local', dataDir, ...ipam } }),
      ...extra,
    }),
    call: (command, conf, o = {}) => t.exec('bridge', { command, netns: ctr.path, stdin: conf, ...o }),
    hostLinks: () => t.ipJson<Link[]>(host, '-d', 'addr', 'show'),
    ctrLinks: () => t.ipJson<Link[]>(ctr.name, '-d', 'addr', 'show'),
    link,
    routes: (ns, family = '-4') => t.ipJson(ns, family, 'route', 'show'),
    ipamFiles: (network = name) => (existsSync(join(dataDir, network)) ? readdirSync(join(dataDir, network)).filter((f) => f !== 'lock' && !f.startsWith('last_reserved_ip')) : []),
  };
}

export const addrs = (l: Link | undefined, family = 'inet'): string[] => (l?.addr_info ?? []).filter((a) => a.family === family).map((a) => `${a.local}/${a.prefixlen}`);
export const isUp = (l: Link | undefined): boolean => !!l?.flags?.includes('UP');
