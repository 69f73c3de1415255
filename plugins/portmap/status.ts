// STATUS (spec 1.1.0; a no-op in the reference): code 50 when the backend this configuration
// would use cannot run here.
import { CniError, Code } from '../../lib/cni/errors.ts';
import type { Request } from '../../lib/cni/plugin.ts';
import { iptablesUsable, nftablesUsable } from '../../lib/firewall/backend.ts';
import type { PortmapConfig } from './config.ts';

export async function status(req: Request<PortmapConfig>): Promise<void> {
  const b = req.config.backend;
  if (b === 'nftables') {
    if (!(await nftablesUsable())) throw new CniError(Code.PluginNotAvailable, 'nftables backend is not usable: nft cannot manage the ip cni_hostport table');
    return;
  }
  if (b === 'iptables') {
    if (!(await iptablesUsable())) throw new CniError(Code.PluginNotAvailable, 'iptables backend is not usable: iptables cannot list the nat table');
    return;
  }
  const [ipt, nft] = await Promise.all([iptablesUsable(), nftablesUsable()]);
  if (!ipt && !nft) throw new CniError(Code.PluginNotAvailable, 'neither iptables nor nftables is usable');
}
