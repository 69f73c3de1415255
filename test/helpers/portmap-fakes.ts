// The portmap verbs' outside world, faked: forwarders that log what they are asked and fail on
// demand, a conntrack flush and route_localnet that only log, and requests made through the
// plugin's own config loader.
import type { Command } from '../../lib/cni/env.ts';
import type { Request } from '../../lib/cni/plugin.ts';
import { OFF } from '../../lib/obs/observer.ts';
import type { Backend } from '../../lib/firewall/backend.ts';
import { loadConfig, type PortmapConfig } from '../../plugins/portmap/config.ts';
import type { Deps } from '../../plugins/portmap/deps.ts';
import type { Forwarder } from '../../plugins/portmap/firewall/backend.ts';
import type { Teardown } from '../../plugins/portmap/firewall/types.ts';

export interface FakeOptions {
  /** Whether each backend reports itself usable; both are by default. */
  readonly usable?: Partial<Record<Backend, boolean>>;
  /** The error an operation throws, by the backend and the line it logs; none by default. */
  readonly fail?: (backend: Backend, line: string) => Error | undefined;
  /** route_localnet cannot be written. */
  readonly localnetFails?: boolean;
}

export interface Fakes {
  readonly deps: Deps;
  /** Every call in order: "iptables forward 10.0.0.2", "iptables unforward 4,6", "flush 4", "localnet 10.0.0.2",
   *  "localnet restored 10.0.0.2". */
  readonly log: string[];
  /** What each DEL handed its forwarder. */
  readonly teardowns: Teardown[];
}

export function fakes(opts: FakeOptions = {}): Fakes {
  const log: string[] = [];
  const teardowns: Teardown[] = [];
  const forwarder = (b: Backend): Forwarder => {
    const call = async (line: string): Promise<void> => {
      log.push(`${b} ${line}`);
      // A tick, as a real tool takes: what runs meanwhile shows in the log.
      await Promise.resolve();
      const err = opts.fail?.(b, line);
      if (err) throw err;
    };
    return {
      backend: b,
      forward: (spec) => call(`forward ${spec.ip.address}`),
      check: (spec) => call(`check ${spec.ip.address}`),
      unforward: (t) => {
        teardowns.push(t);
        return call(`unforward ${t.families.join(',')}`);
      },
      collect: (network, keep) => call(`collect ${network} keep ${keep.map((a) => `${a.network}/${a.containerID}/${a.ifname}`).join(' ')}`),
      usable: async () => {
        log.push(`${b} usable`);
        return opts.usable?.[b] ?? true;
      },
      unusable: `${b} is not usable here`,
    };
  };
  const iptables = forwarder('iptables');
  const nftables = forwarder('nftables');
  return {
    log,
    teardowns,
    deps: {
      forwarders: { iptables: async () => iptables, nftables: async () => nftables },
      flushUdp: async (mappings, family) => {
        log.push(`flush ${family} ${mappings.map((m) => `${m.hostPort}/${m.protocol}`).join(' ')}`);
      },
      enableRouteLocalnet: async (address) => {
        log.push(`localnet ${address}`);
        if (opts.localnetFails) throw new Error('unable to enable route_localnet: injected');
        return () => void log.push(`localnet restored ${address}`);
      },
    },
  };
}

export const PREV_RESULT = {
  cniVersion: '1.1.0',
  interfaces: [{ name: 'eth0', sandbox: '/var/run/netns/c1' }],
  ips: [
    { address: '10.0.0.2/24', interface: 0 },
    { address: '2001:db8::2/64', interface: 0 },
  ],
};

/** A request for container c1, eth0 on network "net" with one TCP and one UDP mapping and a dual-stack previous result; `conf` overrides keys. */
export function request(command: Command, conf: Record<string, unknown> = {}): Request<PortmapConfig> {
  const raw = {
    cniVersion: '1.1.0',
    name: 'net',
    type: 'portmap',
    runtimeConfig: { portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }, { hostPort: 5353, containerPort: 53, protocol: 'udp' }] },
    prevResult: PREV_RESULT,
    ...conf,
  };
  return { command, containerID: 'c1', netns: '/x', ifname: 'eth0', args: '', cniPath: [], stdin: Buffer.from(''), environ: {}, obs: OFF, config: loadConfig(raw, 'eth0') };
}
