// Address data types shared by the ip modules. Values are BigInt so IPv4 and IPv6
// go through the same arithmetic; an IPv4 value is 32 bits, an IPv6 value 128.

export type Family = 4 | 6;

export interface IPAddr {
  readonly family: Family;
  readonly value: bigint;
}

/** A network: the host bits of `network` are zero. */
export interface IPPrefix {
  readonly family: Family;
  readonly network: bigint;
  readonly prefixLen: number;
}

/** An address together with its prefix length, host bits kept, like the IPNet
 *  that CNI results carry ("10.1.2.2/24"). */
export interface IPWithPrefix {
  readonly ip: IPAddr;
  readonly prefixLen: number;
}

export function bitsOf(f: Family): 32 | 128 {
  return f === 4 ? 32 : 128;
}
