// loopback exec'd directly, as containerd's CRI runs it for every pod: ADD (lo up, addresses
// read back) and DEL (lo down) in one container netns of each side. Each round ends with the DEL,
// so the container is left with lo down, as the lab made it.
import { join } from 'node:path';
import { CNI_VERSION, type Lab, type SideLab } from './lab.ts';
import { alternate, timed, type Row } from './measure.ts';

const RUNS = 30;
const WARMUP = 3;

function call(lab: SideLab, command: 'ADD' | 'DEL'): number {
  const input = JSON.stringify({ cniVersion: CNI_VERSION, name: 'bench-lo', type: 'loopback' });
  const env = { CNI_COMMAND: command, CNI_CONTAINERID: 'bench-lo', CNI_IFNAME: 'lo', CNI_NETNS: lab.containers[0], CNI_PATH: lab.binDir };
  return timed({ file: join(lab.binDir, 'loopback'), env, input }).ms;
}

export async function benchLoopback(lab: Lab): Promise<Row[]> {
  const r = await alternate(RUNS, WARMUP, (side) => {
    const l = lab.sides[side];
    const add = call(l, 'ADD');
    return { add, del: call(l, 'DEL') };
  });
  return [
    { metric: 'loopback ADD (direct exec)', unit: 'ms', stats: r.add },
    { metric: 'loopback DEL (direct exec)', unit: 'ms', stats: r.del },
  ];
}
