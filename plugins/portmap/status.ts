// STATUS (spec 1.1.0; a no-op in the reference): code 50 when the backend this configuration
// would use cannot run here; without one configured, when neither can.
import { CniError, Code } from '../../lib/cni/errors.ts';
import type { Request } from '../../lib/cni/plugin.ts';
import { anyUsable } from '../../lib/firewall/backend.ts';
import type { PortmapConfig } from './config.ts';
import type { Deps } from './deps.ts';

export async function status(req: Request<PortmapConfig>, deps: Deps): Promise<void> {
  const configured = req.config.backend;
  if (configured !== undefined) {
    const f = await deps.forwarders[configured]();
    if (!(await f.usable())) throw new CniError(Code.PluginNotAvailable, f.unusable);
    return;
  }
  if (!(await anyUsable(deps.forwarders))) throw new CniError(Code.PluginNotAvailable, 'neither iptables nor nftables is usable');
}
