// The bridge verbs' dependencies as fakes over one FakeKernel and one CallLog: masquerade
// backends and a spoof check that keep their rules in maps, an IPAM delegate that hands out one
// address, sysctls in a map per namespace. The masquerade chooser is the real one over the fakes.
import type { Attachment, AttachmentRef } from '../../lib/cni/attachment.ts';
import type { Command } from '../../lib/cni/env.ts';
import type { Request } from '../../lib/cni/plugin.ts';
import { OFF } from '../../lib/obs/observer.ts';
import type { Result } from '../../lib/cni/result.ts';
import type { Backend } from '../../lib/firewall/backend.ts';
import { parseBridgeConf, type BridgeConfig } from '../../plugins/bridge/config.ts';
import type { Deps, Sysctl } from '../../plugins/bridge/deps.ts';
import type { MasqAddress, MasqBackend } from '../../plugins/bridge/masq/backend.ts';
import type { SpoofCheck } from '../../plugins/bridge/spoofcheck/apply.ts';
import { CallLog, FakeKernel, HOST } from './fake-netlink.ts';

export const NETNS = '/var/run/netns/ctr';

const keyOf = (a: Attachment): string => `${a.network}/${a.containerID}/${a.ifname}`;

export class FakeMasq implements MasqBackend {
  /** The masqueraded addresses, by attachment. */
  readonly rules = new Map<string, string[]>();
  usableHere = true;
  /** Every call fails, as a backend whose tool fails. */
  broken = false;

  readonly name: Backend;
  readonly log: CallLog;

  constructor(name: Backend, log: CallLog) {
    this.name = name;
    this.log = log;
  }

  async setup(a: Attachment, addrs: readonly MasqAddress[]): Promise<void> {
    this.#record(`setup ${addrs.map((x) => x.ip).join(',')}`);
    this.rules.set(keyOf(a), addrs.map((x) => x.ip));
  }

  async missing(a: Attachment, addrs: readonly MasqAddress[]): Promise<string[]> {
    this.#record('missing');
    const have = this.rules.get(keyOf(a)) ?? [];
    return addrs.filter((x) => !have.includes(x.ip)).map((x) => `masquerade ${x.ip}`);
  }

  async teardown(a: Attachment, addrs: readonly MasqAddress[]): Promise<void> {
    this.#record(`teardown ${addrs.map((x) => x.ip).join(',')}`);
    this.rules.delete(keyOf(a));
  }

  async gc(network: string, keep: readonly AttachmentRef[]): Promise<void> {
    this.#record('gc');
    const valid = new Set(keep.map((k) => keyOf({ network, ...k })));
    for (const k of this.rules.keys()) if (k.startsWith(`${network}/`) && !valid.has(k)) this.rules.delete(k);
  }

  async usable(): Promise<boolean> {
    return this.usableHere;
  }

  #record(call: string): void {
    this.log.record(`masq.${this.name}.${call}`);
    if (this.broken) throw new Error(`${this.name} is broken`);
  }
}

export class FakeSpoof implements SpoofCheck {
  /** Host interface by refID. */
  readonly chains = new Map<string, string>();

  readonly log: CallLog;

  constructor(log: CallLog) {
    this.log = log;
  }

  async setup(a: AttachmentRef, hostIface: string, mac: string): Promise<void> {
    this.log.record(`spoof.setup ${hostIface} ${mac}`);
    this.chains.set(`${a.containerID}-${a.ifname}`, hostIface);
  }

  async teardown(a: AttachmentRef): Promise<void> {
    this.log.record('spoof.teardown');
    this.chains.delete(`${a.containerID}-${a.ifname}`);
  }

  async gc(keep: readonly AttachmentRef[], isStale: (hostIface: string | undefined) => Promise<boolean>): Promise<void> {
    this.log.record('spoof.gc');
    const valid = new Set(keep.map((k) => `${k.containerID}-${k.ifname}`));
    for (const [id, iface] of [...this.chains]) if (!valid.has(id) && (await isStale(iface))) this.chains.delete(id);
  }

  async usable(): Promise<boolean> {
    return true;
  }
}

export interface FakeWorld {
  readonly log: CallLog;
  readonly kernel: FakeKernel;
  readonly masq: Record<Backend, FakeMasq>;
  readonly spoof: FakeSpoof;
  /** containerIDs holding an IPAM reservation. */
  readonly reserved: Set<string>;
  /** Sysctl values by "<namespace> <key>". */
  readonly sysctls: Map<string, string>;
  /** What IPAM ADD answers. */
  ipamResult: Result;
  kernelHasBridges: boolean;
  readonly deps: Deps;
}

export function fakeWorld(): FakeWorld {
  const log = new CallLog();
  const kernel = new FakeKernel(log);
  kernel.namespaces.add(NETNS);
  const masq = { iptables: new FakeMasq('iptables', log), nftables: new FakeMasq('nftables', log) };
  const spoof = new FakeSpoof(log);
  const reserved = new Set<string>();
  const sysctls = new Map<string, string>([[`${HOST} net/ipv4/ip_forward`, '0']]);
  const sysctlIn = (ns: string): Sysctl => ({
    read(key) {
      log.record(`sysctl.read ${key}`);
      const v = sysctls.get(`${ns} ${key}`);
      if (v === undefined) throw new Error(`failed to read sysctl ${key}: no such file`);
      return v;
    },
    write(key, value) {
      log.record(`sysctl.write ${key}=${value}`);
      sysctls.set(`${ns} ${key}`, value);
    },
  });
  const world: FakeWorld = {
    log,
    kernel,
    masq,
    spoof,
    reserved,
    sysctls,
    kernelHasBridges: true,
    ipamResult: { cniVersion: '1.1.0', ips: [{ address: '10.1.2.2/24', gateway: '10.1.2.1' }], routes: [{ dst: '10.9.0.0/16' }] },
    deps: {
      openNetlink: (netns) => kernel.openNetlink(netns),
      masq: { iptables: async () => masq.iptables, nftables: async () => masq.nftables },
      spoofCheck: async () => spoof,
      findPlugin: (name: string) => name,
      async delegate(req: Request<unknown>, type: string, command: string) {
        log.record(`ipam.${command} ${type}`);
        if (command === 'DEL') reserved.delete(req.containerID);
        if (command !== 'ADD') return undefined;
        reserved.add(req.containerID);
        return structuredClone(world.ipamResult);
      },
      sysctl: sysctlIn(HOST),
      netnsSysctl(netns, fn) {
        log.record('netnsSysctl');
        if (!kernel.namespaces.has(netns)) throw new Error(`failed to open netns "${netns}"`);
        return fn(sysctlIn(netns));
      },
      async sleep(ms) {
        log.record(`sleep ${ms}`);
      },
      randomVethName: () => `veth${String(kernel.links.length).padStart(8, '0')}`,
      kernelHasBridges: () => world.kernelHasBridges,
    },
  };
  return world;
}

/** A request as lib/cni hands it to a verb, with the config parsed by the plugin's own parser. */
export function bridgeRequest(command: Command, conf: Record<string, unknown>, over: Partial<Omit<Request<BridgeConfig>, 'config'>> = {}): Request<BridgeConfig> {
  const raw = { cniVersion: '1.1.0', name: 'testnet', type: 'bridge', bridge: 'cni0', ...conf };
  const args = over.args ?? '';
  return {
    command,
    containerID: 'ctr1',
    netns: NETNS,
    ifname: 'eth0',
    args,
    cniPath: ['/opt/cni/bin'],
    stdin: Buffer.from(JSON.stringify(raw)),
    environ: {},
    obs: OFF,
    ...over,
    config: parseBridgeConf(raw, args, command),
  };
}

/** The config of an L3 attachment with every firewall feature on. */
export const L3 = { isGateway: true, ipMasq: true, macspoofchk: true, ipam: { type: 'host-local' } } as const;
