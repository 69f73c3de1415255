// A private "host" for the admin commands' integration tests: a netns standing for the node (its
// bridges, veths and firewall rules vanish with it), a conf dir, cache dir and host-local data
// dir of its own, and pods joined through dist/bin/cnitool run inside it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { BIN_DIR } from './exec.ts';
import { makeNetns, tempDir, type Netns } from './netns.ts';

export interface CniHost {
  readonly ns: Netns;
  readonly dir: string;
  readonly confDir: string;
  readonly cacheDir: string;
  readonly dataDir: string;
}

export function makeCniHost(tag: string): CniHost {
  const dir = tempDir(tag);
  const confDir = join(dir, 'net.d');
  mkdirSync(confDir);
  return { ns: makeNetns(`${tag}-host`), dir, confDir, cacheDir: join(dir, 'cache'), dataDir: join(dir, 'ipam') };
}

/** A conflist of bridge (ipMasq, gateway) + host-local with `subnets` (one range set each) [+ portmap], on `backend` if given. */
export function writeBridgeNetwork(h: CniHost, file: string, o: { name: string; bridge: string; subnets: string[]; cniVersion?: string; portmap?: boolean; backend?: string }): void {
  const ipam = { type: 'host-local', dataDir: h.dataDir, ranges: o.subnets.map((subnet) => [{ subnet }]) };
  const plugins: object[] = [
    { type: 'bridge', bridge: o.bridge, isGateway: true, ipMasq: true, ...(o.backend && { ipMasqBackend: o.backend }), ipam },
    ...(o.portmap === false ? [] : [{ type: 'portmap', capabilities: { portMappings: true }, ...(o.backend && { backend: o.backend }) }]),
  ];
  writeFileSync(join(h.confDir, file), JSON.stringify({ cniVersion: o.cniVersion ?? '1.1.0', name: o.name, plugins }));
}

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `argv` inside the host netns. */
export function runIn(h: CniHost, argv: readonly string[], env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync('ip', ['netns', 'exec', h.ns.name, ...argv], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** cnitool VERB on `network` for the pod netns `pod`, with optional port mappings; asserts success. */
export function cnitool(h: CniHost, verb: 'add' | 'del', network: string, pod: Netns, ports: readonly number[] = []): void {
  const caps = ports.length > 0 ? { CAP_ARGS: JSON.stringify({ portMappings: ports.map((hostPort) => ({ hostPort, containerPort: 80, protocol: 'tcp' })) }) } : {};
  const r = runIn(h, [join(BIN_DIR, 'cnitool'), '--cache-dir', h.cacheDir, verb, network, pod.path], { NETCONFPATH: h.confDir, CNI_PATH: BIN_DIR, ...caps });
  assert.is(r.code, 0, r.stderr);
}

/** `cni-ts SUBCOMMAND` on the host's dirs, inside its netns. */
export const admin = (h: CniHost, sub: string, extra: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Run =>
  runIn(h, [join(BIN_DIR, 'cni-ts'), sub, '--conf-dir', h.confDir, '--cache-dir', h.cacheDir, '--bin-dir', BIN_DIR, ...extra], env);

/** Every nat rule and nft object of the host, as text. */
export const firewallText = (h: CniHost): string => ['iptables-save', 'ip6tables-save', 'nft list ruleset'].map((cmd) => runIn(h, cmd.split(' ')).stdout).join('\n');
