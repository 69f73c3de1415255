// The full chain bridge + host-local + portmap (ipMasq, one tcp mapping from CAP_ARGS, i.e.
// runtimeConfig.portMappings) through cnitool: ADD and DEL of one container; batches of ADDs,
// then DELs, of every container at once; and ADD and DEL again with the rules of 1,000 other
// port-mapped containers in the host's nat table (the reference's cost grows with them).
import { planIptables } from '../plugins/portmap/firewall/iptables-plan.ts';
import { fastAddScript } from '../plugins/portmap/firewall/iptables-script.ts';
import type { ForwardSpec } from '../plugins/portmap/firewall/types.ts';
import { CONTAINERS, cnitool, inHost, type Lab, type SideLab } from './lab.ts';
import { alternate, timed, timedBatch, type Row } from './measure.ts';

const RUNS = 20;
/** The cost of logs and metrics is about 1 ms against a spread of a chain's round-to-round time
 *  of several ms (p25-p75 of the paired differences, -0.5 to +2.7 ms here): at 200 rounds the
 *  median of the differences is good to about 0.2 ms. */
const OBS_ROUNDS = 200;
const WARMUP = 3;
const BATCHES = 20;
const PRESENT = 1000;

async function chainRounds(lab: Lab, where: string): Promise<Row[]> {
  const r = await alternate(RUNS, WARMUP, (side) => {
    const l = lab.sides[side];
    return { add: timed(cnitool(l, 'add', 'chain', 0)).ms, del: timed(cnitool(l, 'del', 'chain', 0)).ms };
  });
  return [
    { metric: `full chain ADD${where} (cnitool)`, unit: 'ms', stats: r.add },
    { metric: `full chain DEL${where} (cnitool)`, unit: 'ms', stats: r.del },
  ];
}

export const benchChain = (lab: Lab): Promise<Row[]> => chainRounds(lab, '');

/**
 * The cost of logs and metrics: each round runs the chain ADD and DEL with both off and with both
 * on (every plugin logs at info and updates the metrics file), on the same bridge and subnet. The
 * reference ignores the keys, so its "on - off" is the noise floor of the pairing.
 */
export async function benchChainObservability(lab: Lab): Promise<Row[]> {
  const r = await alternate(OBS_ROUNDS, WARMUP, (side, round) => {
    const l = lab.sides[side];
    const once = (network: 'chain' | 'chain-obs') => ({ add: timed(cnitool(l, 'add', network, 0)).ms, del: timed(cnitool(l, 'del', network, 0)).ms });
    // Off first in even rounds, on first in odd ones: the order itself must not count.
    const [off, on] = round % 2 === 0 ? [once('chain'), once('chain-obs')] : [once('chain-obs'), once('chain')].reverse();
    return { addOn: on!.add, delOn: on!.del, addCost: on!.add - off!.add, delCost: on!.del - off!.del };
  });
  return [
    { metric: 'full chain ADD, logs + metrics on (cnitool)', unit: 'ms', stats: r.addOn },
    { metric: 'full chain DEL, logs + metrics on (cnitool)', unit: 'ms', stats: r.delOn },
    { metric: 'full chain ADD, on - off in the same round', unit: 'ms', stats: r.addCost, difference: true },
    { metric: 'full chain DEL, on - off in the same round', unit: 'ms', stats: r.delCost, difference: true },
  ];
}

/** Each container maps its own host port, as separate pods would. */
export async function benchParallel(lab: Lab): Promise<Row[]> {
  const r = await alternate(BATCHES, 1, async (side) => {
    const l = lab.sides[side];
    const all = (verb: 'add' | 'del') => l.containers.map((_, i) => cnitool(l, verb, 'chain', i, 8080 + i));
    return { add: await timedBatch(all('add')), del: await timedBatch(all('del')) };
  });
  const metric = (verb: string): string => `${CONTAINERS} parallel full-chain ${verb}s, wall time of a batch (cnitool)`;
  return [
    { metric: metric('ADD'), unit: 'ms', stats: r.add },
    { metric: metric('DEL'), unit: 'ms', stats: r.del },
  ];
}

/**
 * PRESENT containers' port forwards on the chain network, exactly as portmap's ADD writes them
 * (our layout is the reference's), in one restore. The shared CNI-HOSTPORT-* chains exist by
 * now, made by the chain ADDs measured before, so every container takes the fast script.
 */
function preload(l: SideLab): void {
  const body = Array.from({ length: PRESENT }, (_, i): ForwardSpec => {
    const n = i + 2;
    const address = `10.250.${128 + (n >> 8)}.${n & 255}`;
    return {
      attachment: { network: l.lists.chain.name, containerID: `present${i}`, ifname: 'eth0' },
      options: { snat: true, masqAll: false, markMasqBit: 13 },
      mappings: [{ hostPort: 10000 + i, containerPort: 80, protocol: 'tcp' }],
      ip: { family: 4, address, cidr: `${address}/17` },
    };
  }).flatMap((spec) => fastAddScript(planIptables(spec)).split('\n').filter((line) => line !== '*nat' && line !== 'COMMIT' && line !== ''));
  timed(inHost(l, ['iptables-restore', '-w', '--noflush'], {}, ['*nat', ...body, 'COMMIT', ''].join('\n')));
}

export async function benchChainPresent(lab: Lab): Promise<Row[]> {
  for (const l of Object.values(lab.sides)) preload(l);
  return chainRounds(lab, `, ${PRESENT.toLocaleString('en-US')} mapped containers present`);
}
