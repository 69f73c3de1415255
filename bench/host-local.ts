// host-local exec'd directly: ADD and DEL of one container with 10 and with 10,000 existing
// reservations (the reference reads every reservation file on each DEL; our owner index should
// make the count irrelevant). Each side has its own dataDir; no interface is made.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CNI_VERSION, type Lab, type SideLab } from './lab.ts';
import { alternate, timed, type Row } from './measure.ts';

const RUNS = 30;
const WARMUP = 3;
const NETWORK = 'bench-hl';

function call(lab: SideLab, command: 'ADD' | 'DEL', dataDir: string, id: string): number {
  const input = JSON.stringify({ cniVersion: CNI_VERSION, name: NETWORK, type: 'host-local', ipam: { type: 'host-local', dataDir, ranges: [[{ subnet: '10.20.0.0/16' }]] } });
  const env = { CNI_COMMAND: command, CNI_CONTAINERID: id, CNI_IFNAME: 'eth0', CNI_NETNS: lab.containers[0], CNI_PATH: lab.binDir };
  return timed({ file: join(lab.binDir, 'host-local'), env, input }).ms;
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

export async function benchHostLocal(lab: Lab): Promise<Row[]> {
  const rows: Row[] = [];
  for (const existing of [10, 10_000]) {
    const dataDir = (l: SideLab): string => join(l.dir, `host-local-${existing}`);
    for (const l of Object.values(lab.sides)) {
      preload(dataDir(l), existing);
      // The first call after files appeared behind our back pays for reading them all; not timed.
      call(l, 'DEL', dataDir(l), 'warm');
    }
    const r = await alternate(RUNS, WARMUP, (side, round) => {
      const l = lab.sides[side];
      const id = `bench-${round}`;
      return { add: call(l, 'ADD', dataDir(l), id), del: call(l, 'DEL', dataDir(l), id) };
    });
    const where = `${existing.toLocaleString('en-US')} reserved (direct exec)`;
    rows.push({ metric: `host-local ADD, ${where}`, unit: 'ms', stats: r.add }, { metric: `host-local DEL, ${where}`, unit: 'ms', stats: r.del });
  }
  return rows;
}
