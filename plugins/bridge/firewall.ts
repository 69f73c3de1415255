// What the bridge asks of the firewall layer: the masquerade addresses of a result.
import type { IPConfig } from '../../lib/cni/result.ts';
import type { MasqAddress } from './masq/iptables-plan.ts';
import { formatIP, formatPrefix, parseIPWithPrefix, prefixOf } from '../../lib/ip/index.ts';

/** "10.1.2.2/24" to the address and its network; undefined for text that is not a CIDR. */
export function masqAddress(cidr: string): MasqAddress | undefined {
  const a = parseIPWithPrefix(cidr);
  if (a === undefined) return undefined;
  return { ip: formatIP(a.ip), subnet: formatPrefix(prefixOf(a)), family: a.ip.family };
}

export const masqAddresses = (ips: readonly Pick<IPConfig, 'address'>[]): MasqAddress[] =>
  ips.flatMap((ip) => masqAddress(ip.address) ?? []);

/** Union by address, first occurrence kept. */
export function mergeAddresses(...lists: readonly (readonly MasqAddress[])[]): MasqAddress[] {
  const seen = new Map<string, MasqAddress>();
  for (const list of lists) for (const a of list) if (!seen.has(a.ip)) seen.set(a.ip, a);
  return [...seen.values()];
}
