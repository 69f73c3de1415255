// Ordering, equality and stepping of addresses. Arithmetic stays inside the family's
// bit width: stepping past either end gives undefined instead of wrapping.
import { unmap } from './mapped.ts';
import { allOnes } from './mask.ts';
import type { IPAddr } from './types.ts';

export function addToIP(ip: IPAddr, n: bigint): IPAddr | undefined {
  const value = ip.value + n;
  if (value < 0n || value > allOnes(ip.family)) return undefined;
  return { family: ip.family, value };
}

export function nextIP(ip: IPAddr): IPAddr | undefined {
  return addToIP(ip, 1n);
}

export function prevIP(ip: IPAddr): IPAddr | undefined {
  return addToIP(ip, -1n);
}

/** IPv4 before IPv6, then by value. A v4-mapped value held as family 6 compares as its
 *  IPv4 form, consistent with ipEqual. */
export function compareIP(a: IPAddr, b: IPAddr): number {
  const x = unmap(a);
  const y = unmap(b);
  if (x.family !== y.family) return x.family - y.family < 0 ? -1 : 1;
  return x.value < y.value ? -1 : x.value > y.value ? 1 : 0;
}

/** Go's IP.Equal: an IPv4 address equals its v4-mapped IPv6 form. */
export function ipEqual(a: IPAddr, b: IPAddr): boolean {
  return compareIP(a, b) === 0;
}

/** Every address from start to end inclusive; nothing when start > end. */
export function* ipRange(start: IPAddr, end: IPAddr): Generator<IPAddr> {
  if (start.family !== end.family) throw new RangeError(`ipRange across families: IPv${start.family} to IPv${end.family}`);
  for (let v = start.value; v <= end.value; v++) yield { family: start.family, value: v };
}
