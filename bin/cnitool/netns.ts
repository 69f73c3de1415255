// `cnitool netns create|delete <name>`: named network namespaces where `ip netns` keeps them
// (/var/run/netns/<name>), so the printed path can be given straight to add/check/del.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const NETNS_DIR = '/var/run/netns';

function ipNetns(args: string[]): void {
  const r = spawnSync('ip', ['netns', ...args], { encoding: 'utf8' });
  if (r.error) throw new Error(`ip netns ${args.join(' ')}: ${r.error.message}`, { cause: r.error });
  if (r.status !== 0) throw new Error(`ip netns ${args.join(' ')}: ${r.stderr.trim() || `exit status ${r.status}`}`);
}

function checkName(name: string): void {
  if (name === '' || name.includes('/') || name === '.' || name === '..') throw new Error(`invalid network namespace name ${JSON.stringify(name)}`);
}

/** Creates the namespace and returns its path. */
export function createNetns(name: string): string {
  checkName(name);
  ipNetns(['add', name]);
  return join(NETNS_DIR, name);
}

export function deleteNetns(name: string): void {
  checkName(name);
  ipNetns(['delete', name]);
}
