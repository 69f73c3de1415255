// STATUS: IPAM's answer first, then whether an ADD could work here: the bridge name is free or
// a bridge, the kernel has bridges, and the firewall backends the config needs are usable.
// Anything missing is code 50 (plugin not available).
import { CniError, Code } from '../../lib/cni/errors.ts';
import type { Request } from '../../lib/cni/plugin.ts';
import { anyUsable } from '../../lib/firewall/backend.ts';
import type { BridgeConfig } from './config.ts';
import type { Deps } from './deps.ts';

const unavailable = (msg: string): CniError => new CniError(Code.PluginNotAvailable, msg);

export async function status(req: Request<BridgeConfig>, deps: Deps): Promise<void> {
  const conf = req.config;
  if (conf.ipamType !== '') await deps.delegate(req, conf.ipamType, 'STATUS');
  const host = await deps.openNetlink().catch((err: Error) => {
    throw unavailable(`cannot open a netlink socket: ${err.message}`);
  });
  try {
    const link = await host.findLink(conf.bridge);
    if (link !== undefined && link.kind !== 'bridge') throw unavailable(`"${conf.bridge}" already exists but is not a bridge`);
    if (link === undefined && !deps.kernelHasBridges()) {
      throw unavailable(`cannot create bridge "${conf.bridge}": the kernel has no bridge support`);
    }
  } finally {
    host.close();
  }
  if (conf.ipamType !== '' && conf.ipMasq && !(await anyUsable(deps.masq, conf.ipMasqBackend))) {
    throw unavailable(`ipMasq backend ${conf.ipMasqBackend ?? 'iptables or nftables'} is not usable`);
  }
  if (conf.macspoofchk && !(await (await deps.spoofCheck()).usable())) throw unavailable('macspoofchk needs nftables, which is not usable');
}
