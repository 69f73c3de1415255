// bridge + host-local: ADD and DEL latency (median, p90) and 16 parallel ADDs/DELs, ours against
// the reference Go plugins in the same run. Everything happens in namespaces made here: the
// plugins run inside a "host" namespace (`ip netns exec`, whose few ms both sides pay).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, ratio, stats, type Stats } from './measure.ts';

const RUNS = 30;
const PARALLEL = 16;

interface Impl {
  readonly label: string;
  readonly dir: string;
}

function netns(name: string): string {
  execFileSync('ip', ['netns', 'add', name]);
  return `/run/netns/${name}`;
}

function env(cmd: string, id: string, nsPath: string, dir: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, CNI_COMMAND: cmd, CNI_CONTAINERID: id, CNI_NETNS: nsPath, CNI_IFNAME: 'eth0', CNI_PATH: dir };
}

function once(host: string, impl: Impl, cmd: string, id: string, nsPath: string, conf: string): number {
  const start = process.hrtime.bigint();
  const r = spawnSync('ip', ['netns', 'exec', host, `${impl.dir}/bridge`], { env: env(cmd, id, nsPath, impl.dir), input: conf, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${impl.label} ${cmd} failed: ${r.stdout}${r.stderr}`);
  return ms;
}

function onceAsync(host: string, impl: Impl, cmd: string, id: string, nsPath: string, conf: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', host, `${impl.dir}/bridge`], { env: env(cmd, id, nsPath, impl.dir), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c));
    child.stderr.on('data', (c: Buffer) => (out += c));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${impl.label} ${cmd} failed: ${out}`))));
    child.stdin.end(conf);
  });
}

async function timeParallel(fn: () => Promise<void>[]): Promise<number> {
  const start = process.hrtime.bigint();
  await Promise.all(fn());
  return Number(process.hrtime.bigint() - start) / 1e6;
}

interface Figures {
  add: Stats;
  del: Stats;
  addParallel: number;
  delParallel: number;
}

async function measure(impl: Impl, tag: string): Promise<Figures> {
  const host = `cnits-bench-${process.pid}-${tag}h`;
  const names: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'cnits-bench-'));
  try {
    netns(host);
    names.push(host);
    const conf = JSON.stringify({ cniVersion: '1.0.0', name: 'benchnet', type: 'bridge', bridge: 'benchbr0', isGateway: true, ipam: { type: 'host-local', subnet: '10.77.0.0/16', dataDir } });
    const ctrs = Array.from({ length: PARALLEL }, (_, i) => {
      const n = `cnits-bench-${process.pid}-${tag}c${i}`;
      netns(n);
      names.push(n);
      return `/run/netns/${n}`;
    });
    const adds: number[] = [];
    const dels: number[] = [];
    for (let i = 0; i < RUNS + 3; i++) {
      const a = once(host, impl, 'ADD', `seq${i}`, ctrs[0]!, conf);
      const d = once(host, impl, 'DEL', `seq${i}`, ctrs[0]!, conf);
      if (i >= 3) {
        adds.push(a);
        dels.push(d);
      }
    }
    const addParallel = await timeParallel(() => ctrs.map((p, i) => onceAsync(host, impl, 'ADD', `par${i}`, p, conf)));
    const delParallel = await timeParallel(() => ctrs.map((p, i) => onceAsync(host, impl, 'DEL', `par${i}`, p, conf)));
    return { add: stats(adds), del: stats(dels), addParallel, delParallel };
  } finally {
    for (const n of names) spawnSync('ip', ['netns', 'del', n], { stdio: 'ignore' });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchBridge(binDir: string, referenceDir: string): Promise<void> {
  const ours = await measure({ label: 'cni-ts', dir: binDir }, 'o');
  const ref = existsSync(`${referenceDir}/bridge`) ? await measure({ label: 'reference', dir: referenceDir }, 'r') : undefined;
  const line = (label: string, f: Figures | undefined): string =>
    f
      ? `  ${label.padEnd(16)} ADD ${fmt(f.add.median)} (p90 ${fmt(f.add.p90)})   DEL ${fmt(f.del.median)} (p90 ${fmt(f.del.p90)})   ${PARALLEL} parallel ADDs ${fmt(f.addParallel)}, DELs ${fmt(f.delParallel)}`
      : `  ${label.padEnd(16)} not installed`;
  console.log(`bridge + host-local (isGateway), median of ${RUNS}, each run inside a test netns via ip netns exec`);
  console.log(line('cni-ts', ours));
  console.log(line('reference (Go)', ref));
  console.log(
    `  ratio            ADD ${ratio(ours.add.median, ref?.add.median)} (target <= 1.0x)   DEL ${ratio(ours.del.median, ref?.del.median)} (target <= 0.5x)   parallel ADD ${ratio(ours.addParallel, ref?.addParallel)}, DEL ${ratio(ours.delParallel, ref?.delParallel)}`,
  );
}
