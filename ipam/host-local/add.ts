// ADD: one address from every range set under one lock, plus the configured routes and the
// resolv.conf DNS. The result is the internal 1.1.0 shape; lib/cni converts it to the config's version.
import type { Request } from '../../lib/cni/plugin.ts';
import type { Result } from '../../lib/cni/result.ts';
import { CURRENT_VERSION } from '../../lib/cni/version.ts';
import { allocateAll } from './allocator.ts';
import type { HostLocalConfig } from './config.ts';
import { diskDeps, withStore, type Deps } from './deps.ts';
import { parseResolvConf } from './resolvconf.ts';
import { usageSample } from './usage.ts';

export async function add(req: Request<HostLocalConfig>, deps: Deps = diskDeps): Promise<Result> {
  const conf = req.config;
  // Read before any reservation, as the reference does: a bad path fails the ADD with nothing to undo.
  const dns = conf.resolvConf ? parseResolvConf(conf.resolvConf) : undefined;
  const { ips } = withStore(deps, conf, true, undefined, (store) => {
    store.releaseStale();
    const got = allocateAll(store, conf.rangeSets, req, conf.requestedIPs);
    req.obs.sample(usageSample(conf, store));
    return got;
  })!;
  req.obs.did({ assigned: ips.map((ip) => ip.address) });
  return {
    cniVersion: CURRENT_VERSION,
    ips,
    ...(conf.routes.length > 0 && { routes: conf.routes.map((r) => ({ ...r })) }),
    ...(dns && { dns }),
  };
}
