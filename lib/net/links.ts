// Link messages: what we ask the kernel (pure request builders) and what it answers (Link).
import { macBytes, macText } from './addr.ts';
import { F, RTM, attr, ifinfomsg, parseAttrs, readS32, readStr, readU32, str, u32, u8 } from './codec.ts';
import type { Request } from './codec.ts';
import { errnoError } from './errors.ts';
import { ifnameProblem } from './ifname.ts';

/** A link by name or by ifindex. */
export type LinkRef = string | number;

export type OperState = 'unknown' | 'notpresent' | 'down' | 'lowerlayerdown' | 'testing' | 'dormant' | 'up';

export interface Link {
  index: number;
  name: string;
  /** IFLA_INFO_KIND: 'bridge', 'veth', 'dummy'...; undefined for devices without one (lo, NICs). */
  kind?: string;
  /** Lowercase colon form; '' for a link without a hardware address. */
  mac: string;
  mtu: number;
  /** Administratively up (IFF_UP). */
  up: boolean;
  operState: OperState;
  promisc: boolean;
  master?: number;
  /** For a veth: the peer's ifindex, in the namespace given by netnsId when that is set. */
  peerIndex?: number;
  netnsId?: number;
  /** For a bridge. */
  vlanFiltering?: boolean;
  /** For a port of a bridge. */
  bridgePort?: { hairpin: boolean; isolated: boolean };
}

export interface BridgeOptions {
  name: string;
  mtu?: number;
  vlanFiltering?: boolean;
  mac?: string;
}

export interface VethOptions {
  /** The end created in the socket's namespace. */
  name: string;
  peerName: string;
  /** Where the peer is created: an open namespace fd (see hostNetnsFd) ... */
  peerNetnsFd?: number;
  /** ... or a namespace path. Neither: the socket's namespace. */
  peerNetnsPath?: string;
  mtu?: number;
  mac?: string;
  peerMac?: string;
}

export interface LinkChange {
  up?: boolean;
  promisc?: boolean;
  mtu?: number;
  mac?: string;
  /** ifindex of the new master; 0 releases the link from its master. */
  master?: number;
}

export interface BridgePortFlags {
  hairpin?: boolean;
  isolated?: boolean;
}

const IFLA = { ADDRESS: 1, IFNAME: 3, MTU: 4, LINK: 5, MASTER: 10, OPERSTATE: 16, LINKINFO: 18, NET_NS_FD: 28, LINK_NETNSID: 37 } as const;
const INFO = { KIND: 1, DATA: 2, SLAVE_KIND: 4, SLAVE_DATA: 5 } as const;
const IFLA_BR_VLAN_FILTERING = 7;
const BRPORT = { MODE: 4, ISOLATED: 33 } as const;
const VETH_INFO_PEER = 1;
const IFF_UP = 0x1;
const IFF_PROMISC = 0x100;
const OPER_STATES: OperState[] = ['unknown', 'notpresent', 'down', 'lowerlayerdown', 'testing', 'dormant', 'up'];

/** Checked here, not left to the kernel, so that the error names the interface. */
export function checkIfname(name: string): void {
  if (ifnameProblem(name)) throw errnoError(`invalid interface name "${name}"`, 22);
}

/** ifinfomsg plus IFLA_IFNAME for a ref by name: the kernel looks links up by either. */
function target(ref: LinkRef, m: { flags?: number; change?: number } = {}): Buffer[] {
  if (typeof ref === 'number') return [ifinfomsg({ index: ref, ...m })];
  return [ifinfomsg(m), attr(IFLA.IFNAME, str(ref))];
}

export function getLinkRequest(ref: LinkRef): Request {
  return { type: RTM.GETLINK, flags: 0, body: Buffer.concat(target(ref)) };
}

export function listLinksRequest(): Request {
  return { type: RTM.GETLINK, flags: F.DUMP, body: ifinfomsg({}) };
}

export function createBridgeRequest(o: BridgeOptions): Request {
  checkIfname(o.name);
  // Only when wanted: a kernel without bridge VLAN support refuses the attribute even as 0.
  const data = o.vlanFiltering ? [attr(INFO.DATA, attr(IFLA_BR_VLAN_FILTERING, u8(1)))] : [];
  const body = [ifinfomsg({}), attr(IFLA.IFNAME, str(o.name)), ...common(o), attr(IFLA.LINKINFO, attr(INFO.KIND, str('bridge')), ...data)];
  return { type: RTM.NEWLINK, flags: F.CREATE | F.EXCL, body: Buffer.concat(body) };
}

/** `peerFd` is the resolved namespace of the peer, if it goes elsewhere. */
export function createVethRequest(o: VethOptions, peerFd?: number): Request {
  checkIfname(o.name);
  checkIfname(o.peerName);
  const peerNs = peerFd === undefined ? [] : [attr(IFLA.NET_NS_FD, u32(peerFd))];
  const peer = attr(VETH_INFO_PEER, ifinfomsg({}), attr(IFLA.IFNAME, str(o.peerName)), ...common({ mtu: o.mtu, mac: o.peerMac }), ...peerNs);
  const body = [ifinfomsg({}), attr(IFLA.IFNAME, str(o.name)), ...common(o), attr(IFLA.LINKINFO, attr(INFO.KIND, str('veth')), attr(INFO.DATA, peer))];
  return { type: RTM.NEWLINK, flags: F.CREATE | F.EXCL, body: Buffer.concat(body) };
}

function common(o: { mtu?: number; mac?: string }): Buffer[] {
  const out: Buffer[] = [];
  if (o.mtu !== undefined && o.mtu > 0) out.push(attr(IFLA.MTU, u32(o.mtu)));
  if (o.mac !== undefined) out.push(attr(IFLA.ADDRESS, macBytes(o.mac)));
  return out;
}

export function deleteLinkRequest(ref: LinkRef): Request {
  return { type: RTM.DELLINK, flags: 0, body: Buffer.concat(target(ref)) };
}

/** One RTM_NEWLINK without CREATE changing flags and attributes of an existing link. */
export function changeLinkRequest(ref: LinkRef, c: LinkChange): Request {
  let flags = 0;
  let change = 0;
  if (c.up !== undefined) {
    change |= IFF_UP;
    if (c.up) flags |= IFF_UP;
  }
  if (c.promisc !== undefined) {
    change |= IFF_PROMISC;
    if (c.promisc) flags |= IFF_PROMISC;
  }
  const body = [...target(ref, { flags, change }), ...common(c)];
  if (c.master !== undefined) body.push(attr(IFLA.MASTER, u32(c.master)));
  return { type: RTM.NEWLINK, flags: 0, body: Buffer.concat(body) };
}

// Bridge-port options travel as IFLA_INFO_SLAVE_DATA on RTM_NEWLINK: the kernel ignores them,
// silently, on RTM_SETLINK, and IFLA_PROTINFO would need AF_BRIDGE plus NLA_F_NESTED.
export function bridgePortRequest(ref: LinkRef, f: BridgePortFlags): Request {
  const opts: Buffer[] = [];
  if (f.hairpin !== undefined) opts.push(attr(BRPORT.MODE, u8(f.hairpin ? 1 : 0)));
  if (f.isolated !== undefined) opts.push(attr(BRPORT.ISOLATED, u8(f.isolated ? 1 : 0)));
  const body = [...target(ref), attr(IFLA.LINKINFO, attr(INFO.SLAVE_DATA, ...opts))];
  return { type: RTM.NEWLINK, flags: 0, body: Buffer.concat(body) };
}

/** Reads an RTM_NEWLINK payload. */
export function parseLink(data: Buffer): Link {
  const a = parseAttrs(data, 16);
  const flags = readU32(data, 8);
  const num = (t: number): number | undefined => {
    const b = a.get(t);
    return b === undefined || b.length < 4 ? undefined : readU32(b);
  };
  const link: Link = {
    index: readS32(data, 4),
    name: readStr(a.get(IFLA.IFNAME) ?? Buffer.alloc(0)),
    mac: macText(a.get(IFLA.ADDRESS)),
    mtu: num(IFLA.MTU) ?? 0,
    up: (flags & IFF_UP) !== 0,
    operState: OPER_STATES[a.get(IFLA.OPERSTATE)?.[0] ?? 0] ?? 'unknown',
    promisc: (flags & IFF_PROMISC) !== 0,
  };
  const master = num(IFLA.MASTER);
  if (master) link.master = master;
  const nsid = a.get(IFLA.LINK_NETNSID);
  if (nsid !== undefined && nsid.length >= 4) link.netnsId = readS32(nsid);
  const info = a.get(IFLA.LINKINFO);
  if (info !== undefined) readLinkInfo(link, parseAttrs(info), num(IFLA.LINK));
  return link;
}

function readLinkInfo(link: Link, info: Map<number, Buffer>, ifLink: number | undefined): void {
  const kind = info.get(INFO.KIND);
  if (kind !== undefined) link.kind = readStr(kind);
  if (link.kind === 'veth' && ifLink) link.peerIndex = ifLink;
  const data = info.get(INFO.DATA);
  if (link.kind === 'bridge' && data !== undefined) {
    const vf = parseAttrs(data).get(IFLA_BR_VLAN_FILTERING);
    if (vf !== undefined) link.vlanFiltering = vf[0] === 1;
  }
  const slaveKind = info.get(INFO.SLAVE_KIND);
  const slaveData = info.get(INFO.SLAVE_DATA);
  if (slaveKind !== undefined && readStr(slaveKind) === 'bridge' && slaveData !== undefined) {
    const port = parseAttrs(slaveData);
    link.bridgePort = { hairpin: port.get(BRPORT.MODE)?.[0] === 1, isolated: port.get(BRPORT.ISOLATED)?.[0] === 1 };
  }
}
