// Pod CIDRs as the user or the Node object gives them, checked before anything is written.
import { bitsOf, formatPrefix, hasHostBits, overlaps, parseIPWithPrefix, prefixOf } from '../../../lib/ip/index.ts';
import type { Family, IPPrefix } from '../../../lib/ip/index.ts';

export interface PodCidr {
  readonly family: Family;
  /** Canonical text ("10.244.1.0/24", "fd00:10::/64"). */
  readonly subnet: string;
}

/** A CIDR host-local can hand addresses from: a network (no host bits) with room for a gateway
 *  and at least one pod. Throws an Error naming the bad text. */
export function parsePodCidr(text: string): PodCidr {
  const a = parseIPWithPrefix(text);
  if (a === undefined) throw new Error(`pod CIDR "${text}" is not an IPv4 or IPv6 CIDR (e.g. 10.244.1.0/24)`);
  const prefix = prefixOf(a);
  if (hasHostBits(a.ip, a.prefixLen)) throw new Error(`pod CIDR "${text}" has host bits set (the network is ${formatPrefix(prefix)})`);
  // The network and broadcast addresses, the gateway and one pod: /30 for IPv4; IPv6 keeps the
  // same two spare bits.
  if (bitsOf(a.ip.family) - a.prefixLen < 2) throw new Error(`pod CIDR "${text}" is too small for a gateway and a pod`);
  return { family: a.ip.family, subnet: formatPrefix(prefix) };
}

/** Every CIDR checked, in the order given; overlapping CIDRs are refused, naming both. */
export function parsePodCidrs(texts: readonly string[]): PodCidr[] {
  const parsed = texts.map(parsePodCidr);
  const prefixes: IPPrefix[] = parsed.map((c) => prefixOf(parseIPWithPrefix(c.subnet)!));
  for (let i = 0; i < prefixes.length; i++) {
    for (let j = 0; j < i; j++) {
      if (overlaps(prefixes[i]!, prefixes[j]!)) throw new Error(`pod CIDRs "${texts[j]}" and "${texts[i]}" overlap`);
    }
  }
  return parsed;
}
