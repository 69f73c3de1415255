// Gateways: which addresses go on the bridge (pure, from the IPAM result and the config), and
// putting them there as the reference's ensureAddr does.
import { CniError, Code } from '../../lib/cni/errors.ts';
import type { IPConfig, Result, Route } from '../../lib/cni/result.ts';
import { contains, firstAddress, formatIP, formatIPWithPrefix, nextIP, parseIP, parseIPWithPrefix, prefixOf, type Family } from '../../lib/ip/index.ts';
import type { Link, Netlink } from '../../lib/net/index.ts';
import { hasCode } from '../../lib/net/index.ts';
import type { UndoStack } from '../../lib/cni/undo.ts';

export interface Gateways {
  /** "gateway/container prefix length" per family, in IPAM order. */
  readonly 4: string[];
  readonly 6: string[];
}

const DEFAULT_DST = { 4: '0.0.0.0/0', 6: '::/0' } as const;

const isDefault = (dst: string): boolean => {
  const p = parseIPWithPrefix(dst);
  return p !== undefined && p.prefixLen === 0 && p.ip.value === 0n;
};

/**
 * The reference's calcGateways: every IP points at the container interface (index 2); with
 * isGateway a missing gateway is the subnet's first host; with isDefaultGateway a default route
 * per family is added unless IPAM gave one with a gateway. Returns the new IPs and routes.
 */
export function calcGateways(ipam: Pick<Result, 'ips' | 'routes'>, c: { isGateway: boolean; isDefaultGateway: boolean }): { ips: IPConfig[]; routes: Route[]; gateways: Gateways } {
  const routes: Route[] = (ipam.routes ?? []).map((r) => ({ ...r }));
  const gateways: Gateways = { 4: [], 6: [] };
  const defaultFound = { 4: false, 6: false };
  const ips = (ipam.ips ?? []).map((orig) => {
    const addr = parseIPWithPrefix(orig.address);
    if (addr === undefined) throw new Error(`Unknown IP object: ${JSON.stringify(orig)}`);
    const family: Family = addr.ip.family;
    const ip: IPConfig = { ...orig, interface: 2 };
    if (ip.gateway === undefined && c.isGateway) {
      const gw = nextIP(firstAddress(prefixOf(addr)));
      if (gw) ip.gateway = formatIP(gw);
    }
    if (c.isDefaultGateway && !defaultFound[family]) {
      const given = routes.some((r) => r.gw !== undefined && isDefault(r.dst) && parseIPWithPrefix(r.dst)?.ip.family === family);
      if (!given) routes.push({ dst: DEFAULT_DST[family], ...(ip.gateway !== undefined && { gw: ip.gateway }) });
      defaultFound[family] = true;
    }
    if (c.isGateway && ip.gateway !== undefined) gateways[family].push(`${ip.gateway}/${addr.prefixLen}`);
    return ip;
  });
  return { ips, routes, gateways };
}

/**
 * The first route the kernel would refuse as "network is unreachable": its gateway (its own, or
 * the family's first IP gateway, as configureContainer uses) is on none of the container's
 * subnets. Checked before anything is set up from the IPAM result, which the reference finds out
 * only after the firewall rules and the container's addresses.
 */
export function unreachableRoute(ips: readonly IPConfig[], routes: readonly Route[]): { route: Route; via: string } | undefined {
  const subnets = ips.flatMap((ip) => {
    const a = parseIPWithPrefix(ip.address);
    return a ? [{ prefix: prefixOf(a), gateway: ip.gateway }] : [];
  });
  const familyGw = (f: Family): string | undefined => subnets.find((s) => s.prefix.family === f && s.gateway !== undefined)?.gateway;
  for (const route of routes) {
    const via = route.gw ?? familyGw(parseIPWithPrefix(route.dst)?.ip.family ?? 4);
    const gw = via === undefined ? undefined : parseIP(via);
    if (gw && !subnets.some((s) => s.prefix.family === gw.family && contains(s.prefix, gw))) return { route, via: via! };
  }
  return undefined;
}

/**
 * Puts `cidr` on `link` unless it is there. Any other IPv4 address, or an overlapping IPv6 one,
 * is a conflict: an error, or deleted when forceAddress. Then the link's MAC is set to the value
 * it had when we looked it up, so that a bridge's MAC stops following its lowest port (cni#285).
 * What it adds or deletes is taken back by `undo`.
 */
export async function ensureAddr(nl: Netlink, link: Link, family: Family, cidr: string, force: boolean, undo: UndoStack): Promise<void> {
  const want = parseIPWithPrefix(cidr)!;
  const wantText = formatIPWithPrefix(want);
  for (const a of await nl.listAddresses(link.index, family)) {
    const text = `${a.ip}/${a.prefixLen}`;
    if (text === wantText) return;
    const have = parseIPWithPrefix(text)!;
    const conflict = family === 4 || contains(prefixOf(have), want.ip) || contains(prefixOf(want), have.ip);
    if (!conflict) continue;
    // The config's subnet conflicts with the link's address; forceAddress is the config's way out.
    if (!force) throw new CniError(Code.InvalidNetworkConfig, `"${link.name}" already has an IP address different from ${wantText}`);
    await nl.deleteAddress(link.index, text).catch((err: Error) => {
      throw new Error(`could not remove IP address from "${link.name}": ${err.message}`, { cause: err });
    });
    undo.push(`address ${text} of ${link.name}`, () => nl.addAddress(link.index, text));
  }
  try {
    await nl.addAddress(link.index, wantText);
    undo.push(`address ${wantText} of ${link.name}`, () => nl.deleteAddress(link.index, wantText));
  } catch (err) {
    if (!hasCode(err, 'EEXIST')) throw new Error(`could not add IP address ${wantText} to "${link.name}": ${(err as Error).message}`, { cause: err });
  }
  if (link.mac) {
    await nl.setMac(link.index, link.mac).catch((err: Error) => {
      throw new Error(`could not set bridge's mac: ${err.message}`, { cause: err });
    });
  }
}
