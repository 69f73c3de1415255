// The bridge itself: created or reused, refused when the name belongs to another kind of link.
// Other attachments share it, so only a failed ADD that created it takes it back, and only while
// no port is on it.
import type { Link, Netlink } from '../../lib/net/index.ts';
import { hasCode } from '../../lib/net/index.ts';
import { CniError, Code } from '../../lib/cni/errors.ts';
import type { BridgeConfig } from './config.ts';
import type { Deps } from './deps.ts';
import type { UndoStack } from '../../lib/cni/undo.ts';

export function requireBridge(link: Link | undefined, name: string): Link {
  if (link === undefined) throw new Error(`could not lookup "${name}": Link not found`);
  // The name the config gave is taken by another kind of link.
  if (link.kind !== 'bridge') throw new CniError(Code.InvalidNetworkConfig, `"${name}" already exists but is not a bridge`);
  return link;
}

/** Thrown inside ensureBridge when the bridge was deleted between two of its requests. */
class Vanished extends Error {}

const vanishedIf = (err: unknown): never => {
  throw hasCode(err, 'ENODEV') ? new Vanished((err as Error).message, { cause: err }) : err;
};

/**
 * The one place that deletes a bridge: a concurrent ADD may have attached a port since we made
 * it, and then it is theirs too. Gone already is fine.
 */
async function removeIfUnused(nl: Netlink, name: string): Promise<void> {
  const br = await nl.findLink(name);
  if (br?.kind !== 'bridge' || (await nl.listLinks()).some((l) => l.master === br.index)) return;
  await nl.deleteLink(br.index).catch((err: unknown) => {
    if (!hasCode(err, 'ENODEV')) throw err;
  });
}

async function create(nl: Netlink, conf: BridgeConfig): Promise<boolean> {
  const name = conf.bridge;
  try {
    await nl.createBridge({ name, ...(conf.mtu > 0 && { mtu: conf.mtu }), ...(conf.vlanFiltering && { vlanFiltering: true }) });
    return true;
  } catch (err) {
    if (hasCode(err, 'EEXIST')) return false;
    const message = `could not add "${name}": ${(err as Error).message}`;
    // The kernel answers EINVAL to an MTU the bridge cannot have: the config's fault.
    if (hasCode(err, 'EINVAL') && conf.mtu > 0) throw new CniError(Code.InvalidNetworkConfig, message, '', { cause: err });
    // A kernel built without bridge VLAN filtering refuses only the filtering.
    if (hasCode(err, 'EOPNOTSUPP') && conf.vlanFiltering) {
      const asked = conf.vlan !== 0 ? `vlan ${conf.vlan}` : `vlanTrunk ${JSON.stringify(conf.vlans)}`;
      throw new CniError(Code.UnsupportedField, `${message} (${asked} needs VLAN filtering, which this kernel lacks)`, '', { cause: err });
    }
    throw new Error(message, { cause: err });
  }
}

/**
 * Undo steps only for what this ADD changed on a bridge it found: one it created goes as a
 * whole, or stays, set up, for the ADD that attached a port to it meanwhile.
 */
async function ensureOnce(deps: Pick<Deps, 'sysctl'>, nl: Netlink, conf: BridgeConfig, undo: UndoStack): Promise<Link> {
  const name = conf.bridge;
  let link = await nl.findLink(name);
  const created = link === undefined && (await create(nl, conf));
  if (created) undo.push(`bridge ${name}`, () => removeIfUnused(nl, name));
  if (link === undefined) link = await nl.findLink(name);
  if (link === undefined) throw new Vanished(`could not lookup "${name}": Link not found`);
  const br = requireBridge(link, name);
  // A bridge deleted meanwhile (by the rollback of the ADD that made it) needs no undoing.
  const undoIfFound = (what: string, fn: () => Promise<void> | void): void => {
    if (created) return;
    undo.push(what, async () => {
      try {
        await fn();
      } catch (err) {
        if (!hasCode(err, 'ENODEV', 'ENOENT')) throw err;
      }
    });
  };
  if (conf.promiscMode && !br.promisc) {
    await nl.setPromisc(br.index, true).catch(vanishedIf);
    undoIfFound(`promiscuous mode of ${name}`, () => nl.setPromisc(br.index, false));
  }
  const key = `net/ipv6/conf/${name}/accept_ra`;
  try {
    const before = deps.sysctl.read(key);
    if (before !== '0') {
      deps.sysctl.write(key, '0');
      undoIfFound(key, () => deps.sysctl.write(key, before));
    }
  } catch {
    // IPv6 may be disabled; the reference ignores this too.
  }
  // Pin the MAC (set it to itself) so that it never follows the lowest port MAC: the reference
  // does this only when it puts a gateway address on the bridge, so an L2 bridge's MAC (and
  // with it CHECK of an L2 attachment) changes as ports come and go.
  await nl.changeLink(br.index, { ...(br.mac && { mac: br.mac }), ...(!br.up && { up: true }) }).catch(vanishedIf);
  if (!br.up) undoIfFound(`${name} up`, () => nl.changeLink(br.index, { up: false }));
  return br;
}

/**
 * The reference's ensureBridge: created with the MTU (only at creation, cni#356) and VLAN
 * filtering when asked, promiscuous mode, accept_ra off (we own its routes), then up. Looked up
 * first so that the common case, an existing bridge, costs one request less. A bridge deleted
 * under us (made by an ADD that rolled back) is looked for, or made, once more.
 */
export async function ensureBridge(deps: Pick<Deps, 'sysctl'>, nl: Netlink, conf: BridgeConfig, undo: UndoStack): Promise<Link> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await ensureOnce(deps, nl, conf, undo);
    } catch (err) {
      if (err instanceof Vanished && attempt === 0) continue;
      const message = `failed to create bridge "${conf.bridge}": ${(err as Error).message}`;
      throw err instanceof CniError ? new CniError(err.code, message, err.details, { cause: err }) : new Error(message, { cause: err });
    }
  }
}
