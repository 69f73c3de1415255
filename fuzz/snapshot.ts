// What a call may change, read before and after it: inside a netns its links, addresses, routes,
// rules, forwarding and per-link sysctls, nft ruleset and iptables/ip6tables rules (one shell per
// netns, so one `ip netns exec`), and every file under the case's temp dir. `normalize` drops what
// changes by itself (counters, address lifetimes, iptables-save's dated comments); `diff` names
// the parts that differ and their lines.
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { run } from './proc.ts';

export type Snapshot = Readonly<Record<string, string>>;

const SCRIPT = `
echo @@link; ip -j link show
echo @@addr; ip -j addr show
echo @@route; ip -4 -j route show table all; ip -6 -j route show table all
echo @@rule; ip -4 -j rule show; ip -6 -j rule show
echo @@sysctl
for f in /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv6/conf/all/forwarding /proc/sys/net/ipv4/conf/*/forwarding \\
  /proc/sys/net/ipv4/conf/*/route_localnet /proc/sys/net/ipv6/conf/*/accept_dad /proc/sys/net/ipv6/conf/*/disable_ipv6; do
  [ -e "$f" ] && echo "$f=$(cat "$f")"
done
echo @@nft; nft -j list ruleset
echo @@iptables; iptables-save
echo @@ip6tables; ip6tables-save
`;

/** Drops what changes without anyone changing it. */
export function normalize(part: string, text: string): string {
  if (part === 'iptables' || part === 'ip6tables') {
    return text
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => l.replace(/ \[\d+:\d+\]$/, ''))
      .join('\n');
  }
  if (part === 'sysctl') return text.trim();
  // JSON parts: one document per line (route and rule print two); one object per output line.
  const lines: string[] = [];
  for (const doc of text.split('\n').filter((l) => l.trim() !== '')) {
    let value: unknown;
    try {
      value = JSON.parse(doc);
    } catch {
      lines.push(doc);
      continue;
    }
    const items = part === 'nft' ? ((value as { nftables?: unknown[] }).nftables ?? []) : Array.isArray(value) ? value : [value];
    for (const item of items) {
      if (part === 'nft' && item !== null && typeof item === 'object' && 'metainfo' in item) continue;
      lines.push(JSON.stringify(item, (k, v) => (k === 'valid_life_time' || k === 'preferred_life_time' || k === 'stats64' ? undefined : v)));
    }
  }
  return lines.join('\n');
}

export function parseSections(out: string): Record<string, string> {
  const parts: Record<string, string> = {};
  let cur = '';
  for (const line of out.split('\n')) {
    const m = /^@@(\w+)$/.exec(line);
    if (m) cur = m[1]!;
    else if (cur !== '') parts[cur] = parts[cur] === undefined ? line : `${parts[cur]}\n${line}`;
  }
  return Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, normalize(k, v)]));
}

/** The kernel state of one netns, prefixed with `label` (host, ctr). */
export async function netnsSnapshot(ns: string, label: string): Promise<Record<string, string>> {
  const r = await run('ip', ['netns', 'exec', ns, 'sh', '-c', SCRIPT], { timeoutMs: 20_000 });
  if (r.exit !== 0 && r.stdout === '') return { [`${label} snapshot`]: `failed: ${r.stderr}` };
  return Object.fromEntries(Object.entries(parseSections(r.stdout)).map(([k, v]) => [`${label} ${k}`, v]));
}

/** Paths, types, sizes, mtimes and content hashes of everything under `dir`. */
export function filesSnapshot(dir: string): Record<string, string> {
  const lines: string[] = [];
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch (e) {
      lines.push(`${relative(dir, d)}: unreadable (${(e as Error).message})`);
      return;
    }
    for (const name of names) {
      const p = join(d, name);
      const st = lstatSync(p);
      const rel = relative(dir, p);
      if (st.isDirectory()) {
        lines.push(`${rel}/ mode=${(st.mode & 0o7777).toString(8)}`);
        walk(p);
      } else if (st.isSymbolicLink()) lines.push(`${rel} -> ${readlinkSync(p)}`);
      else if (st.isFile()) {
        const hash = createHash('sha256').update(readFileSync(p)).digest('hex').slice(0, 16);
        lines.push(`${rel} size=${st.size} mtime=${st.mtimeMs} mode=${(st.mode & 0o7777).toString(8)} sha256=${hash}`);
      } else lines.push(`${rel} (special)`);
    }
  };
  walk(dir);
  return { files: lines.join('\n') };
}

/** For each part that differs: its lines only before (-) and only after (+). */
export function diff(before: Snapshot, after: Snapshot): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[part] ?? '';
    const b = after[part] ?? '';
    if (a === b) continue;
    const la = a.split('\n');
    const lb = b.split('\n');
    const sa = new Set(la);
    const sb = new Set(lb);
    const lines = [...la.filter((l) => !sb.has(l)).map((l) => `- ${l}`), ...lb.filter((l) => !sa.has(l)).map((l) => `+ ${l}`)];
    out[part] = lines.length > 0 ? lines : ['(same lines, another order)'];
  }
  return out;
}
