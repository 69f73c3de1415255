// An in-memory rtnetlink for unit tests of the verbs: namespaces holding links, addresses and
// routes, with as much kernel behaviour as the plugins rely on (veth peers across namespaces,
// bridge ports, the subnet route of an address, ENODEV and EEXIST). Every call goes through one
// CallLog, shared with the other fakes of a test, which records the order and can fail any call.
import type { Address, BridgeOptions, Link, LinkChange, LinkRef, Netlink, PortVlan, Route, RouteSpec, VethOptions } from '../../lib/net/index.ts';
import { errnoError } from '../../lib/net/index.ts';
import { formatIP, formatPrefix, parseIPWithPrefix, prefixOf, type Family } from '../../lib/ip/index.ts';

const ENOENT = 2;
const EEXIST = 17;
const EINVAL = 22;
const ENODEV = 19;
const EOPNOTSUPP = 95;

export class CallLog {
  readonly calls: string[] = [];
  /** The index of the call that fails, if one does. */
  failAt: number | undefined;
  /** From this index on, every call fails: the plugin died there. */
  failFrom: number | undefined;
  /** The call, by its text, that fails, wherever it comes. */
  failOn: string | undefined;

  record(call: string): void {
    const i = this.calls.push(call) - 1;
    if (i === this.failAt || call === this.failOn || (this.failFrom !== undefined && i >= this.failFrom)) throw new Error(`injected failure of ${call}`);
  }
}

/** The namespace of the process: what `openNetlink()` without a path opens. */
export const HOST = 'host';

interface Stored extends Link {
  ns: string;
}

export class FakeKernel {
  readonly links: Stored[] = [];
  readonly addresses: (Address & { ns: string })[] = [];
  readonly routes: (Route & { ns: string })[] = [];
  readonly portVlans = new Map<number, PortVlan[]>();
  readonly namespaces = new Set<string>([HOST]);
  /** Handles opened and not yet closed. */
  open = 0;
  /** Built with bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING). */
  vlanFiltering = true;
  readonly log: CallLog;
  #nextIndex = 2;

  constructor(log = new CallLog()) {
    this.log = log;
  }

  /** `openNetlink`: a handle in the host namespace or in the one at `netns`. */
  async openNetlink(netns?: string): Promise<Netlink> {
    const ns = netns ?? HOST;
    this.log.record(`${label(ns)}.open`);
    if (!this.namespaces.has(ns)) throw errnoError(`failed to open netns "${ns}"`, ENOENT);
    this.open++;
    return new FakeNetlink(this, ns);
  }

  addLink(ns: string, l: Omit<Link, 'index' | 'mac' | 'mtu' | 'up' | 'operState' | 'promisc'> & Partial<Link>): Stored {
    const index = this.#nextIndex++;
    const link: Stored = { index, mac: `02:00:00:00:00:${index.toString(16).padStart(2, '0')}`, mtu: 1500, up: false, operState: 'down', promisc: false, ...l, ns };
    this.links.push(link);
    return link;
  }

  find(ns: string, ref: LinkRef): Stored | undefined {
    return this.links.find((l) => l.ns === ns && (typeof ref === 'number' ? l.index === ref : l.name === ref));
  }

  /** Removes a link with what the kernel removes with it: its veth peer, addresses and routes. */
  removeLink(link: Stored): void {
    for (const l of [link, ...this.links.filter((p) => link.kind === 'veth' && p.index === link.peerIndex)]) {
      this.links.splice(this.links.indexOf(l), 1);
      remove(this.addresses, (a) => a.index === l.index);
      remove(this.routes, (r) => r.oif === l.index);
    }
  }

  /** A namespace deleted, with everything in it. */
  removeNetns(ns: string): void {
    this.namespaces.delete(ns);
    for (const l of this.links.filter((x) => x.ns === ns)) if (this.links.includes(l)) this.removeLink(l);
  }
}

const label = (ns: string): string => (ns === HOST ? 'host' : 'ctr');

function remove<T>(list: T[], pred: (x: T) => boolean): void {
  for (let i = list.length - 1; i >= 0; i--) if (pred(list[i]!)) list.splice(i, 1);
}

const quote = (ref: LinkRef): string => (typeof ref === 'number' ? `#${ref}` : `"${ref}"`);

class FakeNetlink implements Netlink {
  readonly kernel: FakeKernel;
  readonly ns: string;

  constructor(kernel: FakeKernel, ns: string) {
    this.kernel = kernel;
    this.ns = ns;
  }

  #record(method: string, arg: unknown = ''): void {
    this.kernel.log.record(`${label(this.ns)}.${method}${arg === '' ? '' : ` ${String(arg)}`}`);
  }

  #get(ref: LinkRef, what = `failed to get link ${quote(ref)}`): Stored {
    const l = this.kernel.find(this.ns, ref);
    if (l === undefined) throw errnoError(what, ENODEV);
    return l;
  }

  #copy(l: Stored): Link {
    const { ns: _ns, ...link } = l;
    return { ...link };
  }

  async getLink(ref: LinkRef): Promise<Link> {
    this.#record('getLink', ref);
    return this.#copy(this.#get(ref));
  }

  async findLink(ref: LinkRef): Promise<Link | undefined> {
    this.#record('findLink', ref);
    const l = this.kernel.find(this.ns, ref);
    return l && this.#copy(l);
  }

  async listLinks(): Promise<Link[]> {
    this.#record('listLinks');
    return this.kernel.links.filter((l) => l.ns === this.ns).map((l) => this.#copy(l));
  }

  async createBridge(o: BridgeOptions): Promise<void> {
    this.#record('createBridge', o.name);
    if (this.kernel.find(this.ns, o.name)) throw errnoError(`failed to create bridge "${o.name}"`, EEXIST);
    if (o.vlanFiltering && !this.kernel.vlanFiltering) throw errnoError(`failed to create bridge "${o.name}"`, EOPNOTSUPP);
    this.kernel.addLink(this.ns, { name: o.name, kind: 'bridge', ...(o.mtu && { mtu: o.mtu }), ...(o.vlanFiltering && { vlanFiltering: true }) });
  }

  async createVeth(o: VethOptions): Promise<void> {
    this.#record('createVeth', `${o.name} ${o.peerName}`);
    const peerNs = o.peerNetnsPath ?? (o.peerNetnsFd !== undefined ? HOST : this.ns);
    if (this.kernel.find(this.ns, o.name) || this.kernel.find(peerNs, o.peerName)) {
      throw errnoError(`failed to create veth pair "${o.name}" <-> "${o.peerName}"`, EEXIST);
    }
    const mtu = o.mtu ? { mtu: o.mtu } : {};
    const inner = this.kernel.addLink(this.ns, { name: o.name, kind: 'veth', ...mtu, ...(o.mac && { mac: o.mac }) });
    const peer = this.kernel.addLink(peerNs, { name: o.peerName, kind: 'veth', ...mtu, peerIndex: inner.index });
    inner.peerIndex = peer.index;
  }

  async deleteLink(ref: LinkRef): Promise<void> {
    this.#record('deleteLink', ref);
    this.kernel.removeLink(this.#get(ref, `failed to delete link ${quote(ref)}`));
  }

  async changeLink(ref: LinkRef, c: LinkChange, what = `failed to change link ${quote(ref)}`): Promise<void> {
    this.#record('changeLink', ref);
    this.#change(ref, c, what);
  }

  #change(ref: LinkRef, c: LinkChange, what: string): void {
    const l = this.#get(ref, what);
    // One message, applied whole or refused: a master that does not exist is EINVAL.
    if (c.master && this.kernel.find(this.ns, c.master) === undefined) throw errnoError(what, EINVAL);
    if (c.up !== undefined) {
      l.up = c.up;
      l.operState = c.up ? 'up' : 'down';
    }
    if (c.promisc !== undefined) l.promisc = c.promisc;
    if (c.mtu !== undefined) l.mtu = c.mtu;
    if (c.mac !== undefined) l.mac = c.mac;
    if (c.master !== undefined) {
      if (c.master === 0) delete l.master;
      else l.master = c.master;
    }
  }

  async setUp(ref: LinkRef): Promise<void> {
    this.#record('setUp', ref);
    this.#change(ref, { up: true }, `failed to set ${quote(ref)} up`);
  }

  async setMac(ref: LinkRef, mac: string): Promise<void> {
    this.#record('setMac', ref);
    this.#change(ref, { mac }, `failed to set MAC ${mac} on ${quote(ref)}`);
  }

  async setPromisc(ref: LinkRef, on: boolean): Promise<void> {
    this.#record('setPromisc', ref);
    this.#change(ref, { promisc: on }, `failed to set promiscuous mode on ${quote(ref)}`);
  }

  async setBridgePortFlags(ref: LinkRef, f: { hairpin?: boolean; isolated?: boolean }): Promise<void> {
    this.#record('setBridgePortFlags', ref);
    const l = this.#get(ref);
    if (l.master === undefined) throw errnoError(`failed to set bridge port flags on ${quote(ref)}`, EOPNOTSUPP);
    l.bridgePort = { hairpin: f.hairpin ?? false, isolated: f.isolated ?? false };
  }

  async listPortVlans(): Promise<{ index: number; vlans: PortVlan[] }[]> {
    this.#record('listPortVlans');
    return [...this.kernel.portVlans].map(([index, vlans]) => ({ index, vlans: [...vlans] }));
  }

  async addPortVlan(index: number, v: PortVlan): Promise<void> {
    this.#record('addPortVlan', `${index} ${v.vid}`);
    this.kernel.portVlans.set(index, [...(this.kernel.portVlans.get(index) ?? []), v]);
  }

  async deletePortVlan(index: number, v: PortVlan): Promise<void> {
    this.#record('deletePortVlan', `${index} ${v.vid}`);
    this.kernel.portVlans.set(index, (this.kernel.portVlans.get(index) ?? []).filter((x) => x.vid !== v.vid));
  }

  async listAddresses(link?: LinkRef, family?: Family): Promise<Address[]> {
    this.#record('listAddresses', link ?? '');
    const index = link === undefined ? undefined : this.#get(link).index;
    return this.kernel.addresses
      .filter((a) => a.ns === this.ns && (index === undefined || a.index === index) && (family === undefined || a.family === family))
      .map(({ ns: _ns, ...a }) => a);
  }

  async addAddress(link: LinkRef, cidr: string): Promise<void> {
    this.#record('addAddress', cidr);
    const what = `failed to add address ${cidr} to ${quote(link)}`;
    const l = this.#get(link, what);
    const p = parseIPWithPrefix(cidr)!;
    const ip = formatIP(p.ip);
    if (this.kernel.addresses.some((a) => a.ns === this.ns && a.index === l.index && a.ip === ip)) throw errnoError(what, EEXIST);
    this.kernel.addresses.push({ ns: this.ns, index: l.index, family: p.ip.family, ip, prefixLen: p.prefixLen, scope: 0, flags: 0, tentative: false, dadFailed: false });
    // The kernel adds the subnet's route with the address.
    this.kernel.routes.push({ ns: this.ns, family: p.ip.family, dst: formatPrefix(prefixOf(p)), oif: l.index, table: 254, scope: 253, protocol: 2, type: 1 });
  }

  async deleteAddress(link: LinkRef, cidr: string): Promise<void> {
    this.#record('deleteAddress', cidr);
    const l = this.#get(link);
    const p = parseIPWithPrefix(cidr)!;
    remove(this.kernel.addresses, (a) => a.ns === this.ns && a.index === l.index && a.ip === formatIP(p.ip));
  }

  async settleAddresses(ifname: string): Promise<void> {
    this.#record('settleAddresses', ifname);
  }

  async listRoutes(family?: Family, table?: number): Promise<Route[]> {
    this.#record('listRoutes');
    return this.kernel.routes
      .filter((r) => r.ns === this.ns && (family === undefined || r.family === family) && (table === undefined || r.table === table))
      .map(({ ns: _ns, ...r }) => r);
  }

  async addRoute(r: RouteSpec): Promise<void> {
    this.#record('addRoute', r.dst);
    const p = parseIPWithPrefix(r.dst)!;
    const oif = r.oif === undefined ? undefined : this.#get(r.oif).index;
    this.kernel.routes.push({
      ns: this.ns,
      family: p.ip.family,
      dst: formatPrefix(prefixOf(p)),
      ...(r.gw !== undefined && { gw: r.gw }),
      ...(oif !== undefined && { oif }),
      ...(r.priority !== undefined && { priority: r.priority }),
      table: r.table ?? 254,
      scope: r.scope ?? 0,
      protocol: 3,
      type: 1,
    });
  }

  async routeGetOif(): Promise<number | undefined> {
    this.#record('routeGetOif');
    return undefined;
  }

  close(): void {
    this.kernel.open--;
  }
}
