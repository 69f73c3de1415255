// portmap: the full chain bridge + host-local + portmap (ipMasq, one port mapping), ADD and DEL
// as a runtime runs them (bridge, then portmap with bridge's result; DEL in reverse), ours
// against the reference Go plugins in one run; then portmap alone, and the full chain, with
// 1,000 port-mapped containers already present against none, on both backends. Everything
// happens in namespaces made here; the plugins run in a "host" namespace via `ip netns exec`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planIptables } from '../lib/firewall/portmap/iptables-plan.ts';
import { fastAddScript, slowAddScript } from '../lib/firewall/portmap/iptables-script.ts';
import { parseIptablesSave } from '../lib/firewall/iptables.ts';
import { planNftAdd } from '../lib/firewall/portmap/nft-plan.ts';
import type { ForwardSpec } from '../lib/firewall/portmap/types.ts';
import { fmt, ratio, stats, type Stats } from './measure.ts';

const RUNS = 20;
const WARMUP = 3;
const PRESENT = 1000;

interface Impl {
  readonly label: string;
  readonly dir: string;
}

function exec(host: string, impl: Impl, plugin: string, cmd: string, id: string, nsPath: string, conf: object): { ms: number; out: string } {
  const env = { PATH: process.env.PATH, CNI_COMMAND: cmd, CNI_CONTAINERID: id, CNI_NETNS: nsPath, CNI_IFNAME: 'eth0', CNI_PATH: impl.dir };
  const start = process.hrtime.bigint();
  const r = spawnSync('ip', ['netns', 'exec', host, `${impl.dir}/${plugin}`], { env, input: JSON.stringify(conf), encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${impl.label} ${plugin} ${cmd} failed: ${r.stdout}${r.stderr}`);
  return { ms, out: r.stdout };
}

const MAPPING = [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }];

interface Env {
  readonly host: string;
  readonly ctr: string;
  readonly dataDir: string;
  readonly names: string[];
}

function makeEnv(tag: string): Env {
  const host = `cnits-bpm-${process.pid}-${tag}h`;
  const ctr = `cnits-bpm-${process.pid}-${tag}c`;
  execFileSync('ip', ['netns', 'add', host]);
  execFileSync('ip', ['netns', 'add', ctr]);
  return { host, ctr, dataDir: mkdtempSync(join(tmpdir(), 'cnits-bpm-')), names: [host, ctr] };
}

function dropEnv(e: Env): void {
  for (const n of e.names) spawnSync('ip', ['netns', 'del', n], { stdio: 'ignore' });
  rmSync(e.dataDir, { recursive: true, force: true });
}

function bridgeConf(e: Env): object {
  return { cniVersion: '1.0.0', name: 'benchnet', type: 'bridge', bridge: 'benchbr0', isGateway: true, ipMasq: true, ipam: { type: 'host-local', subnet: '10.78.0.0/16', dataDir: e.dataDir } };
}

const portmapConf = (prevResult: object | undefined, backend?: string): object => ({
  cniVersion: '1.0.0',
  name: 'benchnet',
  type: 'portmap',
  ...(backend && { backend }),
  runtimeConfig: { portMappings: MAPPING },
  ...(prevResult && { prevResult }),
});

/** One full-chain ADD and DEL: returns their wall times (sum of the plugin execs, as a runtime pays). */
function chain(e: Env, impl: Impl, id: string, backend?: string): { add: number; del: number } {
  const ctrPath = `/run/netns/${e.ctr}`;
  const b = exec(e.host, impl, 'bridge', 'ADD', id, ctrPath, bridgeConf(e));
  const prev = JSON.parse(b.out) as object;
  const p = exec(e.host, impl, 'portmap', 'ADD', id, ctrPath, portmapConf(prev, backend));
  const final = JSON.parse(p.out) as object;
  const pd = exec(e.host, impl, 'portmap', 'DEL', id, ctrPath, portmapConf(final, backend));
  const bd = exec(e.host, impl, 'bridge', 'DEL', id, ctrPath, { ...bridgeConf(e), prevResult: final });
  return { add: b.ms + p.ms, del: pd.ms + bd.ms };
}

function fullChain(impl: Impl, tag: string, present: number, backend?: string): { add: Stats; del: Stats } {
  const e = makeEnv(tag);
  try {
    if (present > 0) preload(e.host, present, backend ?? 'iptables');
    const adds: number[] = [];
    const dels: number[] = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const r = chain(e, impl, `bench${i}`, backend);
      if (i >= WARMUP) {
        adds.push(r.add);
        dels.push(r.del);
      }
    }
    return { add: stats(adds), del: stats(dels) };
  } finally {
    dropEnv(e);
  }
}

/** portmap alone (a previous result naming a container address), ADD then DEL. */
function portmapAlone(impl: Impl, tag: string, present: number, backend: string): { add: Stats; del: Stats } {
  const e = makeEnv(tag);
  try {
    if (present > 0) preload(e.host, present, backend);
    const prev = { cniVersion: '1.0.0', interfaces: [{ name: 'eth0', sandbox: `/run/netns/${e.ctr}` }], ips: [{ interface: 0, address: '10.78.0.2/16' }] };
    const adds: number[] = [];
    const dels: number[] = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const a = exec(e.host, impl, 'portmap', 'ADD', `solo${i}`, `/run/netns/${e.ctr}`, portmapConf(prev, backend)).ms;
      const d = exec(e.host, impl, 'portmap', 'DEL', `solo${i}`, `/run/netns/${e.ctr}`, portmapConf(prev, backend)).ms;
      if (i >= WARMUP) {
        adds.push(a);
        dels.push(d);
      }
    }
    return { add: stats(adds), del: stats(dels) };
  } finally {
    dropEnv(e);
  }
}

/** `count` containers' port forwards, exactly as our ADD makes them, written in one batch. */
function preload(host: string, count: number, backend: string): void {
  const specs: ForwardSpec[] = Array.from({ length: count }, (_, i) => ({
    attachment: { network: 'benchnet', containerId: `present${i}`, ifname: 'eth0' },
    options: { snat: true, masqAll: false, markMasqBit: 13 },
    mappings: [{ hostPort: 10000 + i, containerPort: 80, protocol: 'tcp' }],
    ip: { family: 4, address: `10.79.${(i + 2) >> 8}.${(i + 2) & 255}`, cidr: `10.79.${(i + 2) >> 8}.${(i + 2) & 255}/16` },
  }));
  if (backend === 'nftables') {
    execFileSync('ip', ['netns', 'exec', host, 'nft', '-f', '-'], { input: specs.map((s) => planNftAdd(s)).join('') });
    return;
  }
  const empty = parseIptablesSave(execFileSync('ip', ['netns', 'exec', host, 'iptables-save', '-t', 'nat'], { encoding: 'utf8' }));
  const scripts = specs.map((s, i) => (i === 0 ? slowAddScript(planIptables(s), empty) : fastAddScript(planIptables(s))));
  // One restore: the bodies of every script between the first *nat and the last COMMIT.
  const body = scripts.flatMap((s) => s.split('\n').filter((l) => l !== '*nat' && l !== 'COMMIT' && l !== ''));
  execFileSync('ip', ['netns', 'exec', host, 'iptables-restore', '-w', '--noflush'], { input: ['*nat', ...body, 'COMMIT', ''].join('\n') });
}

const row = (label: string, f: { add: Stats; del: Stats } | undefined): string =>
  f ? `  ${label.padEnd(34)} ADD ${fmt(f.add.median)} (p90 ${fmt(f.add.p90)})   DEL ${fmt(f.del.median)} (p90 ${fmt(f.del.p90)})` : `  ${label.padEnd(34)} not installed`;

export function benchPortmap(binDir: string, referenceDir: string): void {
  const ours: Impl = { label: 'cni-ts', dir: binDir };
  const ref: Impl = { label: 'reference', dir: referenceDir };
  const haveRef = ['bridge', 'host-local', 'portmap'].every((p) => existsSync(`${referenceDir}/${p}`));
  console.log(`portmap: bridge + host-local + portmap (ipMasq, 1 tcp mapping), median of ${RUNS}, plugins run in a test netns via ip netns exec`);
  const o = fullChain(ours, 'fo', 0);
  const r = haveRef ? fullChain(ref, 'fr', 0) : undefined;
  console.log(row('full chain, cni-ts (iptables)', o));
  console.log(row('full chain, reference (Go)', r));
  console.log(`  ratio                              ADD ${ratio(o.add.median, r?.add.median)} (target <= 0.9x)   DEL ${ratio(o.del.median, r?.del.median)} (target <= 0.4x)`);
  const on = fullChain(ours, 'fn', 0, 'nftables');
  console.log(row('full chain, cni-ts (nftables)', on));
  const o1k = fullChain(ours, 'fk', PRESENT);
  console.log(row(`full chain, cni-ts, ${PRESENT} present`, o1k));
  console.log(`  ratio ${PRESENT} present / none          ADD ${ratio(o1k.add.median, o.add.median)}   DEL ${ratio(o1k.del.median, o.del.median)} (target <= 1.2x)`);
  for (const backend of ['iptables', 'nftables']) {
    const none = portmapAlone(ours, `s${backend[0]}0`, 0, backend);
    const many = portmapAlone(ours, `s${backend[0]}k`, PRESENT, backend);
    console.log(row(`portmap alone (${backend}), none`, none));
    console.log(row(`portmap alone (${backend}), ${PRESENT} present`, many));
    console.log(`  ratio ${PRESENT} present / none          ADD ${ratio(many.add.median, none.add.median)}   DEL ${ratio(many.del.median, none.del.median)} (target <= 1.2x)`);
  }
  if (haveRef) {
    const refSolo = portmapAlone(ref, 'sr0', 0, 'iptables');
    const refMany = portmapAlone(ref, 'srk', PRESENT, 'iptables');
    console.log(row('portmap alone, reference, none', refSolo));
    console.log(row(`portmap alone, reference, ${PRESENT} present`, refMany));
  }
}

if (import.meta.main) benchPortmap(join(import.meta.dirname, '..', 'dist', 'bin'), '/usr/lib/cni');
