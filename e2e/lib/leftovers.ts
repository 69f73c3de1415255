// "Nothing left behind": after the runtime removed its containers, no IP reservation, no
// container link on the bridge, no firewall rule naming the network or its addresses, no cached
// CNI result and no network namespace mount may remain.
import { join } from 'node:path';
import { type E2EContext, type TestNet, privateDir } from './context.ts';
import { bridgePorts, filesUnder, firewallLines, isHostLocalBookkeeping } from './host.ts';

export async function leftovers(ctx: E2EContext, net: TestNet, ipamDir: string, netnsDir: string): Promise<string[]> {
  const problems: string[] = [];
  const reservations = filesUnder(join(ipamDir, net.name), isHostLocalBookkeeping);
  if (reservations.length) problems.push(`host-local reservations left in ${ipamDir}/${net.name}: ${reservations.join(', ')}`);
  const ports = await bridgePorts(net.bridge);
  if (ports.length) problems.push(`links still enslaved to ${net.bridge}: ${ports.join(', ')}`);
  const rules = await firewallLines([net.name, net.prefix]);
  if (rules.length) problems.push(`firewall rules naming ${net.name} or ${net.subnet}:\n${rules.join('\n')}`);
  const cache = filesUnder(privateDir(ctx, '/var/lib/cni')).filter((f) => f.includes(net.name));
  if (cache.length) problems.push(`libcni cache entries left: ${cache.join(', ')}`);
  const netns = filesUnder(netnsDir);
  if (netns.length) problems.push(`network namespace mounts left in ${netnsDir}: ${netns.join(', ')}`);
  return problems;
}
