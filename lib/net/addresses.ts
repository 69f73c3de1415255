// Address messages: request builders and the Address the kernel reports.
import { afOf, bytesToIP, ipBytes, parseCidr } from './addr.ts';
import type { Family } from '../ip/index.ts';
import { AF_INET, AF_INET6, F, RTM, attr, ifaddrmsg, parseAttrs, readStr, readU32, u32 } from './codec.ts';
import type { Request } from './codec.ts';

export interface Address {
  /** ifindex of the link holding it. */
  index: number;
  family: Family;
  /** Go-canonical text, without the prefix length. */
  ip: string;
  prefixLen: number;
  /** RT_SCOPE_*: 0 global, 253 link, 254 host. */
  scope: number;
  /** IFA_F_* bits (see IFA_F). */
  flags: number;
  tentative: boolean;
  dadFailed: boolean;
  label?: string;
}

export const IFA_F = {
  SECONDARY: 0x01, NODAD: 0x02, OPTIMISTIC: 0x04, DADFAILED: 0x08, DEPRECATED: 0x20,
  TENTATIVE: 0x40, PERMANENT: 0x80, NOPREFIXROUTE: 0x200,
} as const;

const IFA = { ADDRESS: 1, LOCAL: 2, LABEL: 3, BROADCAST: 4, FLAGS: 8 } as const;

export function listAddressesRequest(family?: Family): Request {
  return { type: RTM.GETADDR, flags: F.DUMP, body: ifaddrmsg({ family: family === undefined ? 0 : afOf(family) }) };
}

/** `cidr` is the address with its prefix length, host bits kept: "10.1.2.2/24". */
export function addressRequest(op: 'add' | 'delete', index: number, cidr: string, o: { noDad?: boolean } = {}): Request {
  const { ip, prefixLen } = parseCidr(cidr);
  const flags = o.noDad ? IFA_F.NODAD : 0;
  const bytes = ipBytes(ip);
  const body = [ifaddrmsg({ family: afOf(ip.family), prefixLen, flags, index }), attr(IFA.LOCAL, bytes), attr(IFA.ADDRESS, bytes)];
  // Like the Go netlink library the reference uses: an IPv4 subnet that has room for one gets
  // its broadcast address.
  if (op === 'add' && ip.family === 4 && prefixLen < 31) {
    const bcast = Buffer.from(bytes);
    bcast.writeUInt32BE((bcast.readUInt32BE(0) | (0xffffffff >>> prefixLen)) >>> 0);
    body.push(attr(IFA.BROADCAST, bcast));
  }
  if (flags !== 0) body.push(attr(IFA.FLAGS, u32(flags)));
  return op === 'add'
    ? { type: RTM.NEWADDR, flags: F.CREATE | F.EXCL, body: Buffer.concat(body) }
    : { type: RTM.DELADDR, flags: 0, body: Buffer.concat(body) };
}

/** Reads an RTM_NEWADDR payload; undefined for families other than IPv4 and IPv6. */
export function parseAddress(data: Buffer): Address | undefined {
  const af = data[0];
  if (af !== AF_INET && af !== AF_INET6) return undefined;
  const a = parseAttrs(data, 8);
  const raw = a.get(IFA.LOCAL) ?? a.get(IFA.ADDRESS);
  if (raw === undefined) return undefined;
  const f = a.get(IFA.FLAGS);
  const flags = f !== undefined && f.length >= 4 ? readU32(f) : (data[2] ?? 0);
  const out: Address = {
    index: readU32(data, 4),
    family: af === AF_INET ? 4 : 6,
    ip: bytesToIP(raw),
    prefixLen: data[1] ?? 0,
    scope: data[3] ?? 0,
    flags,
    tentative: (flags & IFA_F.TENTATIVE) !== 0,
    dadFailed: (flags & IFA_F.DADFAILED) !== 0,
  };
  const label = a.get(IFA.LABEL);
  if (label !== undefined) out.label = readStr(label);
  return out;
}
