// host-local: ADD and DEL latency of ours against the reference Go binary in one run, and DEL
// latency with 10 and with 10,000 existing reservations (the reference reads every reservation
// file on each DEL; our owner index should make the count irrelevant).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, ratio, stats, type Stats } from './measure.ts';
import { REFERENCE_DIR } from './startup.ts';

const RUNS = 30;
const WARMUP = 3;
const VERSION = '1.0.0'; // the newest the reference (Debian's 1.1.1) speaks
const NETWORK = 'benchnet';

interface Target {
  readonly label: string;
  readonly bin: string;
}

function call(bin: string, command: 'ADD' | 'DEL', dataDir: string, id: string, netns: string): number {
  const stdin = JSON.stringify({ cniVersion: VERSION, name: NETWORK, type: 'host-local', ipam: { type: 'host-local', dataDir, ranges: [[{ subnet: '10.20.0.0/16' }]] } });
  const env = { CNI_COMMAND: command, CNI_CONTAINERID: id, CNI_IFNAME: 'eth0', CNI_NETNS: netns, CNI_PATH: REFERENCE_DIR };
  const start = process.hrtime.bigint();
  const r = spawnSync(bin, [], { env, input: stdin, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${bin} ${command} failed (${r.status}): ${r.stdout}${r.stderr}`);
  return ms;
}

/** Reservations as the Go plugin writes them, from 10.20.0.2 upwards. */
function preload(dataDir: string, count: number): void {
  const dir = join(dataDir, NETWORK);
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const n = i + 2;
    writeFileSync(join(dir, `10.20.${n >> 8}.${n & 255}`), `pre-${i}\r\neth0`, { mode: 0o600 });
  }
  writeFileSync(join(dir, 'last_reserved_ip.0'), `10.20.${(count + 1) >> 8}.${(count + 1) & 255}`, { mode: 0o600 });
}

/** ADD then DEL of one container, RUNS times after WARMUP; both timed, on `existing` preloaded reservations. */
function addDel(t: Target, existing: number, netns: string): { add: Stats; del: Stats } {
  const dataDir = mkdtempSync(join(tmpdir(), 'cnits-bench-hl-'));
  try {
    preload(dataDir, existing);
    // The first call after files appeared behind our back pays for reading them all; not timed.
    call(t.bin, 'DEL', dataDir, 'warm', netns);
    const adds: number[] = [];
    const dels: number[] = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const id = `bench-${i}`;
      const a = call(t.bin, 'ADD', dataDir, id, netns);
      const d = call(t.bin, 'DEL', dataDir, id, netns);
      if (i >= WARMUP) {
        adds.push(a);
        dels.push(d);
      }
    }
    return { add: stats(adds), del: stats(dels) };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const cell = (s: Stats | undefined): string => (s ? `${fmt(s.median)} (${fmt(s.p90)})`.padEnd(20) : 'not installed'.padEnd(20));

export function benchHostLocal(bin: string): void {
  const ours: Target = { label: 'cni-ts', bin };
  const refBin = join(REFERENCE_DIR, 'host-local');
  const ref: Target | undefined = existsSync(refBin) ? { label: 'reference', bin: refBin } : undefined;
  const netns = `cnits-bench-${process.pid}`;
  spawnSync('ip', ['netns', 'add', netns]);
  const nsPath = `/run/netns/${netns}`;
  try {
    const o10 = addDel(ours, 10, nsPath);
    const r10 = ref && addDel(ref, 10, nsPath);
    const o10k = addDel(ours, 10_000, nsPath);
    const r10k = ref && addDel(ref, 10_000, nsPath);
    console.log(`host-local, one ADD then one DEL, median of ${RUNS} (p90)`);
    console.log(`                         cni-ts              reference           ratio`);
    console.log(`  ADD, 10 reserved       ${cell(o10.add)}${cell(r10?.add)}${ratio(o10.add.median, r10?.add.median)}`);
    console.log(`  DEL, 10 reserved       ${cell(o10.del)}${cell(r10?.del)}${ratio(o10.del.median, r10?.del.median)}`);
    console.log(`  ADD, 10,000 reserved   ${cell(o10k.add)}${cell(r10k?.add)}${ratio(o10k.add.median, r10k?.add.median)}`);
    console.log(`  DEL, 10,000 reserved   ${cell(o10k.del)}${cell(r10k?.del)}${ratio(o10k.del.median, r10k?.del.median)}`);
    console.log(`  cni-ts DEL at 10,000 vs at 10: ${(o10k.del.median / o10.del.median).toFixed(2)}x (goal <= 1.20x)`);
  } finally {
    spawnSync('ip', ['netns', 'del', netns]);
  }
}
