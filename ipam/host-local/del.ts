// DEL: frees every address of the attachment, whatever range it is in; legacy id-only files too
// when nothing in the current format matched (always, when there are several range sets, which
// is what the reference's per-set loop amounts to). Unknown IDs and repeated DELs succeed.
import type { Request } from '../../lib/cni/plugin.ts';
import type { HostLocalConfig } from './config.ts';
import { diskDeps, withStore, type Deps } from './deps.ts';
import { usageSample } from './usage.ts';

export async function del(req: Request<HostLocalConfig>, deps: Deps = diskDeps): Promise<void> {
  const conf = req.config;
  const legacy = conf.rangeSets.length > 1 ? 'always' : 'fallback';
  // Nothing was ever reserved on a network without a directory: do not create one to find that out.
  withStore(deps, conf, false, 0, (store) => {
    if (req.obs.on) req.obs.did({ released: store.getByID(req) });
    const n = store.releaseByID(req, legacy);
    req.obs.sample(usageSample(conf, store));
    return n;
  });
}
