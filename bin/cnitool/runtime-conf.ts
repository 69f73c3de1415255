// What the reference cnitool derives from its arguments and environment: the container ID from
// the netns path, CNI_ARGS pairs, CAP_ARGS capability arguments, the interface name.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { CniArgs } from '../../lib/cni/cache.ts';

export const DEFAULT_NETCONF_DIR = '/etc/cni/net.d';
export const DEFAULT_IFNAME = 'eth0';

/** cnitool's container ID: "cnitool-" + hex of the first 10 bytes of SHA-512(absolute netns path). */
export function containerIDFor(netns: string): string {
  return `cnitool-${createHash('sha512').update(resolve(netns)).digest('hex').slice(0, 20)}`;
}

/** CNI_ARGS as cnitool splits it: ';'-separated pairs, each exactly one '=' with both sides non-empty. */
export function parseCniArgs(text: string): CniArgs {
  if (text === '') return [];
  return text.split(';').map((pair) => {
    const kv = pair.split('=');
    if (kv.length !== 2 || kv[0] === '' || kv[1] === '') throw new Error(`invalid CNI_ARGS pair ${JSON.stringify(pair)}`);
    return [kv[0]!, kv[1]!] as const;
  });
}

/** CAP_ARGS: a JSON object of capability arguments (e.g. {"portMappings":[...]}). */
export function parseCapArgs(text: string): Record<string, unknown> | undefined {
  if (text === '') return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new Error(`CAP_ARGS: ${(err as Error).message}`, { cause: err });
  }
  if (v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new Error('CAP_ARGS: json: cannot unmarshal into Go value of type map[string]interface {}');
  return v as Record<string, unknown>;
}

export interface ToolEnv {
  readonly netconfPath: string;
  readonly cniPath: readonly string[];
  readonly cniArgs: CniArgs;
  readonly capArgs?: Record<string, unknown>;
  readonly ifname: string;
}

/** The environment cnitool reads; an `--ifname` flag beats CNI_IFNAME, which beats eth0. */
export function readToolEnv(env: Readonly<Record<string, string | undefined>>, ifnameFlag?: string): ToolEnv {
  return {
    netconfPath: env.NETCONFPATH || DEFAULT_NETCONF_DIR,
    cniPath: (env.CNI_PATH ?? '') === '' ? [] : env.CNI_PATH!.split(':'),
    cniArgs: parseCniArgs(env.CNI_ARGS ?? ''),
    capArgs: parseCapArgs(env.CAP_ARGS ?? ''),
    ifname: ifnameFlag || env.CNI_IFNAME || DEFAULT_IFNAME,
  };
}
