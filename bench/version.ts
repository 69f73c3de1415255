// Start-up: CNI_COMMAND=VERSION of host-local, exec'd directly. No work but starting a plugin
// process and answering: the floor under every other figure.
import { join } from 'node:path';
import type { Lab } from './lab.ts';
import { alternate, timed, type Row } from './measure.ts';

const RUNS = 30;
const WARMUP = 3;

export async function benchVersion(lab: Lab): Promise<Row[]> {
  const r = await alternate(RUNS, WARMUP, (side) => ({ version: timed({ file: join(lab.sides[side].binDir, 'host-local'), env: { CNI_COMMAND: 'VERSION' } }).ms }));
  return [{ metric: 'VERSION, host-local (direct exec)', unit: 'ms', stats: r.version }];
}
