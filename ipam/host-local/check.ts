// CHECK as the reference does it: the attachment holds at least one address in this network
// (which ones is not compared).
import { CniError, Code } from '../../lib/cni/errors.ts';
import type { Request } from '../../lib/cni/plugin.ts';
import type { HostLocalConfig } from './config.ts';
import { diskDeps, withStore, type Deps } from './deps.ts';

export async function check(req: Request<HostLocalConfig>, deps: Deps = diskDeps): Promise<void> {
  const conf = req.config;
  if (!withStore(deps, conf, false, false, (store) => store.findByID(req))) {
    throw new CniError(Code.CheckFailed, `host-local: Failed to find address added by container ${req.containerID}`);
  }
}
