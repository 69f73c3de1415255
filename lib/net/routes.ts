// Route messages: request builders and the Route the kernel reports.
import { afOf, bytesToIP, ipBytes, maskBytes, parseAddr, parseCidr } from './addr.ts';
import type { Family } from '../ip/index.ts';
import { AF_INET, AF_INET6, F, RTM, attr, parseAttrs, readS32, readU16, readU32, rtmsg, u32 } from './codec.ts';
import type { Request } from './codec.ts';
import { errnoError } from './errors.ts';
import type { LinkRef } from './links.ts';

export const RT_SCOPE = { universe: 0, site: 200, link: 253, host: 254, nowhere: 255 } as const;
export const RT_TABLE = { unspec: 0, default: 253, main: 254, local: 255 } as const;
export const RTPROT = { kernel: 2, boot: 3, static: 4 } as const;
export const RTN = { unicast: 1, local: 2, broadcast: 3, multicast: 5, blackhole: 6, unreachable: 7 } as const;

export interface Nexthop {
  gw?: string;
  oif: number;
}

export interface Route {
  family: Family;
  /** Network in CIDR text; a default route is "0.0.0.0/0" or "::/0". */
  dst: string;
  gw?: string;
  oif?: number;
  /** Preferred source (RTA_PREFSRC). */
  src?: string;
  table: number;
  scope: number;
  priority?: number;
  protocol: number;
  type: number;
  /** The paths of a multipath (ECMP) route, which then has no gw or oif of its own. */
  nexthops?: Nexthop[];
}

/** What to add or delete. */
export interface RouteSpec {
  /** CIDR; host bits are cleared ("10.1.2.3/24" means 10.1.2.0/24). */
  dst: string;
  gw?: string;
  /** Name or ifindex of the outgoing link. */
  oif?: LinkRef;
  src?: string;
  /** Default: main (254). */
  table?: number;
  /** Default: universe (0). */
  scope?: number;
  priority?: number;
  /** Default: boot (3), as `ip route` and the reference plugins use. */
  protocol?: number;
  /** Default: unicast. */
  type?: number;
}

export interface RouteAddOptions {
  /** NLM_F_REPLACE: overwrite a route with the same key. */
  replace?: boolean;
  /** NLM_F_EXCL: fail with EEXIST rather than add an IPv6 multipath sibling. */
  exclusive?: boolean;
}

const RTA = { DST: 1, OIF: 4, GATEWAY: 5, PRIORITY: 6, PREFSRC: 7, MULTIPATH: 9, TABLE: 15 } as const;
const RTM_F_CLONED = 0x200;

export function listRoutesRequest(family?: Family): Request {
  return { type: RTM.GETROUTE, flags: F.DUMP, body: rtmsg({ family: family === undefined ? 0 : afOf(family) }) };
}

/** RTM_GETROUTE for one destination, as `ip route get` asks which link a packet would leave by. */
export function routeGetRequest(address: string): Request {
  const ip = parseAddr(address);
  return { type: RTM.GETROUTE, flags: 0, body: Buffer.concat([rtmsg({ family: afOf(ip.family), dstLen: ip.family === 4 ? 32 : 128 }), attr(RTA.DST, ipBytes(ip))]) };
}

/** The outgoing link of a route-get answer. */
export function routeOifOf(parts: readonly Buffer[]): number | undefined {
  for (const p of parts) {
    const oif = parseAttrs(p, 12).get(RTA.OIF);
    if (oif) return readU32(oif, 0);
  }
  return undefined;
}

/** `oif` must be resolved to an ifindex first. */
export function routeRequest(op: 'add' | 'delete', r: RouteSpec & { oif?: number }, o: RouteAddOptions = {}): Request {
  const { ip, prefixLen } = parseCidr(r.dst);
  const family = afOf(ip.family);
  const table = r.table ?? RT_TABLE.main;
  const body = [
    rtmsg({
      family,
      dstLen: prefixLen,
      table: table < 256 ? table : RT_TABLE.unspec,
      // On delete, zero protocol and type and scope nowhere are wildcards.
      protocol: op === 'add' ? (r.protocol ?? RTPROT.boot) : (r.protocol ?? 0),
      scope: r.scope ?? (op === 'add' ? RT_SCOPE.universe : RT_SCOPE.nowhere),
      type: op === 'add' ? (r.type ?? RTN.unicast) : (r.type ?? 0),
    }),
    attr(RTA.TABLE, u32(table)),
  ];
  if (prefixLen > 0) body.push(attr(RTA.DST, maskBytes(ipBytes(ip), prefixLen)));
  for (const [key, type] of [['gw', RTA.GATEWAY], ['src', RTA.PREFSRC]] as const) {
    const text = r[key];
    if (text === undefined) continue;
    const a = parseAddr(text);
    if (a.family !== ip.family) throw errnoError(`route to ${r.dst}: ${key} ${text} is not of the same family`, 22);
    body.push(attr(type, ipBytes(a)));
  }
  if (r.oif !== undefined) body.push(attr(RTA.OIF, u32(r.oif)));
  if (r.priority !== undefined) body.push(attr(RTA.PRIORITY, u32(r.priority)));
  if (op === 'delete') return { type: RTM.DELROUTE, flags: 0, body: Buffer.concat(body) };
  const flags = F.CREATE | (o.replace ? F.REPLACE : 0) | (o.exclusive ? F.EXCL : 0);
  return { type: RTM.NEWROUTE, flags, body: Buffer.concat(body) };
}

/** Reads an RTM_NEWROUTE payload; undefined for other families and for cache clones. */
export function parseRoute(data: Buffer): Route | undefined {
  const af = data[0];
  if ((af !== AF_INET && af !== AF_INET6) || (readU32(data, 8) & RTM_F_CLONED) !== 0) return undefined;
  const family: Family = af === AF_INET ? 4 : 6;
  const a = parseAttrs(data, 12);
  const dstLen = data[1] ?? 0;
  const dst = a.get(RTA.DST);
  const table = a.get(RTA.TABLE);
  const route: Route = {
    family,
    dst: dst === undefined ? (family === 4 ? `0.0.0.0/${dstLen}` : `::/${dstLen}`) : `${bytesToIP(dst)}/${dstLen}`,
    table: table !== undefined ? readU32(table) : (data[4] ?? 0),
    scope: data[6] ?? 0,
    protocol: data[5] ?? 0,
    type: data[7] ?? 0,
  };
  const gw = a.get(RTA.GATEWAY);
  if (gw !== undefined) route.gw = bytesToIP(gw);
  const oif = a.get(RTA.OIF);
  if (oif !== undefined) route.oif = readU32(oif);
  const src = a.get(RTA.PREFSRC);
  if (src !== undefined) route.src = bytesToIP(src);
  const prio = a.get(RTA.PRIORITY);
  if (prio !== undefined) route.priority = readU32(prio);
  const mp = a.get(RTA.MULTIPATH);
  if (mp !== undefined) route.nexthops = parseNexthops(mp);
  return route;
}

// struct rtnexthop { u16 len; u8 flags; u8 hops; s32 ifindex; } followed by its attributes.
function parseNexthops(b: Buffer): Nexthop[] {
  const out: Nexthop[] = [];
  for (let at = 0; at + 8 <= b.length; ) {
    const len = readU16(b, at);
    if (len < 8 || at + len > b.length) break;
    const hop: Nexthop = { oif: readS32(b, at + 4) };
    const gw = parseAttrs(b.subarray(at, at + len), 8).get(RTA.GATEWAY);
    if (gw !== undefined) hop.gw = bytesToIP(gw);
    out.push(hop);
    at += (len + 3) & ~3;
  }
  return out;
}
