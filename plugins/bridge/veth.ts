// The veth pair: the container end made directly inside the container's namespace with the
// host end (veth + 8 hex, which NetworkManager ignores) created straight in the host's, then the
// host end up, on the bridge, with its port flags and VLANs.
import { CniError, Code } from '../../lib/cni/errors.ts';
import type { Link, Netlink } from '../../lib/net/index.ts';
import { hasCode, hostNetnsFd } from '../../lib/net/index.ts';
import type { Deps } from './deps.ts';
import type { UndoStack } from '../../lib/cni/undo.ts';
import { setupPortVlans, type VlanPlan } from './vlan.ts';

type VethDeps = Pick<Deps, 'sysctl' | 'randomVethName'>;

const NAME_ATTEMPTS = 10;

export interface VethPlan {
  readonly ifname: string;
  readonly mtu: number;
  readonly mac?: string;
  readonly bridge: Link;
  readonly hairpin: boolean;
  readonly isolated: boolean;
  readonly vlans: VlanPlan;
}

export interface VethPair {
  readonly host: Link;
  readonly container: Link;
  /** The bridge the host end is on: the plan's, or the one made again when it vanished. */
  readonly bridge: Link;
}

/** Creates `ifname` in `inner`'s namespace with a random peer in this process's namespace. */
export async function createPair(deps: VethDeps, inner: Netlink, host: Netlink, ifname: string, mtu: number, mac?: string): Promise<string> {
  for (let i = 0; ; i++) {
    const peerName = deps.randomVethName();
    try {
      await inner.createVeth({ name: ifname, peerName, peerNetnsFd: hostNetnsFd(), ...(mtu > 0 && { mtu }), ...(mac && { mac }) });
      return peerName;
    } catch (err) {
      if (!hasCode(err, 'EEXIST')) {
        const message = `failed to make veth pair: ${(err as Error).message}`;
        // EINVAL refuses the MTU or MAC the config gave (names are checked before).
        if (hasCode(err, 'EINVAL') && (mtu > 0 || mac !== undefined)) throw new CniError(Code.InvalidNetworkConfig, message, '', { cause: err });
        throw new Error(message, { cause: err });
      }
      // The kernel does not say which name was taken: only a taken random name is worth a retry.
      const taken = (await inner.findLink(ifname)) === undefined && (await host.findLink(peerName)) !== undefined;
      if (!taken || i + 1 >= NAME_ATTEMPTS) {
        // Unless random names kept colliding, the name the request chose is taken.
        throw new CniError(taken ? Code.Internal : Code.InvalidNetworkConfig, `container veth name (${JSON.stringify(ifname)}) peer provided (${JSON.stringify(peerName)}) already exists`, '', { cause: err });
      }
    }
  }
}

/** Attaches a host-side veth end to the bridge: up, master, hairpin and isolation, VLANs. */
export async function attachPort(deps: VethDeps, host: Netlink, name: string, p: Omit<VethPlan, 'ifname' | 'mtu' | 'mac'>): Promise<Link> {
  await host.changeLink(name, { up: true, master: p.bridge.index }, `failed to connect "${name}" to bridge ${p.bridge.name}`);
  try {
    deps.sysctl.write(`net/ipv6/conf/${name}/accept_ra`, '0');
  } catch {
    // ignored, as in the reference
  }
  // Always written, true or false, as the reference does; one message carries both flags.
  await host.setBridgePortFlags(name, { hairpin: p.hairpin, isolated: p.isolated }).catch((err: Error) => {
    throw new Error(`failed to setup hairpin mode for ${name}: ${err.message}`, { cause: err });
  });
  const link = await host.getLink(name);
  await setupPortVlans(host, link.index, name, p.vlans);
  return link;
}

/** `ensureBridge` is asked once more when the bridge vanished before the port joined it: the
 *  rollback of the ADD that made it deleted it, finding no port yet. */
export async function setupVeth(deps: VethDeps, host: Netlink, container: Netlink, p: VethPlan, undo: UndoStack, ensureBridge: () => Promise<Link>): Promise<VethPair> {
  const peerName = await createPair(deps, container, host, p.ifname, p.mtu, p.mac);
  // Deleting the container end deletes its peer too.
  undo.push(`veth ${p.ifname}`, () => container.deleteLink(p.ifname));
  const containerLink = await container.getLink(p.ifname);
  try {
    return { host: await attachPort(deps, host, peerName, p), container: containerLink, bridge: p.bridge };
  } catch (err) {
    if ((await host.findLink(p.bridge.index)) !== undefined) throw err;
    const bridge = await ensureBridge();
    return { host: await attachPort(deps, host, peerName, { ...p, bridge }), container: containerLink, bridge };
  }
}
