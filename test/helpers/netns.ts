// Throwaway network namespaces for integration tests: made with `ip netns add`, every one removed
// by cleanup() (registered on exit too), so a test leaves nothing on the machine even when it
// fails. A plugin run "on the host" runs inside one of them (`ip netns exec`), so its bridges,
// veths and firewall rules live there and vanish with it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BIN_DIR, cniEnv, type Invocation, type Outcome } from './exec.ts';

export interface Netns {
  readonly name: string;
  readonly path: string;
}

const made = new Set<string>();
const dirs = new Set<string>();
let counter = 0;

/** A new empty namespace with `lo` up. */
export function makeNetns(tag: string): Netns {
  const name = `cnits-${tag}-${process.pid}-${counter++}`;
  execFileSync('ip', ['netns', 'add', name]);
  made.add(name);
  execFileSync('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  return { name, path: `/run/netns/${name}` };
}

export function deleteNetns(ns: Netns): void {
  made.delete(ns.name);
  spawnSync('ip', ['netns', 'del', ns.name], { stdio: 'ignore' });
}

/** A temporary directory removed by cleanup(). */
export function tempDir(tag: string): string {
  const d = mkdtempSync(join(tmpdir(), `cnits-${tag}-`));
  dirs.add(d);
  return d;
}

export function cleanup(): void {
  for (const name of made) spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
  made.clear();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs.clear();
}
process.on('exit', cleanup);

/** Runs a command inside the namespace; returns its stdout. */
export function inNetns(ns: Netns, cmd: string, ...args: string[]): string {
  return execFileSync('ip', ['netns', 'exec', ns.name, cmd, ...args], { encoding: 'utf8' });
}

/** Like inNetns, but the exit status instead of an exception. */
export function tryInNetns(ns: Netns, cmd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('ip', ['netns', 'exec', ns.name, cmd, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** iproute2 (or nft) JSON output inside the namespace. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function jsonIn(ns: Netns, cmd: string, ...args: string[]): any {
  const out = inNetns(ns, cmd, ...args);
  return out.trim() === '' ? null : JSON.parse(out);
}

/** Execs a plugin (a path, or a name in dist/bin) as a runtime would, from inside `host`. */
export function execPluginIn(host: Netns, file: string, inv: Invocation): Outcome {
  const path = file.includes('/') ? file : resolve(BIN_DIR, file);
  const input = typeof inv.stdin === 'string' ? inv.stdin : inv.stdin === undefined ? '' : JSON.stringify(inv.stdin);
  const r = spawnSync('ip', ['netns', 'exec', host.name, path], { env: cniEnv(inv), input, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
