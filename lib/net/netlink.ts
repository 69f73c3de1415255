// The rtnetlink socket: the one piece of state in lib/net. A socket works in the namespace it
// was opened in, for good, so the plugins open one for the host and one for the container
// and pass them around. Each method sends one request and checks its answer.
import { closeSync } from 'node:fs';
import type { Address } from './addresses.ts';
import { addressRequest, listAddressesRequest, parseAddress } from './addresses.ts';
import type { Family } from './addr.ts';
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
import { listRoutesRequest, parseRoute, routeRequest } from './routes.ts';
import { NETLINK, openSocket, type RtSocket } from './socket.ts';

const quote = (ref: LinkRef): string => (typeof ref === 'number' ? `#${ref}` : `"${ref}"`);

/** Opens an rtnetlink socket in the current namespace or, given a path, inside that namespace. */
export async function openNetlink(netnsPath?: string): Promise<Netlink> {
  const open = (): RtSocket => openSocket(NETLINK.ROUTE);
  return new Netlink(netnsPath === undefined ? open() : withNetns(netnsPath, open), netnsPath);
}

export class Netlink {
  /** The namespace path the socket was opened in; undefined for the process's own. */
  readonly netnsPath: string | undefined;
  readonly #socket: RtSocket;

  constructor(socket: RtSocket, netnsPath?: string) {
    this.#socket = socket;
    this.netnsPath = netnsPath;
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

  /** Creates `name` here and `peerName` directly in the peer namespace. EEXIST means either
   *  name was taken: the kernel does not say which. */
  async createVeth(o: VethOptions): Promise<void> {
    const what = `failed to create veth pair "${o.name}" <-> "${o.peerName}"`;
    const fd = o.peerNetnsPath === undefined ? o.peerNetnsFd : openNetns(o.peerNetnsPath);
    try {
      await this.request(createVethRequest(o, fd), what);
    } finally {
      if (o.peerNetnsPath !== undefined && fd !== undefined) closeSync(fd);
    }
  }

  /** Off the main thread: deleting a veth holds the kernel 17-28 ms, which the caller can use. */
  async deleteLink(ref: LinkRef): Promise<void> {
    await this.request(deleteLinkRequest(ref), `failed to delete link ${quote(ref)}`, { offThread: true });
  }

  /** Several changes in one message; the set* methods below are its common cases. */
  async changeLink(ref: LinkRef, c: LinkChange, what = `failed to change link ${quote(ref)}`): Promise<void> {
    await this.request(changeLinkRequest(ref, c), what);
  }

  setUp(ref: LinkRef): Promise<void> {
    return this.changeLink(ref, { up: true }, `failed to set ${quote(ref)} up`);
  }

  setDown(ref: LinkRef): Promise<void> {
    return this.changeLink(ref, { up: false }, `failed to set ${quote(ref)} down`);
  }

  /** `master` 0 releases the link from its bridge. */
  setMaster(ref: LinkRef, master: number): Promise<void> {
    return this.changeLink(ref, { master }, `failed to connect ${quote(ref)} to bridge #${master}`);
  }

  setMtu(ref: LinkRef, mtu: number): Promise<void> {
    return this.changeLink(ref, { mtu }, `failed to set MTU ${mtu} on ${quote(ref)}`);
  }

  setMac(ref: LinkRef, mac: string): Promise<void> {
    return this.changeLink(ref, { mac }, `failed to set MAC ${mac} on ${quote(ref)}`);
  }

  setPromisc(ref: LinkRef, on: boolean): Promise<void> {
    return this.changeLink(ref, { promisc: on }, `failed to set promiscuous mode ${on ? 'on' : 'off'} on ${quote(ref)}`);
  }

  /** Hairpin and isolated on a bridge port; EOPNOTSUPP if the link has no bridge master. */
  async setBridgePortFlags(ref: LinkRef, f: BridgePortFlags): Promise<void> {
    await this.request(bridgePortRequest(ref, f), `failed to set bridge port flags ${JSON.stringify(f)} on ${quote(ref)}`);
  }

  async listAddresses(link?: LinkRef, family?: Family): Promise<Address[]> {
    const index = link === undefined ? undefined : await this.#index(link);
    const all = (await this.request(listAddressesRequest(family), 'failed to list addresses')).map(parseAddress);
    return all.filter((a): a is Address => a !== undefined && (index === undefined || a.index === index));
  }

  /** `cidr` keeps the host bits: "10.1.2.2/24". */
  async addAddress(link: LinkRef, cidr: string, o: { noDad?: boolean } = {}): Promise<void> {
    const index = await this.#index(link);
    await this.request(addressRequest('add', index, cidr, o), `failed to add address ${cidr} to ${quote(link)}`);
  }

  async deleteAddress(link: LinkRef, cidr: string): Promise<void> {
    const index = await this.#index(link);
    await this.request(addressRequest('delete', index, cidr), `failed to delete address ${cidr} from ${quote(link)}`);
  }

  /** Routes of one family (default both) and one table (default every table). */
  async listRoutes(family?: Family, table?: number): Promise<Route[]> {
    const all = (await this.request(listRoutesRequest(family), 'failed to list routes')).map(parseRoute);
    return all.filter((r): r is Route => r !== undefined && (table === undefined || r.table === table));
  }

  /** Adds with NLM_F_CREATE and, unless asked, neither REPLACE nor EXCL, as the reference
   *  does for ECMP. */
  async addRoute(r: RouteSpec, o: RouteAddOptions = {}): Promise<void> {
    const spec = await this.#resolveOif(r);
    await this.request(routeRequest('add', spec, o), `failed to add route ${describe(r)}`);
  }

  async deleteRoute(r: RouteSpec): Promise<void> {
    const spec = await this.#resolveOif(r);
    await this.request(routeRequest('delete', spec), `failed to delete route ${describe(r)}`);
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

