// IPv4-mapped IPv6 (::ffff:a.b.c.d). Go's net.IP keeps IPv4 in this 16-byte form and
// treats it as IPv4 everywhere (To4, String, Equal, Contains), so we fold it into family 4.
import type { IPAddr } from './types.ts';

const MAPPED_HIGH = 0xffffn; // the 96-bit prefix ::ffff:0:0/96, shifted down by 32

export function isV4Mapped(value128: bigint): boolean {
  return value128 >> 32n === MAPPED_HIGH;
}

/** The family-4 form of a v4-mapped v6 address; any other address unchanged. */
export function unmap(ip: IPAddr): IPAddr {
  if (ip.family === 6 && isV4Mapped(ip.value)) return { family: 4, value: ip.value & 0xffffffffn };
  return ip;
}
