// What the loopback scenarios share: a container namespace whose lo is down (as a runtime's new
// sandbox has it), calls of the plugin into it, and lo as the kernel reports it.
import type { Ctx } from '../harness/context.ts';
import type { Outcome } from '../harness/proc.ts';

export interface LoKit {
  readonly ns: { name: string; path: string };
  conf(extra?: object, version?: string): object;
  call(command: string, stdin: object, netns?: string): Promise<Outcome>;
  /** lo's flags and its addresses as "addr/len". */
  lo(): Promise<{ up: boolean; addrs: string[] }>;
}

export async function loKit(t: Ctx): Promise<LoKit> {
  const ns = await t.netns();
  await t.sh(ns.name, 'ip', 'link', 'set', 'lo', 'down');
  return {
    ns,
    conf: (extra = {}, version = t.version) => ({ cniVersion: version, name: 'lonet', type: 'loopback', ...extra }),
    call: (command, stdin, netns = ns.path) => t.exec('loopback', { command, netns, containerId: 'lo1', stdin }),
    lo: async () => {
      const [l] = await t.ipJson<{ flags: string[]; addr_info: { local: string; prefixlen: number }[] }[]>(ns.name, 'addr', 'show', 'dev', 'lo');
      return { up: l!.flags.includes('UP'), addrs: l!.addr_info.map((a) => `${a.local}/${a.prefixlen}`) };
    },
  };
}
