// bridge + host-local with ipMasq: ADD, CHECK and DEL through cnitool, as a runtime runs them;
// and the peak RSS of a bridge ADD.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CNI_VERSION, cnitool, inHost, type Lab, type SideLab } from './lab.ts';
import { alternate, timed, type Command, type Row } from './measure.ts';

const RUNS = 20;
const WARMUP = 3;
export const TIME = '/usr/bin/time';

export async function benchBridge(lab: Lab): Promise<Row[]> {
  const r = await alternate(RUNS, WARMUP, (side) => {
    const l = lab.sides[side];
    return { add: timed(cnitool(l, 'add', 'bridge', 0)).ms, check: timed(cnitool(l, 'check', 'bridge', 0)).ms, del: timed(cnitool(l, 'del', 'bridge', 0)).ms };
  });
  const metric = (verb: string): string => `bridge + host-local ${verb} (cnitool)`;
  return [
    { metric: metric('ADD'), unit: 'ms', stats: r.add },
    { metric: metric('CHECK'), unit: 'ms', stats: r.check },
    { metric: metric('DEL'), unit: 'ms', stats: r.del },
  ];
}

/** The bridge plugin exec'd directly (after `prefix`), as libcni would exec it for this network. */
function bridge(l: SideLab, command: 'ADD' | 'DEL', prefix: readonly string[] = []): Command {
  const list = l.lists.bridge;
  const input = JSON.stringify({ cniVersion: CNI_VERSION, name: list.name, ...list.plugins[0] });
  const env = { CNI_COMMAND: command, CNI_CONTAINERID: 'bench-rss', CNI_IFNAME: 'eth0', CNI_NETNS: l.containers[0], CNI_PATH: l.binDir };
  return inHost(l, [...prefix, join(l.binDir, 'bridge')], env, input);
}

/**
 * Peak RSS of a bridge ADD: GNU time's %M, the ru_maxrss that wait4 reports for the plugin,
 * which covers the plugin and the children it waited for (the reference execs host-local; ours
 * runs it in-process). Each ADD is undone by a direct DEL, which is not measured.
 */
export async function benchBridgeRss(lab: Lab): Promise<Row[]> {
  const r = await alternate(RUNS, WARMUP, (side) => {
    const l = lab.sides[side];
    const out = join(l.dir, 'rss');
    timed(bridge(l, 'ADD', [TIME, '-f', '%M', '-o', out]));
    timed(bridge(l, 'DEL'));
    return { rss: Number(readFileSync(out, 'utf8').trim()) / 1024 };
  });
  return [{ metric: 'peak RSS, bridge ADD (direct exec, GNU time %M)', unit: 'MB', stats: r.rss }];
}
