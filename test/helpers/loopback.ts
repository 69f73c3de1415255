// A fake container for the loopback verbs: a namespace holding `lo` (down, as a new netns has it)
// with the addresses the kernel gives it once up, and requests built by the plugin's own parser.
import type { Command } from '../../lib/cni/env.ts';
import type { Request } from '../../lib/cni/plugin.ts';
import { OFF } from '../../lib/obs/observer.ts';
import { loopback } from '../../plugins/loopback/plugin.ts';
import type { LoopbackConfig } from '../../plugins/loopback/config.ts';
import type { Deps } from '../../plugins/loopback/deps.ts';
import { FakeKernel } from './fake-netlink.ts';

export const NETNS = '/run/netns/ctr';

export interface LoWorld {
  readonly kernel: FakeKernel;
  readonly deps: Deps;
}

/** `addresses` are on lo from the start (the fake kernel adds none when it goes up). */
export async function loWorld(addresses: readonly string[] = ['127.0.0.1/8', '::1/128']): Promise<LoWorld> {
  const kernel = new FakeKernel();
  kernel.namespaces.add(NETNS);
  kernel.addLink(NETNS, { name: 'lo', mac: '00:00:00:00:00:00', mtu: 65536 });
  const nl = await kernel.openNetlink(NETNS);
  for (const a of addresses) await nl.addAddress('lo', a);
  nl.close();
  kernel.log.calls.length = 0;
  return { kernel, deps: { openNetlink: (netns) => kernel.openNetlink(netns) } };
}

export const isUp = (w: LoWorld): boolean => w.kernel.find(NETNS, 'lo')!.up;

export function loRequest(command: Command, conf: Record<string, unknown> = {}, netns = NETNS): Request<LoopbackConfig> {
  const raw = { cniVersion: '1.1.0', name: 'lonet', type: 'loopback', ...conf };
  return {
    command,
    containerID: 'ctr1',
    netns,
    ifname: 'eth0',
    args: '',
    cniPath: [],
    stdin: Buffer.from(JSON.stringify(raw)),
    environ: {},
    obs: OFF,
    config: loopback.parseConfig(raw, { command, containerID: 'ctr1', netns, ifname: 'eth0', args: '', path: '', netnsOverride: '' }, command),
  };
}
