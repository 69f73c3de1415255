// What the e2e test looks at on the host: HTTP answers, links, firewall rules, files left in
// IPAM and cache directories. Every query has a deadline.
import { request } from 'node:http';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { must, run } from './proc.ts';

/** GET http://host:port/ and return the body; rejects on any error, non-200 or after `timeout` ms. */
export function httpGet(host: string, port: number, timeout = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', method: 'GET', agent: false, signal: AbortSignal.timeout(timeout) }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${res.statusCode} from ${host}:${port}`))));
      res.on('error', reject);
    });
    req.on('error', (err) => reject(new Error(`GET http://${host}:${port}/: ${err.message}`)));
    req.end();
  });
}

interface IpLink {
  ifname: string;
  master?: string;
  linkinfo?: { info_kind?: string };
}

export async function links(): Promise<IpLink[]> {
  return JSON.parse(await must(['ip', '-d', '-j', 'link', 'show'], { timeout: 10_000 })) as IpLink[];
}

export async function linkExists(name: string): Promise<boolean> {
  return (await links()).some((l) => l.ifname === name);
}

/** Names of the links enslaved to `bridge` (the host ends of container veths). */
export async function bridgePorts(bridge: string): Promise<string[]> {
  return (await links()).filter((l) => l.master === bridge).map((l) => l.ifname);
}

/** Every line of iptables-save, ip6tables-save and `nft list ruleset` that contains one of `needles`. */
export async function firewallLines(needles: readonly string[]): Promise<string[]> {
  const dumps: [string, string[]][] = [
    ['iptables', ['iptables-save']],
    ['ip6tables', ['ip6tables-save']],
    ['nft', ['nft', 'list', 'ruleset']],
  ];
  const found: string[] = [];
  for (const [label, cmd] of dumps) {
    const r = await run(cmd, { timeout: 20_000 });
    if (r.code !== 0) continue; // a missing tool or table family is not a leftover
    for (const line of r.stdout.split('\n')) {
      if (needles.some((n) => line.includes(n))) found.push(`${label}: ${line.trim()}`);
    }
  }
  return found;
}

/** Files under `dir` (recursively, relative paths), minus those `keep` accepts. */
export function filesUnder(dir: string, keep: (rel: string) => boolean = () => false): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string, rel: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(p).isDirectory()) walk(p, r);
      else if (!keep(r)) out.push(r);
    }
  };
  walk(dir, '');
  return out;
}

/** host-local keeps `lock` and `last_reserved_ip.N` per network; anything else is a reservation. */
export const isHostLocalBookkeeping = (rel: string): boolean => /(^|\/)(lock|last_reserved_ip\.\d+)$/.test(rel);

/** Ulimits a podman container can be given here: podman's defaults for root (nofile and nproc
 *  1048576) exceed this machine's hard limits, and podman itself lowers its own nproc hard limit
 *  to 32768 before starting conmon, so runc fails with "error setting rlimit type 6: operation not
 *  permitted" for anything above that. */
export function containerUlimits(): { nofile: number; nproc: number } {
  const text = readFileSync('/proc/self/limits', 'utf8');
  const hard = (label: string): number => {
    const line = text.split('\n').find((l) => l.startsWith(label));
    const v = line?.slice(label.length).trim().split(/\s+/)[1];
    if (!v) throw new Error(`no "${label}" in /proc/self/limits`);
    return v === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(v);
  };
  return { nofile: Math.min(hard('Max open files'), 1048576), nproc: Math.min(hard('Max processes'), 32768) };
}
