// Named network namespaces for scenarios (ip netns: /var/run/netns/<name>), each unique per run.
import { randomBytes } from 'node:crypto';
import { tool } from './proc.ts';

export const netnsPath = (name: string): string => `/var/run/netns/${name}`;

export async function createNetns(prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  await tool('ip', ['netns', 'add', name]);
  // lo up, so that 127.0.0.1 works inside (portmap's localhost path, probes)
  await tool('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  return name;
}

export async function deleteNetns(name: string): Promise<void> {
  await tool('ip', ['netns', 'delete', name]).catch(() => undefined);
}
