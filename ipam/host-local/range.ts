// One allocatable range inside a subnet (the reference's range.go): defaults, validation with
// the reference's exact messages, membership and overlap.
import { compareIP, contains, formatIP, formatIPWithPrefix, formatPrefix, hasHostBits, lastAddress, nextIP, prevIP, prefixOf } from '../../lib/ip/index.ts';
import type { IPAddr, IPPrefix, IPWithPrefix } from '../../lib/ip/index.ts';

/** A subnet as written in the config: the address with its host bits, as Go's types.IPNet keeps it. */
export interface SubnetInput extends IPWithPrefix {
  /** Written in IPv6 syntax ("::ffff:10.0.0.0/104"): Go then pairs a 4-byte address with a 16-byte mask. */
  readonly v6Syntax: boolean;
}

export interface RangeInput {
  readonly subnet?: SubnetInput;
  readonly rangeStart?: IPAddr;
  readonly rangeEnd?: IPAddr;
  readonly gateway?: IPAddr;
}

/** A canonical range: every field set, start and end inside the subnet. */
export interface Range {
  readonly subnet: IPPrefix;
  readonly start: IPAddr;
  readonly end: IPAddr;
  /** Not checked against the subnet: the reference accepts any gateway and only skips it. */
  readonly gateway: IPAddr;
}

interface Bounds {
  readonly subnet: IPPrefix;
  readonly start?: IPAddr | undefined;
  readonly end?: IPAddr | undefined;
}

/** Go's Range.Contains: same family, inside the subnet and between start and end when they are set. */
export function inBounds(r: Bounds, ip: IPAddr): boolean {
  if (!contains(r.subnet, ip)) return false;
  if (r.start && compareIP(ip, r.start) < 0) return false;
  if (r.end && compareIP(ip, r.end) > 0) return false;
  return true;
}

export const rangeContains = (r: Range, ip: IPAddr): boolean => inBounds(r, ip);

/** "start-end", as the reference prints a range in its messages. */
export const rangeString = (r: Range): string => `${formatIP(r.start)}-${formatIP(r.end)}`;

/** Addresses an ADD can hand out from the range: start to end, less the gateway when it is inside
 *  (the allocator skips it). */
export const rangeCapacity = (r: Range): bigint => r.end.value - r.start.value + 1n - (rangeContains(r, r.gateway) ? 1n : 0n);

/** Go's Range.Overlaps: compares the start-end spans, not the subnets. */
export function rangesOverlap(a: Range, b: Range): boolean {
  if (a.start.family !== b.start.family) return false;
  return rangeContains(a, b.start) || rangeContains(a, b.end) || rangeContains(b, a.start) || rangeContains(b, a.end);
}

/**
 * Fills in the defaults and validates, in the reference's order and with its messages: the
 * gateway defaults to network+1, the start to network+1 (the iterator skips the gateway), the end
 * to the broadcast address minus one for IPv4 and to the last address for IPv6.
 */
export function canonicalizeRange(input: RangeInput): Range {
  const sub = input.subnet;
  if (!sub) throw new Error('IP <nil> not v4 nor v6');
  // Go measures the mask of an IPv6-syntax subnet in 128 bits even when the address is IPv4.
  const maskBits = sub.v6Syntax ? 128 : sub.ip.family === 4 ? 32 : 128;
  const ones = sub.v6Syntax && sub.ip.family === 4 ? sub.prefixLen + 96 : sub.prefixLen;
  if (ones > maskBits - 2) throw new Error(`Network ${formatIPWithPrefix(sub)} too small to allocate from`);
  if (sub.v6Syntax && sub.ip.family === 4) throw new Error('IPNet IP and Mask version mismatch');
  const subnet = prefixOf(sub);
  if (hasHostBits(sub.ip, sub.prefixLen)) {
    throw new Error(`Network has host bits set. For a subnet mask of length ${ones} the network address is ${formatIP({ family: subnet.family, value: subnet.network })}`);
  }
  const networkAddr: IPAddr = { family: subnet.family, value: subnet.network };
  const gateway = input.gateway ?? nextIP(networkAddr)!;
  const { rangeStart, rangeEnd } = input;
  // Each bound is checked while the other is still as written, exactly as the reference does.
  if (rangeStart && !inBounds({ subnet, start: rangeStart, end: rangeEnd }, rangeStart)) {
    throw new Error(`RangeStart ${formatIP(rangeStart)} not in network ${formatPrefix(subnet)}`);
  }
  const start = rangeStart ?? nextIP(networkAddr)!;
  if (rangeEnd && !inBounds({ subnet, start, end: rangeEnd }, rangeEnd)) {
    throw new Error(`RangeEnd ${formatIP(rangeEnd)} not in network ${formatPrefix(subnet)}`);
  }
  const last = lastAddress(subnet);
  const end = rangeEnd ?? (subnet.family === 4 ? prevIP(last)! : last);
  return { subnet, start, end, gateway };
}
