// DEL: best effort and idempotent. The container link goes (its host peer with it), IPAM is
// released, spoof-check and masquerade state are removed, and every step runs even when an
// earlier one failed. Unlike the reference, the firewall cleanup does not depend on the netns:
// with CNI_NETNS empty, a netns already gone or the link already deleted, the addresses come
// from prevResult and the state is found by name (reference #810).
import { delegate } from '../../lib/cni/delegate.ts';
import { combineErrors } from '../../lib/cni/errors.ts';
import type { Request } from '../../lib/cni/plugin.ts';
import { parsePrevResult } from '../../lib/cni/convert.ts';
import { teardownMasq, type MasqAddress } from './masq/apply.ts';
import { spoofRefID, teardownSpoofCheck } from './spoofcheck/apply.ts';
import { hasCode, openNetlink, type Netlink } from '../../lib/net/index.ts';
import type { BridgeConfig } from './config.ts';
import { masqAddress, masqAddresses, masqInstance, mergeAddresses } from './firewall.ts';

/**
 * The container interface's global unicast addresses, and the deletion of the link, not yet
 * started; nothing if the link or the netns is absent.
 */
async function findContainerLink(netns: string, ifname: string): Promise<{ addrs: MasqAddress[]; remove?: () => Promise<void> }> {
  let nl: Netlink;
  try {
    nl = await openNetlink(netns);
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return { addrs: [] }; // the netns is gone, and the link with it
    throw err;
  }
  try {
    const link = await nl.findLink(ifname);
    if (link === undefined) {
      nl.close();
      return { addrs: [] };
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
    return { addrs, remove };
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

export async function del(req: Request<BridgeConfig>): Promise<void> {
  const conf = req.config;
  const errors: unknown[] = [];
  const layer3 = conf.ipamType !== '';
  let linkAddrs: MasqAddress[] = [];
  let removeLink: (() => Promise<void>) | undefined;
  if (req.netns !== '') {
    try {
      ({ addrs: linkAddrs, remove: removeLink } = await findContainerLink(req.netns, req.ifname));
    } catch (err) {
      errors.push(err);
    }
  }
  // The link deletion is started first and runs on a worker thread (the kernel holds it 17-28 ms);
  // IPAM and the firewall tools run meanwhile. Started before it, the tools would delay it: a tool
  // that deleted rules holds nftables' commit lock, which the veth's unregistration needs, for an
  // RCU grace period (10-30 ms) when it closes its netlink socket. After it, the waits added up.
  const deletion = removeLink?.();
  const ipam = layer3 ? delegate(req, conf.ipamType, 'DEL') : undefined;
  const spoof = conf.macspoofchk ? teardownSpoofCheck([spoofRefID(req.containerID, req.ifname)]) : undefined;
  const masq =
    layer3 && conf.ipMasq
      ? teardownMasq(masqInstance(req), mergeAddresses(linkAddrs, prevAddresses(conf))).then((errs) => errs.forEach((e) => errors.push(e)))
      : undefined;
  const jobs = [deletion, ipam, spoof, masq].filter((j) => j !== undefined);
  for (const r of await Promise.allSettled(jobs)) if (r.status === 'rejected') errors.push(r.reason);
  if (errors.length > 0) throw combineErrors(errors);
}
