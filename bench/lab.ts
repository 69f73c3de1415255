// Each side's private world, so that the two sides share no state and the machine's own network
// is never touched: a "host" netns where cnitool and the plugins run (so bridges, veths,
// iptables/nft rules, forwarding sysctls and portmap's shared CNI-HOSTPORT-* chains, which no
// plugin ever deletes, all live and die there), container netns, its own bridges and subnets,
// and under one temp dir its conf dir, host-local dataDir and cnitool cache dir. `teardown`
// removes all of it; it runs in a finally and on SIGINT/SIGTERM.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command, PerSide, Side } from './measure.ts';

const OURS_DIR = resolve(import.meta.dirname, '../dist/bin');
export const REFERENCE_DIR = '/usr/lib/cni';
/** Our cnitool drives both sides: only CNI_PATH differs, so the driver's cost is the same. */
export const CNITOOL = join(OURS_DIR, 'cnitool');
/** The newest spec version Debian's reference plugins (1.1.1) speak. */
export const CNI_VERSION = '1.0.0';
/** Container netns per side: enough for the parallel batches. */
export const CONTAINERS = 16;

export type Network = 'bridge' | 'chain' | 'chain-obs';

export interface SideLab {
  readonly binDir: string;
  /** Name of the "host" netns. */
  readonly host: string;
  /** Paths of the container netns. */
  readonly containers: readonly string[];
  /** The side's temp dir, for anything else a benchmark needs. */
  readonly dir: string;
  readonly confDir: string;
  readonly cacheDir: string;
  /** The network lists as written to confDir. */
  readonly lists: Readonly<Record<Network, { readonly name: string; readonly plugins: readonly object[] }>>;
}

export interface Lab {
  readonly sides: PerSide<SideLab>;
  teardown(): void;
}

/**
 * bridge + host-local with ipMasq; the chain network adds portmap, mappings from CAP_ARGS;
 * chain-obs is the chain (same bridge and subnet) with every plugin's logs (info) and metrics
 * on, under `<dir>/obs` (the Go plugins ignore those keys).
 */
function lists(side: Side, dir: string): SideLab['lists'] {
  const dataDir = join(dir, 'ipam');
  const net = (network: Network, third: number) => ({
    type: 'bridge',
    bridge: `cnits-${side}-${network === 'bridge' ? 'br' : 'pm'}`,
    isGateway: true,
    ipMasq: true,
    ipam: { type: 'host-local', dataDir, ranges: [[{ subnet: `10.250.${third}.0/24` }]] },
  });
  const base = side === 'ours' ? 0 : 2;
  const obs = { logFile: join(dir, 'obs/cni.log'), logLevel: 'info', metricsDir: join(dir, 'obs/metrics') };
  return {
    bridge: { name: 'bench-bridge', plugins: [net('bridge', base)] },
    chain: { name: 'bench-chain', plugins: [net('chain', base + 1), { type: 'portmap', capabilities: { portMappings: true } }] },
    'chain-obs': {
      name: 'bench-chain-obs',
      plugins: [net('chain', base + 1), { type: 'portmap', capabilities: { portMappings: true } }].map((p) => ({ ...p, ...obs })),
    },
  };
}

export function makeLab(): Lab {
  const made: string[] = [];
  const root = mkdtempSync(join(tmpdir(), 'cnits-bench-'));
  const netns = (name: string): string => {
    execFileSync('ip', ['netns', 'add', name]);
    made.push(name);
    return `/run/netns/${name}`;
  };
  const signals = { SIGINT: 130, SIGTERM: 143 } as const;
  const onSignal = (sig: NodeJS.Signals): void => {
    console.error(`\nbench: ${sig}, cleaning up`);
    teardown();
    process.exit(signals[sig as keyof typeof signals]);
  };
  const teardown = (): void => {
    for (const name of made.splice(0)) spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
    rmSync(root, { recursive: true, force: true });
    for (const sig of Object.keys(signals)) process.off(sig, onSignal);
  };
  for (const sig of Object.keys(signals)) process.on(sig, onSignal);
  try {
    const side = (s: Side): SideLab => {
      const dir = join(root, s);
      const confDir = join(dir, 'net.d');
      mkdirSync(confDir, { recursive: true });
      const l = lists(s, dir);
      for (const list of Object.values(l)) writeFileSync(join(confDir, `${list.name}.conflist`), JSON.stringify({ cniVersion: CNI_VERSION, ...list }));
      const tag = `cnits-bench-${process.pid}-${s}`;
      const host = `${tag}-host`;
      netns(host);
      return {
        binDir: s === 'ours' ? OURS_DIR : REFERENCE_DIR,
        host,
        containers: Array.from({ length: CONTAINERS }, (_, i) => netns(`${tag}-c${i}`)),
        dir,
        confDir,
        cacheDir: join(dir, 'cache'),
        lists: l,
      };
    };
    return { sides: { ours: side('ours'), ref: side('ref') }, teardown };
  } catch (err) {
    teardown();
    throw err;
  }
}

/** Runs `argv` in the side's host netns. */
export const inHost = (lab: SideLab, argv: readonly string[], env: NodeJS.ProcessEnv, input?: string): Command => ({
  file: 'ip',
  args: ['netns', 'exec', lab.host, ...argv],
  env: { PATH: process.env.PATH, ...env },
  input,
});

/** `cnitool <verb> <network> <container>` in the host netns, as a runtime would run the network; chain mappings go host port `hostPort` to 80. */
export const cnitool = (lab: SideLab, verb: 'add' | 'check' | 'del', network: Network, container: number, hostPort = 8080): Command =>
  inHost(lab, [CNITOOL, '--cache-dir', lab.cacheDir, verb, lab.lists[network].name, lab.containers[container]!], {
    NETCONFPATH: lab.confDir,
    CNI_PATH: lab.binDir,
    ...(network !== 'bridge' && { CAP_ARGS: JSON.stringify({ portMappings: [{ hostPort, containerPort: 80, protocol: 'tcp' }] }) }),
  });
