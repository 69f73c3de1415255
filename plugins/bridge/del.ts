// DEL: idempotent. IPAM is released first and, as in the reference, a failed release ends the
// DEL with nothing removed, so that the runtime's retry finds the attachment whole. Then the
// container link goes (its host peer with it) and spoof-check and masquerade state are removed,
// every step running even when another failed. Unlike the reference, the firewall cleanup does not depend on the netns:
// with CNI_NETNS empty, a netns already gone or the link already deleted, the addresses come
// from prevResult and the state is found by name (reference #810).
import { attachmentOf } from '../../lib/cni/attachment.ts';
import { settleAll } from '../../lib/cni/errors.ts';
import type { Request } from '../../lib/cni/plugin.ts';
import { parsePrevResult } from '../../lib/cni/convert.ts';
import type { MasqAddress } from './masq/backend.ts';
import { hasCode, type Netlink } from '../../lib/net/index.ts';
import { onEveryBackend } from '../../lib/firewall/backend.ts';
import type { BridgeConfig } from './config.ts';
import type { Deps } from './deps.ts';
import { masqAddress, masqAddresses, mergeAddresses } from './firewall.ts';

interface ContainerLink {
  readonly addrs: MasqAddress[];
  /** Deletes the link, when there is one. */
  readonly remove?: () => Promise<void>;
  /** Lets the link be, releasing what the lookup holds. */
  readonly keep?: () => void;
}

const NO_LINK: ContainerLink = { addrs: [] };

/**
 * rtnetlink in the container's netns; undefined when there is none: the path is gone, or is no
 * netns (a runtime that died between unmounting it and removing the file), and the link with it.
 * Any other failure is thrown before anything is released.
 */
async function openContainer(deps: Deps, netns: string): Promise<Netlink | undefined> {
  if (netns === '') return undefined;
  try {
    return await deps.openNetlink(netns);
  } catch (err) {
    if (hasCode(err, 'ENOENT', 'EINVAL')) return undefined;
    throw err;
  }
}

/**
 * The container interface's global unicast addresses, and the deletion of the link, not yet
 * started; nothing if the link is absent or no veth. Takes over `nl`.
 */
async function findContainerLink(nl: Netlink | undefined, ifname: string): Promise<ContainerLink> {
  if (nl === undefined) return NO_LINK;
  try {
    const link = await nl.findLink(ifname);
    // Only a veth can be ours: CNI_IFNAME=lo, or a link another plugin made, is left alone.
    if (link === undefined || link.kind !== 'veth') {
      nl.close();
      return NO_LINK;
    }
    const addrs = (await nl.listAddresses(link.index))
      .filter((a) => a.scope === 0 && !(a.family === 6 && a.ip.startsWith('fe80:')))
      .flatMap((a) => masqAddress(`${a.ip}/${a.prefixLen}`) ?? []);
    const remove = (): Promise<void> =>
      nl
        .deleteLink(link.index)
        .catch((err: Error) => {
          if (!hasCode(err, 'ENODEV')) throw new Error(`failed to delete "${ifname}": ${err.message}`, { cause: err });
        })
        .finally(() => nl.close());
    return { addrs, remove, keep: () => nl.close() };
  } catch (err) {
    nl.close();
    throw err;
  }
}

function prevAddresses(conf: BridgeConfig): MasqAddress[] {
  if (!conf.prevResult) return [];
  try {
    return masqAddresses(parsePrevResult(conf.prevResult, conf.cniVersion).ips ?? []);
  } catch {
    return []; // an unreadable prevResult must not block a DEL
  }
}

export async function del(req: Request<BridgeConfig>, deps: Deps): Promise<void> {
  const conf = req.config;
  const a = attachmentOf(conf.name, req);
  const layer3 = conf.ipamType !== '';
  // Without the IPAM plugin the DEL cannot finish: fail before anything is removed.
  if (layer3) deps.findPlugin(conf.ipamType, req.cniPath);
  // A failed lookup is reported with the rest; the other steps run without the link.
  const lookup = findContainerLink(await openContainer(deps, req.netns), req.ifname);
  // The release runs while the link is looked up.
  const ipam = layer3 ? deps.delegate(req, conf.ipamType, 'DEL') : undefined;
  const [found, released] = await Promise.all([lookup.catch(() => NO_LINK), ipam?.then(() => undefined, (err: unknown) => err)]);
  if (released !== undefined) {
    found.keep?.();
    throw released;
  }
  // The link deletion is started first and runs on a worker thread (the kernel holds it 17-28 ms);
  // the firewall tools run meanwhile. Started before it, the tools would delay it: a tool
  // that deleted rules holds nftables' commit lock, which the veth's unregistration needs, for an
  // RCU grace period (10-30 ms) when it closes its netlink socket. After it, the waits added up.
  const deletion = found.remove?.();
  const spoof = conf.macspoofchk ? deps.spoofCheck().then((s) => s.teardown(a)) : undefined;
  const addrs = layer3 && conf.ipMasq ? mergeAddresses(found.addrs, prevAddresses(conf)) : undefined;
  const masq = addrs && onEveryBackend(deps.masq, (m) => m.teardown(a, addrs));
  await settleAll([lookup, deletion, spoof, masq]);
  req.obs.did({ ...(deletion && { links: [`${req.ifname}@${req.netns}`] }), ...(masq && { masquerade: conf.name }) });
}
