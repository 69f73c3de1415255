// GC, which the reference lacks (plugins#1013): forwarded to IPAM, then the masquerade rules
// (both backends) and spoof-check chains of attachments not in the valid list are removed. Every
// step runs; the errors are reported together.
import { settleAll } from '../../lib/cni/errors.ts';
import type { Request } from '../../lib/cni/plugin.ts';
import { onEveryBackend } from '../../lib/firewall/backend.ts';
import type { BridgeConfig } from './config.ts';
import type { Deps } from './deps.ts';

export async function gc(req: Request<BridgeConfig>, deps: Deps): Promise<void> {
  const conf = req.config;
  const keep = conf.validAttachments;
  const host = await deps.openNetlink();
  try {
    const br = await host.findLink(conf.bridge);
    // Spoof-check chains carry no network name: one is this network's when its host veth is a
    // port of our bridge; one whose veth is gone is stale whoever made it.
    const isStale = async (iface: string | undefined): Promise<boolean> => {
      if (iface === undefined) return true;
      const link = await host.findLink(iface);
      return link === undefined || (br !== undefined && link.master === br.index);
    };
    await settleAll([
      onEveryBackend(deps.masq, (m) => m.gc(conf.name, keep)),
      deps.spoofCheck().then((s) => s.gc(keep, isStale)),
      conf.ipamType !== '' ? deps.delegate(req, conf.ipamType, 'GC') : undefined,
    ]);
  } finally {
    host.close();
  }
}
