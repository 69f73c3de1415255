// The bridge itself: created or reused (never deleted: other attachments may use it), refused
// when the name belongs to another kind of link.
import type { Link, Netlink } from '../../lib/net/index.ts';
import { hasCode } from '../../lib/net/index.ts';
import type { BridgeConfig } from './config.ts';
import type { Deps } from './deps.ts';

export function requireBridge(link: Link | undefined, name: string): Link {
  if (link === undefined) throw new Error(`could not lookup "${name}": Link not found`);
  if (link.kind !== 'bridge') throw new Error(`"${name}" already exists but is not a bridge`);
  return link;
}

/**
 * The reference's ensureBridge: created with the MTU (only at creation, cni#356) and VLAN
 * filtering when asked, promiscuous mode, accept_ra off (we own its routes), then up. Looked up
 * first so that the common case, an existing bridge, costs one request less.
 */
export async function ensureBridge(deps: Pick<Deps, 'sysctl'>, nl: Netlink, conf: BridgeConfig): Promise<Link> {
  const name = conf.bridge;
  try {
    let link = await nl.findLink(name);
    if (link === undefined) {
      try {
        await nl.createBridge({ name, ...(conf.mtu > 0 && { mtu: conf.mtu }), ...(conf.vlanFiltering && { vlanFiltering: true }) });
      } catch (err) {
        if (!hasCode(err, 'EEXIST')) throw new Error(`could not add "${name}": ${(err as Error).message}`, { cause: err });
      }
      link = await nl.findLink(name);
    }
    const br = requireBridge(link, name);
    if (conf.promiscMode && !br.promisc) await nl.setPromisc(br.index, true);
    try {
      deps.sysctl.write(`net/ipv6/conf/${name}/accept_ra`, '0');
    } catch {
      // IPv6 may be disabled; the reference ignores this too.
    }
    // Pin the MAC (set it to itself) so that it never follows the lowest port MAC: the reference
    // does this only when it puts a gateway address on the bridge, so an L2 bridge's MAC (and
    // with it CHECK of an L2 attachment) changes as ports come and go.
    await nl.changeLink(br.index, { ...(br.mac && { mac: br.mac }), ...(!br.up && { up: true }) });
    return br;
  } catch (err) {
    throw new Error(`failed to create bridge "${name}": ${(err as Error).message}`, { cause: err });
  }
}
