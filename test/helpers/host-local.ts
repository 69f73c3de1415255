// host-local through the built executable (or the reference Go binary), as a runtime runs it:
// a private data directory and network name per test, a real network namespace for CNI_NETNS,
// and helpers that read results of any spec version and the files on disk.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as assert from 'uvu/assert';
import { BIN_DIR, cniEnv, errorOf, execPlugin, REFERENCE_DIR, type Invocation, type Outcome } from './exec.ts';

export const OURS = resolve(BIN_DIR, 'host-local');
export const REFERENCE = join(REFERENCE_DIR, 'host-local');
export const ALL_VERSIONS = ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] as const;
/** Debian's reference (1.1.1) speaks up to 1.0.0. */
export const REFERENCE_VERSION = '1.0.0';

export { errorOf, type Outcome };

let seq = 0;

/** One test's world: a data directory, a network name, a namespace; `cleanup` removes all of it. */
export interface World {
  readonly dataDir: string;
  readonly network: string;
  readonly netns: string;
  /** The network's reservation directory. */
  readonly dir: string;
  cleanup(): void;
}

export function world(label = 'net'): World {
  const dataDir = mkdtempSync(join(tmpdir(), 'cnits-hl-'));
  const ns = `cnits-hl-${process.pid}-${seq++}`;
  execFileSync('ip', ['netns', 'add', ns]);
  const network = `${label}-${process.pid}-${seq}`;
  return {
    dataDir,
    network,
    netns: `/run/netns/${ns}`,
    dir: join(dataDir, network),
    cleanup() {
      rmSync(dataDir, { recursive: true, force: true });
      try {
        execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
      } catch {
        // already gone
      }
    },
  };
}

/** Runs `fn` in a fresh world and removes it afterwards, even when `fn` fails. */
export async function inWorld<T>(fn: (w: World) => T | Promise<T>, label?: string): Promise<T> {
  const w = world(label);
  try {
    return await fn(w);
  } finally {
    w.cleanup();
  }
}

export function conf(w: World, ipam: Record<string, unknown>, version = '1.0.0', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { cniVersion: version, name: w.network, type: 'host-local', ipam: { type: 'host-local', dataDir: w.dataDir, ...ipam }, ...extra };
}

export interface Call {
  readonly id?: string;
  readonly ifname?: string;
  readonly args?: string;
  readonly bin?: string;
  /** CNI_NETNS instead of the world's namespace; '' leaves it unset. */
  readonly netns?: string;
}

function invocation(w: World, command: string, stdin: object, c: Call): Invocation {
  const netns = c.netns ?? w.netns;
  return {
    command,
    containerID: c.id ?? 'dummy',
    ifname: c.ifname ?? 'eth0',
    path: REFERENCE_DIR,
    stdin,
    ...(netns !== '' && { netns }),
    ...(c.args !== undefined && { args: c.args }),
  };
}

export const run = (w: World, command: string, stdin: object, c: Call = {}): Outcome => execPlugin(c.bin ?? OURS, invocation(w, command, stdin, c));

/** The same, without waiting: for many processes at once. */
export function runAsync(w: World, command: string, stdin: object, c: Call = {}): { done: Promise<Outcome>; pid: number | undefined; kill(): void } {
  const child = spawn(c.bin ?? OURS, [], { env: cniEnv(invocation(w, command, stdin, c)), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  child.stdin.on('error', () => {}); // a process killed before reading its stdin
  child.stdin.end(JSON.stringify(stdin));
  const done = new Promise<Outcome>((res, rej) => {
    child.on('error', rej);
    child.on('close', (code) => res({ code, stdout, stderr }));
  });
  return { done, pid: child.pid, kill: () => child.kill('SIGKILL') };
}

export function ok(o: Outcome): Record<string, unknown> {
  assert.is(o.code, 0, `exit ${o.code}: ${o.stdout}${o.stderr}`);
  return o.stdout ? (JSON.parse(o.stdout) as Record<string, unknown>) : {};
}

export interface IP {
  readonly address: string;
  readonly gateway?: string;
}

/** The addresses of a result, after checking the result has exactly the shape of its version. */
export function ipsOf(result: Record<string, unknown>, version: string): IP[] {
  assert.is(result.cniVersion, version);
  if (version === '0.1.0' || version === '0.2.0') {
    assert.equal(result.dns, {}, '0.2.0 results always carry "dns": {}');
    assert.not.ok('ips' in result);
    return (['ip4', 'ip6'] as const)
      .map((k) => result[k] as { ip: string; gateway?: string } | undefined)
      .filter((x) => x !== undefined)
      .map((x) => ({ address: x.ip, ...(x.gateway && { gateway: x.gateway }) }));
  }
  const ips = (result.ips ?? []) as { version?: string; address: string; gateway?: string }[];
  const is040 = !version.startsWith('1.');
  if (is040) assert.ok('dns' in result, `${version} results always carry "dns"`);
  return ips.map((x) => {
    if (is040) assert.is(x.version, x.address.includes(':') ? '6' : '4');
    else assert.not.ok('version' in x, '1.x results have no ips[].version');
    return { address: x.address, ...(x.gateway && { gateway: x.gateway }) };
  });
}

export const addresses = (result: Record<string, unknown>, version: string): string[] => ipsOf(result, version).map((x) => x.address);

/** The reservation files of the network: address to content. */
export function reservations(w: World): Map<string, string> {
  const out = new Map<string, string>();
  let names: string[] = [];
  try {
    names = readdirSync(w.dir);
  } catch {
    return out;
  }
  for (const n of names) {
    if (n === 'lock' || n.startsWith('last_reserved_ip.')) continue;
    out.set(n, readFileSync(join(w.dir, n), 'utf8'));
  }
  return out;
}

export const readLast = (w: World, n: number): string => readFileSync(join(w.dir, `last_reserved_ip.${n}`), 'utf8');
