// CHECK as the reference's cmdCheck: the prevResult's bridge, container interface and host veth
// are what they claim (kinds, MACs, peers, master), and its addresses and routes are in the
// container. Differences: IPAM CHECK is skipped for an L2 config (the reference delegates to an
// empty plugin name and fails), and the ipMasq rules are checked too.
import { attachmentOf } from '../../lib/cni/attachment.ts';
import { parsePrevResult } from '../../lib/cni/convert.ts';
import { CniError, Code, codeOf } from '../../lib/cni/errors.ts';
import type { Request } from '../../lib/cni/plugin.ts';
import type { Interface, IPConfig, Route } from '../../lib/cni/result.ts';
import { formatIPWithPrefix, formatPrefix, parseIPWithPrefix, prefixOf } from '../../lib/ip/index.ts';
import { RT_TABLE, type Link, type Netlink } from '../../lib/net/index.ts';
import { withChosen } from '../../lib/firewall/backend.ts';
import type { BridgeConfig } from './config.ts';
import type { Deps } from './deps.ts';
import { masqAddresses } from './firewall.ts';

async function lookup(nl: Netlink, intf: Interface, inSandbox: boolean): Promise<Link> {
  if (!intf.name) throw new Error('Interface name missing ');
  const link = await nl.findLink(intf.name).catch(() => undefined);
  if (link === undefined) throw new Error(`Interface name ${intf.name} not found`);
  if (inSandbox && !intf.sandbox) throw new Error(`Interface ${intf.name} is expected to be in a sandbox`);
  if (!inSandbox && intf.sandbox) throw new Error(`Interface ${intf.name} should not be in sandbox`);
  return link;
}

async function checkBridge(nl: Netlink, intf: Interface, conf: BridgeConfig): Promise<Link> {
  const link = await lookup(nl, intf, false);
  if (link.kind !== 'bridge') throw new Error(`Interface ${intf.name} does not have link type of bridge`);
  if (intf.mac && intf.mac !== link.mac) throw new Error(`Bridge interface ${intf.name} Mac doesn't match: ${intf.mac}`);
  if (link.promisc !== conf.promiscMode) {
    throw new Error(`Bridge interface ${intf.name} configured Promisc Mode ${conf.promiscMode} doesn't match current state: ${link.promisc} `);
  }
  return link;
}

async function checkContainerLink(nl: Netlink, intf: Interface): Promise<Link> {
  const link = await lookup(nl, intf, true);
  if (link.kind !== 'veth') throw new Error(`Error: Container interface ${link.name} not of type veth`);
  if (link.peerIndex === undefined) throw new Error(`Unable to obtain veth peer index for veth ${link.name}`);
  if (intf.mac && intf.mac !== link.mac) throw new Error(`Interface ${intf.name} Mac ${intf.mac} doesn't match container Mac: ${link.mac}`);
  return link;
}

/** The host veth: some other result interface that is a veth peered with the container's, on the bridge. */
async function findHostVeth(nl: Netlink, interfaces: readonly Interface[], br: Link, ctr: Link, skip: readonly string[]): Promise<Link | undefined> {
  for (const intf of interfaces) {
    if (skip.includes(intf.name)) continue;
    const link = await lookup(nl, intf, false);
    if (link.kind !== 'veth') continue; // not what we created
    if (link.peerIndex === undefined) throw new Error(`Unable to obtain veth peer index for veth ${link.name}`);
    if (link.index !== ctr.peerIndex || ctr.index !== link.peerIndex || link.master !== br.index) continue;
    if (intf.mac && intf.mac !== link.mac) throw new Error(`Interface ${intf.name} Mac doesn't match: ${intf.mac} not found`);
    return link;
  }
  return undefined;
}

const routeText = (r: Route): string => `{Dst:${r.dst} GW:${r.gw ?? '<nil>'}}`;

async function checkAddressesAndRoutes(nl: Netlink, ifname: string, ips: readonly IPConfig[], routes: readonly Route[]): Promise<void> {
  const link = await nl.findLink(ifname);
  if (link === undefined) throw new Error(`Cannot find container link ${ifname}`);
  const have = new Set((await nl.listAddresses(link.index)).map((a) => `${a.ip}/${a.prefixLen}`));
  const main = await nl.listRoutes(undefined, RT_TABLE.main);
  for (const ip of ips) {
    const a = parseIPWithPrefix(ip.address)!;
    if (!have.has(formatIPWithPrefix(a))) throw new Error(`Failed to match addr ${ip.address} on interface ${ifname}`);
    const net = formatPrefix(prefixOf(a));
    if (!main.some((r) => r.dst === net)) throw new Error(`Failed to find Gateway ${ip.gateway ?? '<nil>'} for interface ${ifname}`);
  }
  for (const r of routes) {
    const p = parseIPWithPrefix(r.dst);
    if (p === undefined) throw new Error(`Invalid static route found ${routeText(r)}`);
    const dst = formatPrefix(prefixOf(p));
    // A default route is matched by destination alone, as the reference does.
    const found = main.some((k) => k.family === p.ip.family && k.dst === dst && (p.prefixLen === 0 || r.gw === undefined || k.gw === r.gw));
    if (!found) throw new Error(`Expected Route ${routeText(r)} not found in routing table`);
  }
}

/**
 * The ipMasq rules missing for the prevResult's addresses, when there is anything to check;
 * never an unhandled rejection: its outcome is read only once every other check has passed.
 */
function startMasqCheck(req: Request<BridgeConfig>, deps: Deps): Promise<string[]> | undefined {
  const conf = req.config;
  if (conf.ipamType === '' || !conf.ipMasq || !conf.prevResult) return undefined;
  let ips: IPConfig[];
  try {
    ips = parsePrevResult(conf.prevResult, conf.cniVersion).ips ?? [];
  } catch {
    return undefined; // reported by the main check, as before
  }
  if (ips.length === 0) return undefined;
  const a = attachmentOf(conf.name, req);
  const missing = withChosen(deps.masq, conf.ipMasqBackend, (m) => m.missing(a, masqAddresses(ips)));
  missing.catch(() => {});
  return missing;
}

export async function check(req: Request<BridgeConfig>, deps: Deps): Promise<void> {
  const conf = req.config;
  // Listing the nat table is a tool process (2-4 ms): it runs while IPAM and netlink are checked.
  const masq = startMasqCheck(req, deps);
  const ctr = await deps.openNetlink(req.netns);
  const host = await deps.openNetlink();
  try {
    if (conf.ipamType !== '') await deps.delegate(req, conf.ipamType, 'CHECK');
    if (!conf.prevResult) throw new CniError(Code.InvalidNetworkConfig, 'Required prevResult missing');
    const prev = parsePrevResult(conf.prevResult, conf.cniVersion);
    const interfaces = prev.interfaces ?? [];
    const brIntf = interfaces.find((i) => i.name === conf.bridge) ?? { name: '' };
    const ctrIntf = interfaces.find((i) => i.name !== conf.bridge && i.name === req.ifname && i.sandbox === req.netns) ?? { name: '' };
    const br = await checkBridge(host, brIntf, conf);
    if (req.netns !== ctrIntf.sandbox) throw new Error(`Sandbox in prevResult ${ctrIntf.sandbox ?? ''} doesn't match configured netns: ${req.netns}`);
    const ctrLink = await checkContainerLink(ctr, ctrIntf);
    const veth = await findHostVeth(host, interfaces, br, ctrLink, [brIntf.name, ctrIntf.name]);
    if (veth === undefined) throw new Error(`CNI veth created for bridge ${conf.bridge} was not found`);
    await checkAddressesAndRoutes(ctr, req.ifname, prev.ips ?? [], prev.routes ?? []);
    const missing = (await masq) ?? [];
    if (missing.length > 0) throw new Error(`Expected ipMasq rule not found: ${missing[0]}`);
  } catch (err) {
    // What CHECK found different from the result has no spec code; anything with a code keeps it.
    if (codeOf(err) !== Code.Internal) throw err;
    throw new CniError(Code.CheckFailed, (err as Error).message, '', { cause: err });
  } finally {
    ctr.close();
    host.close();
  }
}
