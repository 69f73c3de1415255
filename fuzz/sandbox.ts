// One case in its own world: a private "host" netns where the plugin runs (so links, routes,
// sysctls and iptables/nft rules it makes live and die there), a container netns for CNI_NETNS,
// and a temp dir (the plugin's cwd, host-local's dataDir, the files hostile paths point at).
// Optionally a valid ADD first; then a snapshot, the call, a snapshot, and the verdict. Every
// netns and the dir are removed in a finally; `cleanupAll` removes what a killed run left.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { classify, type Outcome, type Verdict } from './classify.ts';
import { baseEnv, type FuzzCase } from './generate.ts';
import { run } from './proc.ts';
import { diff, filesSnapshot, netnsSnapshot, type Snapshot } from './snapshot.ts';

export const BIN_DIR = resolve(import.meta.dirname, '../dist/bin');

export interface CaseResult {
  readonly case: FuzzCase;
  readonly setup: Outcome | null;
  readonly outcome: Outcome;
  readonly verdict: Verdict;
  readonly changed: Readonly<Record<string, readonly string[]>>;
}

export interface Paths {
  readonly netns: string;
  readonly dir: string;
  readonly data: string;
  readonly cniPath: string;
}

export function fill(s: string, p: Paths): string {
  return s.replaceAll('@NETNS@', p.netns).replaceAll('@DATA@', p.data).replaceAll('@DIR@', p.dir).replaceAll('@CNI_PATH@', p.cniPath);
}

/** The names of a case's namespaces, from which `cleanupAll` finds leftovers. */
export const PREFIX = `cnits-fz-${process.pid}-`;

async function sh(...args: string[]): Promise<void> {
  const r = await run(args[0]!, args.slice(1), { timeoutMs: 20_000 });
  if (r.exit !== 0) throw new Error(`${args.join(' ')}: exit ${r.exit}: ${r.stderr.trim()}`);
}

async function snapshot(host: string, ctr: string, dir: string): Promise<Snapshot> {
  const [h, c] = await Promise.all([netnsSnapshot(host, 'host'), netnsSnapshot(ctr, 'ctr')]);
  return { ...h, ...c, ...filesSnapshot(dir) };
}

/**
 * A snapshot that two reads 100 ms apart agree on and that has no tentative IPv6 address left
 * (DAD takes a second or more, and ends with new local routes); at most 5 s, then the last read.
 */
async function settled(take: () => Promise<Snapshot>): Promise<Snapshot> {
  let last = await take();
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const now = await take();
    const tentative = Object.values(now).some((v) => v.includes('"tentative":true'));
    if (!tentative && Object.keys(diff(last, now)).length === 0) return now;
    last = now;
  }
  return last;
}

export async function runCase(c: FuzzCase, o: { timeoutMs: number; binDir?: string }): Promise<CaseResult> {
  const binDir = o.binDir ?? BIN_DIR;
  const host = `${PREFIX}${c.index}`;
  const ctr = `${host}-c`;
  const dir = mkdtempSync(join(tmpdir(), `${host}-`));
  const made: string[] = [];
  try {
    for (const ns of [host, ctr]) {
      await sh('ip', 'netns', 'add', ns);
      made.push(ns);
    }
    await sh('ip', '-n', host, 'link', 'set', 'lo', 'up');
    mkdirSync(join(dir, 'd1/d2/d3'), { recursive: true });
    mkdirSync(join(dir, 'adir'));
    writeFileSync(join(dir, 'afile'), 'a regular file\n');
    writeFileSync(join(dir, 'd1/d2/d3/afile'), 'a regular file\n');
    if (c.plugin === 'portmap') {
      // The container's address routable from the host, as the bridge would leave it; without
      // IPv6, whose link-local addresses would arrive after the first snapshot (the carrier
      // does too: the snapshot below waits for the kernel to settle).
      await sh('ip', '-n', host, 'link', 'add', 'cni-fake0', 'type', 'veth', 'peer', 'name', 'cni-fake1');
      for (const l of ['cni-fake0', 'cni-fake1']) await sh('ip', 'netns', 'exec', host, 'sysctl', '-qw', `net.ipv6.conf.${l}.disable_ipv6=1`);
      await sh('ip', '-n', host, 'addr', 'add', '10.0.0.1/24', 'dev', 'cni-fake0');
      await sh('ip', '-n', host, 'link', 'set', 'cni-fake0', 'up');
      await sh('ip', '-n', host, 'link', 'set', 'cni-fake1', 'up');
    }
    const paths: Paths = { netns: `/run/netns/${ctr}`, dir, data: join(dir, 'd1/d2/d3/data'), cniPath: binDir };
    const exec = (env: Readonly<Record<string, string>>, stdin: string): Promise<Outcome> =>
      run('ip', ['netns', 'exec', host, join(binDir, c.plugin)], {
        env: { PATH: process.env.PATH, ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, fill(v, paths)])) },
        input: fill(stdin, paths),
        cwd: dir,
        timeoutMs: o.timeoutMs,
      });
    const setup = c.setupStdin === null ? null : await exec(baseEnv('ADD', c.index), c.setupStdin);
    // After new links the kernel settles for a while (carrier, IPv6 DAD): wait for two equal reads.
    const fresh = setup !== null || c.plugin === 'portmap';
    const before = fresh ? await settled(() => snapshot(host, ctr, dir)) : await snapshot(host, ctr, dir);
    const outcome = await exec(c.env, c.stdin);
    const after = await snapshot(host, ctr, dir);
    const changed = diff(before, after);
    return { case: c, setup, outcome, verdict: classify(c, outcome, changed), changed };
  } finally {
    for (const ns of made.reverse()) await run('ip', ['netns', 'del', ns]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Removes every netns and temp dir this process made (after a signal). */
export function cleanupAllSync(): void {
  for (const ns of readdirSync('/run/netns')) if (ns.startsWith(PREFIX)) spawnSync('ip', ['netns', 'del', ns]);
  for (const d of readdirSync(tmpdir())) if (d.startsWith(PREFIX)) rmSync(join(tmpdir(), d), { recursive: true, force: true });
}
