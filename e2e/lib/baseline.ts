// What the runtimes change in the host namespace by design and never undo: portmap's shared
// CNI-HOSTPORT-* chains (never deleted, so other containers keep working) and the forwarding
// sysctls bridge turns on. The e2e run records them first and puts back what was not there.
import { readFileSync, writeFileSync } from 'node:fs';
import { run } from './proc.ts';

const SYSCTLS = ['/proc/sys/net/ipv4/ip_forward', '/proc/sys/net/ipv6/conf/all/forwarding'];
const SHARED = /^CNI-HOSTPORT-/;

export interface HostBaseline {
  readonly sysctls: ReadonlyMap<string, string>;
  /** Shared chains present before, per save tool. */
  readonly chains: ReadonlyMap<string, ReadonlySet<string>>;
}

const TOOLS = [
  ['iptables-save', 'iptables-restore'],
  ['ip6tables-save', 'ip6tables-restore'],
] as const;

async function natDump(save: string): Promise<string> {
  const r = await run([save, '-t', 'nat'], { timeout: 20_000 });
  return r.code === 0 ? r.stdout : '';
}

const sharedChains = (dump: string): Set<string> =>
  new Set(dump.split('\n').flatMap((l) => (l.startsWith(':') && SHARED.test(l.slice(1)) ? [l.slice(1).split(' ')[0]!] : [])));

export async function recordBaseline(): Promise<HostBaseline> {
  const sysctls = new Map(SYSCTLS.map((p) => [p, readFileSync(p, 'utf8').trim()]));
  const chains = new Map<string, Set<string>>();
  for (const [save] of TOOLS) chains.set(save, sharedChains(await natDump(save)));
  return { sysctls, chains };
}

/** Removes the shared chains (and every jump to them) that the run created; restores sysctls. */
export async function restoreBaseline(before: HostBaseline): Promise<string[]> {
  const done: string[] = [];
  for (const [save, restore] of TOOLS) {
    const dump = await natDump(save);
    const created = [...sharedChains(dump)].filter((c) => !before.chains.get(save)?.has(c));
    if (created.length === 0) continue;
    const jumps = dump.split('\n').filter((l) => l.startsWith('-A ') && created.some((c) => l.endsWith(` -j ${c}`)));
    const script = `*nat\n${[...jumps.map((l) => `-D ${l.slice(3)}`), ...created.map((c) => `-F ${c}`), ...created.map((c) => `-X ${c}`)].join('\n')}\nCOMMIT\n`;
    const r = await run([restore, '-w', '--noflush'], { input: script, timeout: 20_000 });
    done.push(r.code === 0 ? `${save}: removed ${created.join(', ')}` : `${restore} failed: ${r.stderr.trim()}`);
  }
  for (const [path, value] of before.sysctls) {
    if (readFileSync(path, 'utf8').trim() === value) continue;
    writeFileSync(path, value);
    done.push(`${path} back to ${value}`);
  }
  return done;
}
