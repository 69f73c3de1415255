// The rtnetlink layer the plugins see: an interface, so that verbs can be unit-tested against a
// fake, and its one implementation on a socket. A socket works in the namespace it was opened
// in, for good, so the plugins open one for the host and one for the container and pass them
// around. Each method sends one request (or a few) and checks the answers.
import { closeSync } from 'node:fs';
import type { Address } from './addresses.ts';
import { addressRequest, listAddressesRequest, parseAddress } from './addresses.ts';
import type { Family } from '../ip/index.ts';
import type { Request } from './codec.ts';
import { errnoError, hasCode } from './errors.ts';
import type { BridgeOptions, BridgePortFlags, Link, LinkChange, LinkRef, VethOptions } from './links.ts';
import {
  bridgePortRequest,
  changeLinkRequest,
  createBridgeRequest,
  createVethRequest,
  deleteLinkRequest,
  getLinkRequest,
  listLinksRequest,
  parseLink,
} from './links.ts';
import { openNetns, withNetns } from './netns.ts';
import type { Route, RouteAddOptions, RouteSpec } from './routes.ts';
import { listRoutesRequest, parseRoute, routeGetRequest, routeOifOf, routeRequest } from './routes.ts';
import { settleAddresses } from './settle.ts';
import { NETLINK, openSocket, type RtSocket } from './socket.ts';
import { listPortVlansRequest, parsePortVlans, portVlanRequest, type PortVlan } from './vlan.ts';

const quote = (ref: LinkRef): string => (typeof ref === 'number' ? `#${ref}` : `"${ref}"`);

/** Everything the plugins ask of rtnetlink in one namespace. Errors are ErrnoErrors whose
 *  message says what failed. */
export interface Netlink {
  getLink(ref: LinkRef): Promise<Link>;
  /** Like getLink, but undefined when there is no such link. */
  findLink(ref: LinkRef): Promise<Link | undefined>;
  /** Every link of the namespace. */
  listLinks(): Promise<Link[]>;
  createBridge(o: BridgeOptions): Promise<void>;
  /** Creates `name` here and `peerName` directly in the peer namespace. EEXIST means either
   *  name was taken: the kernel does not say which. */
  createVeth(o: VethOptions): Promise<void>;
  /** Off the main thread: deleting a veth holds the kernel 17-28 ms, which the caller can use. */
  deleteLink(ref: LinkRef): Promise<void>;
  /** Several changes in one message; `what` prefixes the error. */
  changeLink(ref: LinkRef, c: LinkChange, what?: string): Promise<void>;
  setUp(ref: LinkRef): Promise<void>;
  setMac(ref: LinkRef, mac: string): Promise<void>;
  setPromisc(ref: LinkRef, on: boolean): Promise<void>;
  /** Hairpin and isolated on a bridge port; EOPNOTSUPP if the link has no bridge master. */
  setBridgePortFlags(ref: LinkRef, f: BridgePortFlags): Promise<void>;
  /** The VLANs of every bridge port, by port ifindex. */
  listPortVlans(): Promise<{ index: number; vlans: PortVlan[] }[]>;
  addPortVlan(index: number, v: PortVlan): Promise<void>;
  deletePortVlan(index: number, v: PortVlan): Promise<void>;
  listAddresses(link?: LinkRef, family?: Family): Promise<Address[]>;
  /** `cidr` keeps the host bits: "10.1.2.2/24". */
  addAddress(link: LinkRef, cidr: string, o?: { noDad?: boolean }): Promise<void>;
  deleteAddress(link: LinkRef, cidr: string): Promise<void>;
  /** Waits until the link's IPv6 addresses have left the tentative state (DAD). */
  settleAddresses(ifname: string, timeoutMs: number): Promise<void>;
  /** Routes of one family (default both) and one table (default every table). */
  listRoutes(family?: Family, table?: number): Promise<Route[]>;
  /** Adds with NLM_F_CREATE and, unless asked, neither REPLACE nor EXCL, as the reference
   *  does for ECMP. */
  addRoute(r: RouteSpec, o?: RouteAddOptions): Promise<void>;
  /** The link the kernel would send a packet to `address` through (`ip route get`); undefined
   *  when it has no route. */
  routeGetOif(address: string): Promise<number | undefined>;
  close(): void;
}

/** Opens an rtnetlink socket in the current namespace or, given a path, inside that namespace. */
export async function openNetlink(netnsPath?: string): Promise<Netlink> {
  const open = (): RtSocket => openSocket(NETLINK.ROUTE);
  return new SocketNetlink(netnsPath === undefined ? open() : withNetns(netnsPath, open));
}

class SocketNetlink implements Netlink {
  readonly #socket: RtSocket;

  constructor(socket: RtSocket) {
    this.#socket = socket;
  }

  /** Sends one request; resolves with the answer's payloads, rejects with an ErrnoError
   *  whose message starts with `what`. */
  request(req: Request, what: string, options?: { offThread?: boolean }): Promise<Buffer[]> {
    return this.#socket.request(req, what, options);
  }

  async getLink(ref: LinkRef): Promise<Link> {
    const [data] = await this.request(getLinkRequest(ref), `failed to get link ${quote(ref)}`);
    if (data === undefined) throw errnoError(`failed to get link ${quote(ref)}`, 19);
    return parseLink(data);
  }

  /** Like getLink, but undefined when there is no such link. */
  async findLink(ref: LinkRef): Promise<Link | undefined> {
    try {
      return await this.getLink(ref);
    } catch (err) {
      if (hasCode(err, 'ENODEV')) return undefined;
      throw err;
    }
  }

  async listLinks(): Promise<Link[]> {
    return (await this.request(listLinksRequest(), 'failed to list links')).map(parseLink);
  }

  async createBridge(o: BridgeOptions): Promise<void> {
    await this.request(createBridgeRequest(o), `failed to create bridge "${o.name}"`);
  }

  async createVeth(o: VethOptions): Promise<void> {
    const what = `failed to create veth pair "${o.name}" <-> "${o.peerName}"`;
    const fd = o.peerNetnsPath === undefined ? o.peerNetnsFd : openNetns(o.peerNetnsPath);
    try {
      await this.request(createVethRequest(o, fd), what);
    } finally {
      if (o.peerNetnsPath !== undefined && fd !== undefined) closeSync(fd);
    }
  }

  async deleteLink(ref: LinkRef): Promise<void> {
    await this.request(deleteLinkRequest(ref), `failed to delete link ${quote(ref)}`, { offThread: true });
  }

  async changeLink(ref: LinkRef, c: LinkChange, what = `failed to change link ${quote(ref)}`): Promise<void> {
    await this.request(changeLinkRequest(ref, c), what);
  }

  setUp(ref: LinkRef): Promise<void> {
    return this.changeLink(ref, { up: true }, `failed to set ${quote(ref)} up`);
  }

  setMac(ref: LinkRef, mac: string): Promise<void> {
    return this.changeLink(ref, { mac }, `failed to set MAC ${mac} on ${quote(ref)}`);
  }

  setPromisc(ref: LinkRef, on: boolean): Promise<void> {
    return this.changeLink(ref, { promisc: on }, `failed to set promiscuous mode ${on ? 'on' : 'off'} on ${quote(ref)}`);
  }

  async setBridgePortFlags(ref: LinkRef, f: BridgePortFlags): Promise<void> {
    await this.request(bridgePortRequest(ref, f), `failed to set bridge port flags ${JSON.stringify(f)} on ${quote(ref)}`);
  }

  async listPortVlans(): Promise<{ index: number; vlans: PortVlan[] }[]> {
    return (await this.request(listPortVlansRequest(), 'failed to list bridge vlans')).map(parsePortVlans);
  }

  async addPortVlan(index: number, v: PortVlan): Promise<void> {
    await this.request(portVlanRequest('add', index, v), `failed to add vlan ${v.vid} to #${index}`);
  }

  async deletePortVlan(index: number, v: PortVlan): Promise<void> {
    await this.request(portVlanRequest('delete', index, v), `failed to delete vlan ${v.vid} from #${index}`);
  }

  async listAddresses(link?: LinkRef, family?: Family): Promise<Address[]> {
    const index = link === undefined ? undefined : await this.#index(link);
    const all = (await this.request(listAddressesRequest(family), 'failed to list addresses')).map(parseAddress);
    return all.filter((a): a is Address => a !== undefined && (index === undefined || a.index === index));
  }

  async addAddress(link: LinkRef, cidr: string, o: { noDad?: boolean } = {}): Promise<void> {
    const index = await this.#index(link);
    await this.request(addressRequest('add', index, cidr, o), `failed to add address ${cidr} to ${quote(link)}`);
  }

  async deleteAddress(link: LinkRef, cidr: string): Promise<void> {
    const index = await this.#index(link);
    await this.request(addressRequest('delete', index, cidr), `failed to delete address ${cidr} from ${quote(link)}`);
  }

  async listRoutes(family?: Family, table?: number): Promise<Route[]> {
    const all = (await this.request(listRoutesRequest(family), 'failed to list routes')).map(parseRoute);
    return all.filter((r): r is Route => r !== undefined && (table === undefined || r.table === table));
  }

  async addRoute(r: RouteSpec, o: RouteAddOptions = {}): Promise<void> {
    const spec = await this.#resolveOif(r);
    await this.request(routeRequest('add', spec, o), `failed to add route ${describe(r)}`);
  }

  settleAddresses(ifname: string, timeoutMs: number): Promise<void> {
    return settleAddresses(this, ifname, timeoutMs);
  }

  async routeGetOif(address: string): Promise<number | undefined> {
    try {
      return routeOifOf(await this.request(routeGetRequest(address), `failed to get route to ${address}`));
    } catch {
      return undefined;
    }
  }

  close(): void {
    this.#socket.close();
  }

  async #index(ref: LinkRef): Promise<number> {
    return typeof ref === 'number' ? ref : (await this.getLink(ref)).index;
  }

  async #resolveOif(r: RouteSpec): Promise<RouteSpec & { oif?: number }> {
    return r.oif === undefined ? { ...r, oif: undefined } : { ...r, oif: await this.#index(r.oif) };
  }
}

function describe(r: RouteSpec): string {
  let s = r.dst;
  if (r.gw !== undefined) s += ` via ${r.gw}`;
  if (r.oif !== undefined) s += ` dev ${quote(r.oif)}`;
  if (r.table !== undefined) s += ` table ${r.table}`;
  return s;
}

