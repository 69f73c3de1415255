// A host-local harness for scenarios: a temporary dataDir, a container namespace path for the
// CNI_NETNS variable, and ADD/DEL/CHECK calls with a config built from ranges.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Ctx, Invocation } from '../harness/context.ts';
import type { Outcome } from '../harness/proc.ts';

export interface HostLocal {
  readonly dataDir: string;
  readonly netns: string;
  conf(ipam: Record<string, unknown>, extra?: Record<string, unknown>, name?: string): Record<string, unknown>;
  call(command: string, conf: object, o?: Partial<Invocation>): Promise<Outcome>;
  /** Names of the files of a network's store, sorted, without `lock`. */
  files(network?: string): string[];
  read(file: string, network?: string): string | undefined;
}

export async function hostLocal(t: Ctx, network = 'mynet'): Promise<HostLocal> {
  const dataDir = t.tmpdir();
  const { path } = await t.netns();
  return {
    dataDir,
    netns: path,
    conf: (ipam, extra = {}, name = network) => ({ cniVersion: t.version, name, type: 'host-local', ...extra, ipam: { type: 'host-local', dataDir, ...ipam } }),
    call: (command, conf, o = {}) => t.exec('host-local', { command, netns: path, stdin: conf, ...o }),
    files: (net = network) => (existsSync(join(dataDir, net)) ? readdirSync(join(dataDir, net)).filter((f) => f !== 'lock').sort() : []),
    read: (file, net = network) => (existsSync(join(dataDir, net, file)) ? readFileSync(join(dataDir, net, file), 'utf8') : undefined),
  };
}

export const v4 = (subnet: string, more: Record<string, unknown> = {}): Record<string, unknown>[] => [{ subnet, ...more }];
