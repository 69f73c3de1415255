// GC, which the reference lacks (plugins#1013): forwarded to IPAM, then the masquerade rules
// (both backends) and spoof-check chains of attachments not in the valid list are removed. Every
// step runs; the errors are reported together.
import { delegate } from '../../lib/cni/delegate.ts';
import { combineErrors } from '../../lib/cni/errors.ts';
import type { Request } from '../../lib/cni/plugin.ts';
import { gcMasq } from './masq/apply.ts';
import { gcSpoofCheck, spoofRefID } from './spoofcheck/apply.ts';
import { openNetlink } from '../../lib/net/index.ts';
import type { BridgeConfig } from './config.ts';

export async function gc(req: Request<BridgeConfig>): Promise<void> {
  const conf = req.config;
  const keep = conf.validAttachments.map((a) => ({ containerID: a.containerID, ifname: a.ifname }));
  const errors: unknown[] = [];
  const host = await openNetlink();
  try {
    const br = await host.findLink(conf.bridge);
    // Spoof-check chains carry no network name: one is this network's when its host veth is a
    // port of our bridge; one whose veth is gone is stale whoever made it.
    const isStale = async (iface: string | undefined): Promise<boolean> => {
      if (iface === undefined) return true;
      const link = await host.findLink(iface);
      return link === undefined || (br !== undefined && link.master === br.index);
    };
    const jobs: Promise<unknown>[] = [
      gcMasq(conf.name, keep).then((errs) => errs.forEach((e) => errors.push(e))),
      gcSpoofCheck(new Set(keep.map((k) => spoofRefID(k.containerID, k.ifname))), isStale),
    ];
    if (conf.ipamType !== '') jobs.push(delegate(req, conf.ipamType, 'GC'));
    for (const r of await Promise.allSettled(jobs)) if (r.status === 'rejected') errors.push(r.reason);
  } finally {
    host.close();
  }
  if (errors.length > 0) throw combineErrors(errors);
}
